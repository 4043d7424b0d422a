// Every error code a release can end with: the action's own and the CodeDeploy codes it
// passes on. The summary takes its short reason from here and README.md's error table is
// generated from it (scripts/docs.ts), so the two cannot drift apart.

export interface ErrorCode {
  code: string;
  /** A few words for the first line of the summary: "group busy". */
  reason: string;
  /** What happened, for the README. */
  meaning: string;
  /** What to do, for the README. */
  fix: string;
  /** True when the action raises it before it changes anything in AWS. */
  beforeChange: boolean;
}

const own = (
  code: string,
  reason: string,
  beforeChange: boolean,
  meaning: string,
  fix: string,
): ErrorCode => ({ code, reason, meaning, fix, beforeChange });

/** The action's own codes. */
export const OWN_CODES: readonly ErrorCode[] = [
  own(
    'INVALID_INPUT',
    'invalid input',
    true,
    'An input is missing, malformed or conflicts with another; the action checked every input before any AWS call.',
    'Fix the inputs the message names (it gives the valid forms).',
  ),
  own(
    'NO_CREDENTIALS',
    'no AWS credentials',
    true,
    'The AWS SDK found no credentials (no environment variables, config files or instance role).',
    'Add `aws-actions/configure-aws-credentials` before the step, or set `role-to-assume`; with GitHub OIDC the job needs `permissions: id-token: write`.',
  ),
  own(
    'ACCESS_DENIED',
    'access denied',
    false,
    'AWS refused a call: the role the job uses lacks the IAM action the message names.',
    'Allow that action in the role’s policy (the README’s IAM policy lists every action the action calls).',
  ),
  own(
    'FUNCTION_NOT_FOUND',
    'function not found',
    true,
    'The function does not exist in the region (or disappeared during the release).',
    'Check `function-name` and `region`, and that the role may call `lambda:GetFunctionConfiguration`.',
  ),
  own(
    'PACKAGE_TYPE_MISMATCH',
    'wrong package type',
    true,
    'The code source does not fit the function: .zip code for an image function or an image for a .zip function.',
    'Use `image-uri` for image functions; `zip-file`, `code-dir` or `s3-bucket` + `s3-key` for .zip functions.',
  ),
  own(
    'CODE_UNREADABLE',
    'code unreadable',
    true,
    'The new code could not be read although its path exists: `code-dir` holds a broken symbolic link, a link outside the directory or in a loop, or something other than a file, or a file could not be read; or `code-dir` holds more than the 65,535 files a zip without ZIP64 can list. A `zip-file` or `code-dir` that does not exist is `INVALID_INPUT` instead.',
    'Read the reason in the message; fix the build output (or its links) in an earlier step of the same job. Over 65,535 files: bundle the code, or move dependencies into a layer.',
  ),
  own(
    'CODE_TOO_LARGE',
    'zip over 50 MB',
    true,
    "The zip built from `code-dir` is over Lambda's 50 MB limit for a direct upload.",
    "Add `s3-bucket` (a bucket in the function's region): the action then uploads the zip to S3 and Lambda reads it from there.",
  ),
  own(
    'S3_UPLOAD_FAILED',
    'S3 upload failed',
    false,
    'Putting the zip in S3 (`s3-bucket`) failed: no such bucket, no permission, or S3 refused it. Nothing was changed in Lambda.',
    "Create the bucket in the function's region, or fix `s3-bucket`; the role needs s3:PutObject and s3:GetObject on the key.",
  ),
  own(
    'VERSION_NOT_FOUND',
    'version not found',
    true,
    'The version given in `version`, or the one `from-alias` points at, does not exist.',
    'Give a published version number, or point the source alias at one.',
  ),
  own(
    'ALIAS_NOT_FOUND',
    'source alias not found',
    true,
    'The alias named in `from-alias` does not exist.',
    'Check `from-alias`; release to that stage first.',
  ),
  own(
    'SOURCE_ALIAS_WEIGHTED',
    'source alias split',
    true,
    'The `from-alias` alias is split between two versions, so it names no single version.',
    'Wait for its deployment to finish, or give `version`.',
  ),
  own(
    'SOURCE_ALIAS_ON_LATEST',
    'source alias on $LATEST',
    true,
    'The `from-alias` alias points at `$LATEST`, which is not immutable.',
    'Publish a version and point the source alias at it.',
  ),
  own(
    'ALIAS_WEIGHTED',
    'alias split',
    true,
    'The target alias is split between versions (a deployment was stopped without rollback); CodeDeploy fails every deployment from that state.',
    'Run the `aws lambda update-alias … --routing-config AdditionalVersionWeights={}` command the error gives, then release again.',
  ),
  own(
    'ALIAS_ON_LATEST',
    'alias on $LATEST',
    true,
    'The target alias points at `$LATEST`; CodeDeploy shifts only between published versions.',
    'Point the alias at a published version first (the error gives the command).',
  ),
  own(
    'APPLICATION_NOT_FOUND',
    'application not found',
    true,
    'The CodeDeploy application does not exist in the region.',
    'Check `application` and `region`; create it with compute platform Lambda, or give `codedeploy-role` to have the action create it and the group.',
  ),
  own(
    'APPLICATION_NOT_LAMBDA',
    'application not for Lambda',
    true,
    'The CodeDeploy application is for EC2/on-premises or ECS.',
    'Use an application created with compute platform Lambda.',
  ),
  own(
    'DEPLOYMENT_GROUP_NOT_FOUND',
    'deployment group not found',
    true,
    'The deployment group does not exist in the application.',
    'Check `deployment-group`, or give `codedeploy-role` to have the action create it.',
  ),
  own(
    'CODEDEPLOY_CREATE_FAILED',
    'CodeDeploy create failed',
    false,
    'Creating the missing CodeDeploy application or deployment group (`codedeploy-role`) failed. No traffic was moved.',
    'Check `codedeploy-role` (trusts codedeploy.amazonaws.com, AWSCodeDeployRoleForLambda) and that the role the action runs as may call codedeploy:CreateApplication, codedeploy:CreateDeploymentGroup and iam:PassRole on it.',
  ),
  own(
    'STRATEGY_NOT_FOUND',
    'strategy not found',
    true,
    'The deployment config named in `strategy` does not exist or is not for Lambda.',
    'Use a predefined Lambda config, a strategy in words (`canary 10% 5m`), or create the config.',
  ),
  own(
    'STRATEGY_CONFLICT',
    'config conflict',
    true,
    'A deployment config with the action’s name for this strategy exists with a different routing.',
    'Delete that config, or name a config in `strategy`.',
  ),
  own(
    'HOOK_NOT_FOUND',
    'hook not found',
    true,
    'A hook function named in `before-traffic-hook` or `after-traffic-hook` does not exist.',
    'Check the name and region; deploy the hook function first.',
  ),
  own(
    'GROUP_BUSY',
    'group busy',
    true,
    'Another deployment is active in the deployment group; CodeDeploy runs one at a time.',
    'Wait for it or stop it, set `if-busy: wait`, or give the job a `concurrency` group.',
  ),
  own(
    'TOO_MANY_ALARMS',
    'too many alarms',
    true,
    'The `metric-gates` alarms and the alarms that already apply (`alarms`, or the deployment group’s) are more than the 10 CodeDeploy takes per deployment.',
    'Remove gates, or alarms from `alarms` or the group, so that at most 10 remain.',
  ),
  own(
    'GATE_ALARMS_FAILED',
    'gate alarms failed',
    false,
    'CloudWatch refused to create the `metric-gates` alarms (or to remove ones an earlier run left), so the gates could not be enforced and no deployment was started.',
    'Grant the role the README’s MetricGateAlarms and MetricGateReads statements; the message names the CloudWatch error.',
  ),
  own(
    'ALIAS_MOVED',
    'alias moved',
    false,
    'While the action waited for a busy group, the other deployment moved the alias to the new version or deleted it.',
    'Check who else deploys this alias; run the release again if needed.',
  ),
  own(
    'CODE_CHANGED_CONCURRENTLY',
    '$LATEST changed by someone else',
    false,
    'Someone else changed `$LATEST` while the action uploaded; nothing was published.',
    'Run the release again once the other change is done; serialise releases of a function with `concurrency`.',
  ),
  own(
    'CODE_UPDATE_FAILED',
    'code update failed',
    false,
    'Lambda could not apply the new code, the configuration or the new function (`LastUpdateStatus: Failed`); nothing was published.',
    'Read the reason in the message (often a bad image, a missing layer or a KMS key); fix it and run again.',
  ),
  own(
    'LAST_UPDATE_FAILED',
    'last update failed',
    true,
    "The function's last update had failed (`LastUpdateStatus: Failed`) or the function is in `State: Failed`; nothing was changed.",
    'Read the reason in the message, fix it and update the function once so that Lambda reports `LastUpdateStatus: Successful`, then run again.',
  ),
  own(
    'CONFIG_CHANGED_CONCURRENTLY',
    'configuration changed by someone else',
    false,
    'Someone else changed `$LATEST` just before the configuration update; nothing was published.',
    'Run the release again once the other change is done; serialise releases of a function with `concurrency`.',
  ),
  own(
    'CODE_UPDATE_TIMEOUT',
    'code update slow',
    false,
    'Lambda was still applying the code after 5 minutes, or `$LATEST` stayed in a state that is not ready (the message names it).',
    'Check the function in the console; run again when its update has ended.',
  ),
  own(
    'FUNCTION_DELETING',
    'function being deleted',
    false,
    'Lambda reports the function (or its `$LATEST`) in State `Deleting`: it is going away and cannot be released.',
    'Check who deletes the function; release to a function that stays.',
  ),
  own(
    'CONFIG_CREATE_ONLY',
    'configuration set only at creation',
    true,
    '`function-configuration` changes a field Lambda takes only when a function is created (`DurableConfig`, `TenancyConfig`), or adds `CapacityProviderConfig` to a function that has none.',
    'Leave the field as the function has it, or create a new function with it (`create-function`).',
  ),
  own(
    'TENANT_ID_REQUIRED',
    'tenant id required',
    true,
    'The function runs in tenant isolation mode: Lambda invokes it only with a tenant id, and `smoke-test-payload` was given without `smoke-test-tenant-id`.',
    'Set `smoke-test-tenant-id` to the tenant the smoke test runs as.',
  ),
  own(
    'VERSION_FAILED',
    'version failed',
    false,
    'The published version did not become active (`State: Failed`, e.g. a SnapStart snapshot that could not be made); no traffic was moved.',
    'Read the state reason in the message, fix the function configuration, run again.',
  ),
  own(
    'VERSION_NOT_ACTIVE',
    'version not active',
    false,
    'The published version was still not active `timeout-minutes` after the first check; no traffic was moved.',
    'SnapStart versions take minutes to be ready, Managed Instances versions up to 15 minutes: raise `timeout-minutes`, or check the version in the console and run again.',
  ),
  own(
    'SMOKE_TEST_FAILED',
    'smoke test failed',
    false,
    'The new version returned a function error to `smoke-test-payload`; no traffic moved.',
    'Read the error payload in the message; fix the code.',
  ),
  own(
    'TIMEOUT',
    'timed out',
    false,
    'The deployment did not end within `timeout-minutes` of its start (or a busy group was still busy `timeout-minutes` after the first check).',
    'Raise `timeout-minutes`, or find out why the deployment is slow (a hook that never reports back is the usual cause).',
  ),
  own(
    'TIMEOUT_STOP_FAILED',
    'stop failed',
    false,
    'The deployment did not end within its time budget, and StopDeployment failed: the deployment is still running.',
    'Read why the stop failed in the message (often `codedeploy:StopDeployment` missing from the policy); the post step tries again, or stop it in the console.',
  ),
  own(
    'OIDC_TOKEN_UNAVAILABLE',
    'no OIDC token',
    true,
    'With `role-to-assume` the action asks GitHub for an OIDC token, and the job could not give one.',
    'Add `permissions: id-token: write` to the job (and to the calling workflow for reusable workflows).',
  ),
  own(
    'ASSUME_ROLE_DENIED',
    'role not assumable',
    true,
    'STS refused AssumeRoleWithWebIdentity for `role-to-assume`: the role\u2019s trust policy does not accept this workflow\u2019s token.',
    'Make the trust policy\u2019s `token.actions.githubusercontent.com:sub` condition match the subject in the message, and `:aud` match `audience`.',
  ),
  own(
    'ASSUME_ROLE_FAILED',
    'role not assumed',
    true,
    'STS AssumeRoleWithWebIdentity failed for another reason (throttled, unreachable, a bad token).',
    'Read the STS error in the message; check that the OIDC provider exists in the account.',
  ),
  own(
    'CREDENTIALS_EXPIRED',
    'credentials expired',
    false,
    'AWS refused the action\u2019s credentials as expired (session credentials the action cannot refresh); the step ended at once, leaving any running deployment to CodeDeploy\u2019s own alarms and automatic rollback.',
    'Set `role-to-assume`, which refreshes its own credentials for as long as the release runs, or raise `role-duration-seconds` on configure-aws-credentials to the seconds the message names.',
  ),
  own(
    'LOST_CONTACT',
    'lost contact',
    false,
    'AWS could not be reached while the action watched the deployment, and timeout-minutes passed before contact came back; the deployment was left running.',
    'Follow the deployment in the console; check the runner’s network.',
  ),
  own(
    'ALIAS_MISMATCH',
    'alias not on the new version',
    false,
    'CodeDeploy reports success, but the alias is not wholly on the new version: something else changed it.',
    'Find out who else changes the alias; point it where it should be.',
  ),
  own(
    'CANCELLED',
    'cancelled',
    false,
    'The workflow run was cancelled; with `on-cancel: rollback` the deployment was stopped with rollback.',
    'Nothing, unless the summary says the alias is not back; then the post step checks again.',
  ),
  own(
    'BAKE_ALARM',
    'alarm during the bake',
    false,
    'A release of several functions: an alarm of a function released in an earlier wave (its deployment group’s, `alarms`, or a metric gate’s) went into ALARM during `bake-minutes`; every alias the release moved was returned.',
    'Look at the alarm and the function it watches; release again once it is fixed.',
  ),
  own(
    'BAKE_UNWATCHED',
    'alarms unreadable during the bake',
    false,
    'A release of several functions: CloudWatch refused to say the alarms’ states during the bake (denied or expired), so the bake could not judge the release; every alias the release moved was returned.',
    'Allow `cloudwatch:DescribeAlarms` to the role, or renew the credentials, and release again.',
  ),
  own(
    'STOPPED_BY_RELEASE',
    'stopped: another function failed',
    false,
    'A release of several functions: this function’s deployment was stopped with rollback because another function of the release failed (one fate).',
    'See the cause of the function that failed.',
  ),
];

/** CodeDeploy's own codes (errorInformation.code) that a Lambda deployment ends with. */
export const CODEDEPLOY_CODES: readonly ErrorCode[] = [
  own(
    'HOOK_EXECUTION_FAILURE',
    'hook failed',
    false,
    'A lifecycle hook reported `Failed` (or did not report within an hour).',
    'Read the hook function’s log (linked in the summary).',
  ),
  own(
    'ALARM_ACTIVE',
    'alarm',
    false,
    'A CloudWatch alarm watched by the deployment went into ALARM; CodeDeploy stopped the deployment.',
    'Read the alarm (linked in the summary) and the new version’s logs and metrics.',
  ),
  own(
    'DEPLOYMENT_GROUP_MISSING',
    'deployment group missing',
    false,
    'The deployment group was deleted during the deployment.',
    'Recreate the group.',
  ),
  own(
    'MANUAL_STOP',
    'stopped by hand',
    false,
    'Someone stopped the deployment (console, CLI or API) while it ran.',
    'Ask who stopped it; run the release again when ready.',
  ),
  own(
    'INVALID_LAMBDA_FUNCTION',
    'function invalid for CodeDeploy',
    false,
    'CodeDeploy could not use the function, alias or versions in the AppSpec.',
    'Check that the alias and both versions exist and that the service role may read them.',
  ),
  own(
    'INVALID_LAMBDA_CONFIGURATION',
    'alias invalid for CodeDeploy',
    false,
    'CodeDeploy found the alias in a state it cannot shift from (for instance already weighted).',
    'Clear the alias routing (`update-alias --routing-config AdditionalVersionWeights={}`), then run again.',
  ),
  own(
    'IAM_ROLE_MISSING',
    'service role missing',
    false,
    'The deployment group’s service role does not exist.',
    'Recreate the role or fix the group’s service role ARN.',
  ),
  own(
    'IAM_ROLE_PERMISSIONS',
    'service role permissions',
    false,
    'The CodeDeploy service role may not change the alias or invoke the hooks.',
    'Attach `AWSCodeDeployRoleForLambda` to the service role (see “The CodeDeploy service role”).',
  ),
  own(
    'INTERNAL_ERROR',
    'CodeDeploy internal error',
    false,
    'CodeDeploy failed on its side.',
    'Run again.',
  ),
];

const CODEDEPLOY = new Set(CODEDEPLOY_CODES.map((c) => c.code));

/** Whether CodeDeploy itself ended the deployment with this code (errorInformation.code). */
export function isCodeDeployCode(code: string | undefined): boolean {
  return code !== undefined && CODEDEPLOY.has(code);
}

/**
 * What to do about a code CodeDeploy ended the deployment with, when the action names no
 * alarm or hook of its own: CodeDeploy's message rarely says (INTERNAL_ERROR: run again).
 */
export function codeDeployFix(
  c: { code?: string | undefined; alarms?: string[]; failedHook?: string } | undefined,
): string | undefined {
  if (!c || c.alarms?.length || c.failedHook || !isCodeDeployCode(c.code)) return undefined;
  return errorCode(c.code)?.fix;
}

const ALL = new Map([...OWN_CODES, ...CODEDEPLOY_CODES].map((c) => [c.code, c]));

/** The catalogue entry for a code, if it is one we know. */
export function errorCode(code: string | undefined): ErrorCode | undefined {
  return code === undefined ? undefined : ALL.get(code);
}
