// Limits (AWS's, see docs/aws-semantics.md) and defaults.

/** Lambda's direct-upload (ZipFile) limit. */
export const MAX_ZIP_BYTES = 50 * 1024 * 1024;
/** Lambda's version description limit. */
export const MAX_DESCRIPTION_LENGTH = 256;
/** CodeDeploy: alarms per deployment. */
export const MAX_ALARMS = 10;
/** CloudWatch / CodeDeploy: alarm name length. */
export const MAX_ALARM_NAME_LENGTH = 255;
/** Lambda: synchronous Invoke payload limit. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** CodeDeploy: a Lambda deployment runs at most 50 h. */
export const MAX_TIMEOUT_MINUTES = 3000;
export const MAX_POLL_INTERVAL_SECONDS = 3600;
export const DEFAULT_STRATEGY = 'Canary10Percent5Minutes';
export const DEFAULT_POLL_INTERVAL_SECONDS = 15;
