// Lambda's limits on function configuration. See docs/aws-semantics.md.

export const MEMORY_MB = { min: 128, max: 10240 } as const;
export const TIMEOUT_SECONDS = { min: 1, max: 900 } as const;
export const EPHEMERAL_STORAGE_MB = { min: 512, max: 10240 } as const;
export const MAX_LAYERS = 5;
/** Lambda Managed Instances (CapacityProviderConfig), from the API model. */
export const MAX_CONCURRENCY_PER_ENVIRONMENT = { min: 1, max: 1600 } as const;
export const MEMORY_GIB_PER_VCPU = { min: 2, max: 8 } as const;
export const MAX_FUNCTION_DESCRIPTION = 256;
export const MAX_HANDLER = 128;
/** Lambda measures the JSON text of the Variables map: `{"KEY":"value",...}`. */
export const MAX_ENVIRONMENT_BYTES = 4096;
export const ENV_KEY = /^[a-zA-Z][a-zA-Z0-9_]+$/;

/**
 * Keys Lambda's runtimes set and refuse in a function's configuration (the Lambda Developer
 * Guide's "Reserved environment variables"). The last three come with newer Lambda features and
 * are not in every copy of that list: refused here to be safe. TZ, LANG, PATH, the X-Ray
 * variables and the *_PATH variables are documented as not reserved.
 */
export const RESERVED_ENV_KEYS: ReadonlySet<string> = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
  'AWS_LAMBDA_MAX_CONCURRENCY',
  'AWS_LAMBDA_METADATA_API',
  'AWS_LAMBDA_METADATA_TOKEN',
]);

const PARTITION = 'aws(?:-[a-z]+)*';
/** Lambda's Role pattern: `arn:<partition>:iam::<account>:role/<path/><name>`. */
export const ROLE_ARN = new RegExp(
  `^arn:${PARTITION}:iam::\\d{12}:role/(?:[\\w+=,.@-]+/)*[\\w+=,.@-]{1,64}$`,
);
export const ROLE_FORMS =
  'Valid: an IAM role ARN, `arn:<partition>:iam::<account>:role/<name>` (a path before the name is allowed), e.g. `arn:aws:iam::123456789012:role/my-function-role`.';
/** `arn:<partition>:lambda:<region>:<account>:layer:<name>:<version>` */
export const LAYER_ARN = new RegExp(
  `^arn:(${PARTITION}):lambda:([a-z]{2}(?:-[a-z]+)+-\\d+):(\\d{12}):layer:([a-zA-Z0-9_-]{1,140}):([1-9]\\d*)$`,
);
export const LAYER_FORMS = `Valid: up to ${MAX_LAYERS} layer version ARNs, \`arn:<partition>:lambda:<region>:<account>:layer:<name>:<version>\`, separated by commas or newlines, e.g. \`arn:aws:lambda:us-east-1:123456789012:layer:my-layer:3\`.`;
/** Any ARN, or empty to remove (DeadLetterConfig.TargetArn, KMSKeyArn). */
export const ARN_OR_EMPTY = /^(arn:aws[a-zA-Z-]*:[a-z0-9.-]+:.*)?$/;
export const EFS_ACCESS_POINT_ARN =
  /^arn:aws[a-zA-Z-]*:elasticfilesystem:[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d:\d{12}:access-point\/fsap-[a-f0-9]{17}$/;
export const MOUNT_PATH = /^\/mnt\/[a-zA-Z0-9_.-]{1,155}$/;
export const LOG_GROUP = /^[.\-_/#A-Za-z0-9]{1,512}$/;
