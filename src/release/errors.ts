// The release's own failures: a code a person (and the summary) can act on, and a message
// that is the whole explanation.
import { isExpiredCredentials } from '../aws/credential-errors.ts';
import { type AwsErrorLike, awsError, describeAwsError, isAbort } from '../aws/errors.ts';

export type ReleaseErrorCode =
  | 'INVALID_INPUT'
  | 'FUNCTION_NOT_FOUND'
  | 'PACKAGE_TYPE_MISMATCH'
  | 'VERSION_NOT_FOUND'
  | 'ALIAS_NOT_FOUND'
  | 'SOURCE_ALIAS_WEIGHTED'
  | 'SOURCE_ALIAS_ON_LATEST'
  | 'ALIAS_WEIGHTED'
  | 'ALIAS_ON_LATEST'
  | 'ALIAS_MOVED'
  | 'CODE_UNREADABLE'
  | 'CODE_TOO_LARGE'
  | 'S3_UPLOAD_FAILED'
  | 'CODE_CHANGED_CONCURRENTLY'
  | 'CODE_UPDATE_FAILED'
  | 'CODE_UPDATE_TIMEOUT'
  | 'LAST_UPDATE_FAILED'
  | 'FUNCTION_DELETING'
  | 'CONFIG_CREATE_ONLY'
  | 'TENANT_ID_REQUIRED'
  | 'CONFIG_CHANGED_CONCURRENTLY'
  | 'VERSION_FAILED'
  | 'VERSION_NOT_ACTIVE'
  | 'APPLICATION_NOT_FOUND'
  | 'APPLICATION_NOT_LAMBDA'
  | 'DEPLOYMENT_GROUP_NOT_FOUND'
  | 'CODEDEPLOY_CREATE_FAILED'
  | 'STRATEGY_NOT_FOUND'
  | 'STRATEGY_CONFLICT'
  | 'HOOK_NOT_FOUND'
  | 'GROUP_BUSY'
  | 'SMOKE_TEST_FAILED'
  | 'TIMEOUT'
  | 'TOO_MANY_ALARMS'
  | 'GATE_ALARMS_FAILED'
  | 'OIDC_TOKEN_UNAVAILABLE'
  | 'ASSUME_ROLE_DENIED'
  | 'ASSUME_ROLE_FAILED'
  | 'CREDENTIALS_EXPIRED';

export class ReleaseError extends Error {
  readonly code: ReleaseErrorCode;
  constructor(code: ReleaseErrorCode, message: string) {
    super(message);
    this.name = 'ReleaseError';
    this.code = code;
  }
}

/**
 * Runs one AWS call; a failure becomes a ReleaseError with `code` whose message `explain`
 * writes from the AWS error (service, operation, what was being done, fix). Cancellation and
 * missing or expired credentials pass through unchanged: the release words those once, for
 * every call alike (CREDENTIALS_EXPIRED, NO_CREDENTIALS), and a retry hint would be false.
 */
export async function explainFailure<T>(
  code: ReleaseErrorCode,
  explain: (e: AwsErrorLike) => string,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (
      isAbort(error) ||
      isExpiredCredentials(error) ||
      describeAwsError(error).code === 'NO_CREDENTIALS'
    )
      throw error;
    throw new ReleaseError(code, explain(awsError(error)));
  }
}
