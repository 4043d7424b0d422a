// CloudWatch errors as the awsJson1_0 + awsQueryCompatible protocol sends them: the HTTP status,
// `x-amzn-query-error: <query code>;Sender` and a body {"__type": "<shape>", "message"}. The SDK
// (3.1164) reads the query code first and maps it to the error shape that declares it.

export class CloudWatchError extends Error {
  readonly status: number;
  /** The error shape, e.g. InvalidParameterValueException: the SDK error's `name`. */
  readonly shape: string;
  /** The query-protocol code, e.g. InvalidParameterValue: the SDK error's `Code`. */
  readonly queryCode: string;
  constructor(status: number, shape: string, queryCode: string, message: string) {
    super(message);
    this.name = shape;
    this.status = status;
    this.shape = shape;
    this.queryCode = queryCode;
  }
}

export const invalidValue = (message: string) =>
  new CloudWatchError(400, 'InvalidParameterValueException', 'InvalidParameterValue', message);
export const missingParameter = (name: string) =>
  new CloudWatchError(
    400,
    'MissingRequiredParameterException',
    'MissingParameter',
    `The parameter ${name} is required.`,
  );
export const invalidCombination = (message: string) =>
  new CloudWatchError(
    400,
    'InvalidParameterCombinationException',
    'InvalidParameterCombination',
    message,
  );
export const validationError = (message: string) =>
  new CloudWatchError(400, 'ValidationException', 'ValidationError', message);
export const invalidNextToken = () =>
  new CloudWatchError(
    400,
    'InvalidNextToken',
    'InvalidNextToken',
    'The value of NextToken is invalid.',
  );
export const unknownOperation = (op: string) =>
  new CloudWatchError(
    400,
    'UnknownOperationException',
    'UnknownOperation',
    `Unknown operation ${op}`,
  );

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function errorResponse(error: CloudWatchError): WireResponse {
  return {
    status: error.status,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-query-error': `${error.queryCode};Sender`,
    },
    body: JSON.stringify({
      __type: `com.amazonaws.cloudwatch#${error.shape}`,
      message: error.message,
    }),
  };
}
