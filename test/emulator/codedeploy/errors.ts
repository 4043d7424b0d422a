// CodeDeploy's errors (AWS JSON 1.1: HTTP 400 and {"__type","message"}, see
// docs/aws-semantics.md#codedeploy-wire-protocol) and the texts of asynchronous failures
// (docs/aws-semantics.md#observing-a-deployment). Messages the doc does not quote are the
// emulator's wording; clients must not match on them.
import type { HttpResult } from '../service.ts';
import { ApiError, accessDeniedMessage } from '../util.ts';

export const err = (code: string, message: string) => new ApiError(400, code, message);

export const MESSAGES = {
  invalidLambdaConfiguration:
    'The deployment failed because the AppSpec file that specifies the AWS Lambda deployment configuration is missing or has an invalid configuration.',
  hookFailure:
    'The deployment failed because one or more of the lifecycle event validation functions failed.',
  alarm:
    'One or more alarms have been activated according to the Amazon CloudWatch metrics you selected, and the affected deployments have been stopped. Activated alarms:',
  aliasMismatch:
    'The Lambda function alias version does not match the current version in AppSpec file.',
  notWellFormed: 'The input AppSpec file is a not well-formed yaml. The template cannot be parsed.',
} as const;

export function invalidConfig(detail?: string): { code: string; message: string } {
  return {
    code: 'INVALID_LAMBDA_CONFIGURATION',
    message: detail
      ? `${MESSAGES.invalidLambdaConfiguration} ${detail}`
      : MESSAGES.invalidLambdaConfiguration,
  };
}

export function codeDeployErrorResponse(e: ApiError): HttpResult {
  return {
    status: e.status,
    headers: { 'Content-Type': 'application/x-amz-json-1.1' },
    body: JSON.stringify({ __type: e.code, message: e.message }),
  };
}

/** What an injected fault answers with in CodeDeploy's protocol (it has no `conflict`). */
export const CODEDEPLOY_FAULTS = {
  throttle: () => new ApiError(400, 'ThrottlingException', 'Rate exceeded'),
  error500: () =>
    new ApiError(500, 'InternalFailure', 'An internal error occurred (injected by the emulator).'),
  // JSON 1.1 services answer an IAM refusal with 400 and the action in the message.
  denied: (call: { operation: string; region?: string }) =>
    new ApiError(
      400,
      'AccessDeniedException',
      accessDeniedMessage(
        `codedeploy:${call.operation}`,
        `arn:aws:codedeploy:${call.region ?? 'us-east-1'}:123456789012:deploymentgroup:*`,
      ),
    ),
};
