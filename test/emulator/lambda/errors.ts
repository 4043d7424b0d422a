// Lambda's errors: X-Amzn-ErrorType and {"Type","message"} with each error's own HTTP status
// (docs/aws-semantics.md#lambda-wire-protocol).
import type { HttpResult } from '../service.ts';
import { ApiError } from '../util.ts';

// Error constructors with AWS's status codes and texts (docs/aws-semantics.md#lambda-wire-protocol).
export const notFound = (message: string) =>
  new ApiError(404, 'ResourceNotFoundException', message);
export const invalidParam = (message: string) =>
  new ApiError(400, 'InvalidParameterValueException', message);
export const conflict = (message: string) =>
  new ApiError(409, 'ResourceConflictException', message);
export const precondition = () =>
  new ApiError(
    412,
    'PreconditionFailedException',
    'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
  );
export const validation = (value: string, member: string, constraint: string) =>
  new ApiError(
    400,
    'ValidationException',
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`,
  );

/** 409 while an earlier update of the function is still being applied. */
export const updateInProgress = (arn: string) =>
  conflict(
    `The operation cannot be performed at this time. An update is in progress for resource: ${arn}`,
  );

/** Render an ApiError the way Lambda sends it. */
export function lambdaErrorResponse(err: ApiError): HttpResult {
  // ResourceNotFoundException and ServiceException carry a capital `Message` (docs/aws-semantics.md#lambda-wire-protocol).
  const capital = err.code === 'ResourceNotFoundException' || err.code === 'ServiceException';
  const type = err.status >= 500 ? 'Service' : 'User';
  const body: Record<string, unknown> = {
    Type: type,
    [capital ? 'Message' : 'message']: err.message,
    ...err.extra,
  };
  if (err.code === 'ValidationException') {
    delete body['Type'];
  }
  return {
    status: err.status,
    headers: { 'Content-Type': 'application/json', 'X-Amzn-ErrorType': err.code, ...err.headers },
    body: JSON.stringify(body),
  };
}
