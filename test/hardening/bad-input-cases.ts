// The bad-input cases both the unit tests (readSettings on its own) and the hardening tests
// (as main.ts runs it, against the emulator, watching for AWS calls) check: one table, so a
// case added here is checked both ways.
//
// Each case is written so that, on top of valid inputs for function `orders`/`my-fn`, alias
// `live`, application and group in AWS_REGION us-east-1, and optionally `code-dir: code`, it
// gives exactly one problem, about `names[0]`. Cases with a code source clear `code-dir`.
// The workspace must hold `app.zip` (a zip), `code/` (a directory with a file) and what
// writeBadInputFiles writes.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface BadCase {
  title: string;
  inputs: Record<string, string | undefined>;
  /** The input(s) the one message must name; the first is the one at fault. */
  names: string[];
  /** What is wrong, in the message. */
  what: RegExp;
  /** The valid forms, in the message. */
  valid: RegExp;
  env?: Record<string, string | undefined>;
}

export const badCase = (
  title: string,
  inputs: Record<string, string | undefined>,
  name: string | string[],
  what: RegExp,
  valid: RegExp,
  env?: Record<string, string | undefined>,
): BadCase => ({ title, inputs, names: [name].flat(), what, valid, env });

/** The files the cases name, besides `app.zip` and `code/`. */
export function writeBadInputFiles(workspace: string): void {
  fs.writeFileSync(path.join(workspace, 'notzip.zip'), 'this is a text file, not a zip\n');
  fs.mkdirSync(path.join(workspace, 'empty', 'sub', 'deeper'), { recursive: true });
  fs.mkdirSync(path.join(workspace, 'a-dir.zip'));
}

export const FUNCTION_FORMS = /Valid: a function name \(1-64 .*its ARN .*partial ARN/;
export const ALIAS_FORMS =
  /Valid: 1-128 letters, digits, `-` or `_`, not only digits and not `\$LATEST`/;
export const GROUP_FORMS = /Valid: the name of the (CodeDeploy application|deployment group)/;
export const STRATEGY_FORMS =
  /Valid strategies: a predefined Lambda config \(Canary10Percent5Minutes.*`canary <percent>% <minutes>m`.*`direct`.*custom Lambda deployment config/;
export const SOURCE_FORMS =
  /Give at most one of `zip-file`, `code-dir`, `s3-bucket` \+ `s3-key`.*`image-uri`, `version` or `from-alias`/;
export const ZIP_FORMS =
  /Valid: the path of a \.zip file \(relative to the workspace\), at most 50 MB/;
export const DIR_FORMS = /Valid: the path of a directory \(relative to the workspace\)/;
export const S3_FORMS = /Valid: `s3-bucket` and `s3-key` together/;
export const IMAGE_FORMS = /Valid: `<registry>\/<repository>\[:tag\|@sha256:<digest>\]`/;
export const VERSION_FORMS = /Valid: the number of an existing published version/;
export const JSON_FORMS = /Valid: a JSON document/;
export const TENANT_FORMS = /Valid: 1–256 letters, digits, spaces/;
export const TIMEOUT_FORMS = /Valid: a number greater than 0 and at most 3000/;
export const POLL_FORMS = /Valid: a number from 1 to 3600/;
export const ON_EVENT_FORMS = /Valid: `rollback` or `leave`; default `rollback`/;
export const BUSY_FORMS = /Valid: `fail` or `wait`; default `fail`/;
export const BOOL_FORMS = /Valid: `true` or `false` \(also yes\/no, on\/off, 1\/0, any case\)/;
export const ALARM_FORMS =
  /Valid: up to 10 distinct CloudWatch alarm names of at most 255 characters/;
export const DIRECT_FORMS = /Valid: remove (it|them), or use a CodeDeploy strategy/;
export const REGION_FORMS = /Valid: .*`us-east-1`/;

export const OTHER_REGION_ARN = 'arn:aws:lambda:us-west-2:123456789012:function:orders';
const c = badCase;

export const SHARED_BAD_CASES: BadCase[] = [
  // --- function-name
  c('function-name empty', { 'function-name': '' }, 'function-name', /is required/, FUNCTION_FORMS),
  c(
    'function-name blank',
    { 'function-name': '  \t ' },
    'function-name',
    /is required/,
    FUNCTION_FORMS,
  ),
  c(
    'function-name with bad characters',
    { 'function-name': 'orders; rm -rf /' },
    'function-name',
    /characters Lambda does not allow/,
    FUNCTION_FORMS,
  ),
  c(
    'function-name too long',
    { 'function-name': 'f'.repeat(65) },
    'function-name',
    /65 characters long, over Lambda's 64/,
    FUNCTION_FORMS,
  ),
  c(
    'function-name ARN from another region',
    { 'function-name': OTHER_REGION_ARN },
    'function-name',
    /is in region `us-west-2`, but the release runs in `us-east-1` \(from AWS_REGION\)/,
    /Valid: a function in `us-east-1`, or set `region` to `us-west-2`/,
  ),
  c(
    'function-name with an alias qualifier',
    { 'function-name': 'orders:live' },
    'function-name',
    /qualifier `:live`/,
    FUNCTION_FORMS,
  ),
  // --- alias
  c('alias empty', { alias: '' }, 'alias', /is required/, ALIAS_FORMS),
  c('alias only digits', { alias: '123' }, 'alias', /only digits/, ALIAS_FORMS),
  c('alias $LATEST', { alias: '$LATEST' }, 'alias', /cannot be `\$LATEST`/, ALIAS_FORMS),
  c(
    'alias too long',
    { alias: 'a'.repeat(129) },
    'alias',
    /129 characters long, over Lambda's 128/,
    ALIAS_FORMS,
  ),
  c(
    'alias with a dot',
    { alias: 'live.v2' },
    'alias',
    /characters Lambda does not allow/,
    ALIAS_FORMS,
  ),
  // --- application, deployment-group
  c(
    'application empty',
    { application: '' },
    'application',
    /is required unless `strategy` is `direct`/,
    GROUP_FORMS,
  ),
  c(
    'deployment-group empty',
    { 'deployment-group': '' },
    'deployment-group',
    /is required unless `strategy` is `direct`/,
    GROUP_FORMS,
  ),
  c(
    'application over 100 characters',
    { application: 'a'.repeat(101) },
    'application',
    /101 characters long, over CodeDeploy's 100/,
    GROUP_FORMS,
  ),
  // --- strategy
  c(
    'strategy unknown, with a space',
    { strategy: 'blue green' },
    'strategy',
    /neither a known strategy nor a valid deployment config name \(no spaces/,
    STRATEGY_FORMS,
  ),
  c(
    'strategy unknown predefined, in the reserved prefix',
    { strategy: 'CodeDeployDefault.LambdaCanary10Percent7Minutes' },
    'strategy',
    /not one of CodeDeploy's predefined.*prefix `CodeDeployDefault\.` is reserved/,
    STRATEGY_FORMS,
  ),
  c(
    'strategy 0%',
    { strategy: 'canary 0% 5m' },
    'strategy',
    /whole number from 1 to 99.*got 0%/,
    STRATEGY_FORMS,
  ),
  c(
    'strategy 100%',
    { strategy: 'canary 100% 5m' },
    'strategy',
    /whole number from 1 to 99.*got 100%/,
    STRATEGY_FORMS,
  ),
  c(
    'strategy 150%',
    { strategy: 'linear 150% 5m' },
    'strategy',
    /whole number from 1 to 99.*got 150%/,
    STRATEGY_FORMS,
  ),
  c(
    'strategy 0m',
    { strategy: 'canary 10% 0m' },
    'strategy',
    /interval must be 1 to 2880 minutes.*got 0 minutes/,
    STRATEGY_FORMS,
  ),
  c(
    'strategy 2881m',
    { strategy: 'canary 10% 2881m' },
    'strategy',
    /interval must be 1 to 2880 minutes.*got 2881 minutes/,
    STRATEGY_FORMS,
  ),
  c(
    'strategy interval without a unit',
    { strategy: 'canary 10% 5' },
    'strategy',
    /needs a unit/,
    STRATEGY_FORMS,
  ),
  c(
    'strategy linear over 48 h in total',
    { strategy: 'linear 1% 30m' },
    'strategy',
    /2970 minutes.*over CodeDeploy's limit of 2880 minutes/,
    STRATEGY_FORMS,
  ),
  // --- code sources
  c(
    'two code sources: zip-file and code-dir',
    { 'zip-file': 'app.zip', 'code-dir': 'code' },
    ['zip-file', 'code-dir'],
    /`zip-file` and `code-dir` were both given, but only one code source may be/,
    SOURCE_FORMS,
  ),
  c(
    'zip-file that does not exist',
    { 'code-dir': '', 'zip-file': 'missing.zip' },
    'zip-file',
    /`missing\.zip` does not exist/,
    ZIP_FORMS,
  ),
  c(
    'zip-file that is not a zip',
    { 'code-dir': '', 'zip-file': 'notzip.zip' },
    'zip-file',
    /is not a zip file/,
    ZIP_FORMS,
  ),
  c(
    'zip-file that is a directory',
    { 'code-dir': '', 'zip-file': 'a-dir.zip' },
    'zip-file',
    /is a directory \(use `code-dir` for that\)/,
    ZIP_FORMS,
  ),
  c('code-dir with no files', { 'code-dir': 'empty' }, 'code-dir', /contains no files/, DIR_FORMS),
  c(
    'code-dir that does not exist',
    { 'code-dir': 'nowhere' },
    'code-dir',
    /does not exist/,
    DIR_FORMS,
  ),
  c(
    'code-dir that is a file',
    { 'code-dir': 'app.zip' },
    'code-dir',
    /is not a directory/,
    DIR_FORMS,
  ),
  c(
    's3-key without s3-bucket',
    { 'code-dir': '', 's3-key': 'builds/app.zip' },
    's3-bucket',
    /is required with `s3-key`/,
    S3_FORMS,
  ),
  c(
    's3-bucket without s3-key',
    { 'code-dir': '', 's3-bucket': 'my-artifacts' },
    's3-key',
    /is required with `s3-bucket`/,
    S3_FORMS,
  ),
  c(
    's3-bucket not a bucket name',
    { 'code-dir': '', 's3-bucket': 'My_Bucket', 's3-key': 'app.zip' },
    's3-bucket',
    /not a valid S3 bucket name/,
    /Valid: 3-63 lowercase letters/,
  ),
  c(
    'image-uri not an image',
    { 'code-dir': '', 'image-uri': 'not an image' },
    'image-uri',
    /is not a container image URI/,
    IMAGE_FORMS,
  ),
  // --- promotion
  c(
    'version $LATEST',
    { 'code-dir': '', version: '$LATEST' },
    'version',
    /cannot be `\$LATEST`/,
    VERSION_FORMS,
  ),
  c(
    'version not a number',
    { 'code-dir': '', version: 'v7' },
    'version',
    /`v7` is not a version number/,
    VERSION_FORMS,
  ),
  c(
    'from-alias equal to alias',
    { 'code-dir': '', 'from-alias': 'live' },
    'from-alias',
    /must differ from `alias` \(both are `live`\)/,
    /Valid: the alias of the earlier stage/,
  ),
  // --- smoke test
  c(
    'smoke-test-payload cut short',
    { 'smoke-test-payload': '{"ping": ' },
    'smoke-test-payload',
    /is not valid JSON: .+/,
    JSON_FORMS,
  ),
  c(
    'smoke-test-tenant-id with a character Lambda refuses',
    { 'smoke-test-payload': '{}', 'smoke-test-tenant-id': 'tenant#1' },
    'smoke-test-tenant-id',
    /`tenant#1` is not a tenant id Lambda accepts/,
    TENANT_FORMS,
  ),
  c(
    'smoke-test-tenant-id without a smoke test',
    { 'smoke-test-tenant-id': 'tenant-1' },
    'smoke-test-tenant-id',
    /is set, but `smoke-test-payload` is not/,
    TENANT_FORMS,
  ),
  // --- numbers
  c(
    'timeout-minutes negative',
    { 'timeout-minutes': '-5' },
    'timeout-minutes',
    /`-5` is not a valid number of minutes/,
    TIMEOUT_FORMS,
  ),
  c(
    'timeout-minutes not a number',
    { 'timeout-minutes': 'ten' },
    'timeout-minutes',
    /`ten` is not a valid number/,
    TIMEOUT_FORMS,
  ),
  c(
    'timeout-minutes zero',
    { 'timeout-minutes': '0' },
    'timeout-minutes',
    /`0` is not a valid number/,
    TIMEOUT_FORMS,
  ),
  c(
    'timeout-minutes over 50 h',
    { 'timeout-minutes': '3001' },
    'timeout-minutes',
    /`3001` is not a valid number/,
    /at most 3000 \(CodeDeploy's 50 h limit\)/,
  ),
  c(
    'poll-interval negative',
    { 'poll-interval': '-1' },
    'poll-interval',
    /`-1` is not a valid number of seconds/,
    POLL_FORMS,
  ),
  c(
    'poll-interval not a number',
    { 'poll-interval': 'fast' },
    'poll-interval',
    /`fast` is not a valid number/,
    POLL_FORMS,
  ),
  c(
    'poll-interval under a second',
    { 'poll-interval': '0.5' },
    'poll-interval',
    /`0\.5` is not a valid number/,
    POLL_FORMS,
  ),
  // --- choices
  c(
    'on-timeout unknown',
    { 'on-timeout': 'abort' },
    'on-timeout',
    /`abort` is not a valid choice/,
    ON_EVENT_FORMS,
  ),
  c(
    'on-cancel unknown',
    { 'on-cancel': 'ignore' },
    'on-cancel',
    /`ignore` is not a valid choice/,
    ON_EVENT_FORMS,
  ),
  c(
    'if-busy unknown',
    { 'if-busy': 'queue' },
    'if-busy',
    /`queue` is not a valid choice/,
    BUSY_FORMS,
  ),
  // --- booleans
  c(
    'auto-rollback not a boolean',
    { 'auto-rollback': 'maybe' },
    'auto-rollback',
    /`maybe` is not a boolean/,
    BOOL_FORMS,
  ),
  c(
    'wait not a boolean',
    { wait: 'sometimes' },
    'wait',
    /`sometimes` is not a boolean.*default `true`/,
    BOOL_FORMS,
  ),
  c(
    'dry-run not a boolean',
    { 'dry-run': 'yes please' },
    'dry-run',
    /`yes please` is not a boolean.*default `false`/,
    BOOL_FORMS,
  ),
  c('summary misspelt', { summary: 'ture' }, 'summary', /`ture` is not a boolean/, BOOL_FORMS),
  // --- alarms
  c(
    'alarms named twice',
    { alarms: 'orders-errors, orders-latency\norders-errors' },
    'alarms',
    /names `orders-errors` more than once/,
    ALARM_FORMS,
  ),
  c(
    'alarm name over 255 characters',
    { alarms: `ok-alarm,${'x'.repeat(256)}` },
    'alarms',
    /alarm name of 256 characters/,
    ALARM_FORMS,
  ),
  c(
    'more alarms than CodeDeploy allows',
    { alarms: Array.from({ length: 11 }, (_, i) => `alarm-${i}`).join(',') },
    'alarms',
    /names 11 alarms, over CodeDeploy's limit of 10/,
    ALARM_FORMS,
  ),
  // --- description
  c(
    'version-description over 256 characters',
    { 'version-description': 'd'.repeat(257) },
    'version-description',
    /257 characters long, over Lambda's 256/,
    /Valid: at most 256 characters/,
  ),
  // --- hooks, and alarms with direct
  c(
    'before-traffic-hook ARN from another region',
    { 'before-traffic-hook': 'arn:aws:lambda:eu-west-1:123456789012:function:CodeDeployHook_pre' },
    'before-traffic-hook',
    /is in region `eu-west-1`/,
    /Valid: a function in `us-east-1`/,
  ),
  c(
    'after-traffic-hook with bad characters',
    { 'after-traffic-hook': 'CodeDeployHook post' },
    'after-traffic-hook',
    /characters Lambda does not allow/,
    FUNCTION_FORMS,
  ),
  c(
    'a hook with strategy direct',
    { strategy: 'direct', 'after-traffic-hook': 'CodeDeployHook_post' },
    'after-traffic-hook',
    /cannot be used with `strategy: direct`/,
    DIRECT_FORMS,
  ),
  c(
    'alarms with strategy direct',
    { strategy: 'direct', alarms: 'orders-errors' },
    'alarms',
    /cannot be used with `strategy: direct`/,
    DIRECT_FORMS,
  ),
  // --- the whole version (function configuration)
  c(
    'memory-size below Lambda minimum',
    { 'memory-size': '64' },
    'memory-size',
    /`64` is not a whole number from 128 to 10240/,
    /Valid: MB, 128–10240/,
  ),
  c(
    'function-timeout over 900 seconds',
    { 'function-timeout': '901' },
    'function-timeout',
    /`901` is not a whole number from 1 to 900/,
    /Valid: seconds, 1–900/,
  ),
  c(
    'ephemeral-storage below 512 MB',
    { 'ephemeral-storage': '256' },
    'ephemeral-storage',
    /`256` is not a whole number from 512 to 10240/,
    /Valid: MB of \/tmp, 512–10240/,
  ),
  c(
    'layers with a function ARN instead of a layer',
    { layers: 'arn:aws:lambda:us-east-1:123456789012:function:orders' },
    'layers',
    /is not a layer version ARN/,
    /Valid: /,
  ),
  c(
    'environment sets a reserved key',
    { environment: 'AWS_REGION=eu-west-1\nSTAGE=prod' },
    'environment',
    /sets `AWS_REGION`, reserved by Lambda/,
    /Valid: keys of at least 2 letters/,
  ),
  c(
    'environment over 4 KB',
    { environment: `BIG=${'x'.repeat(4200)}` },
    'environment',
    /over its limit of 4096 bytes \(4 KB\)/,
    /Valid: a smaller set/,
  ),
  c(
    'runtime not a Lambda runtime',
    { runtime: 'node22' },
    'runtime',
    /`node22` is not a Lambda runtime identifier/,
    /Valid: /,
  ),
  c(
    'architectures neither x86_64 nor arm64',
    { architectures: 'amd64' },
    'architectures',
    /`amd64` is not a Lambda architecture/,
    /Valid: `x86_64` or `arm64`/,
  ),
  c(
    'architectures without a code source',
    { 'code-dir': '', architectures: 'arm64' },
    'architectures',
    /needs a code source/,
    /Valid: give `zip-file`, `code-dir`/,
  ),
  c(
    'function-configuration with an unknown field',
    { 'function-configuration': '{"Tracing": {"Mode": "Active"}}' },
    'function-configuration',
    /has an unknown field `Tracing`/,
    /Valid: UpdateFunctionConfiguration fields/,
  ),
  c(
    "function-configuration with a Managed Instances concurrency over the model's 1600",
    {
      'function-configuration':
        '{"CapacityProviderConfig": {"LambdaManagedInstancesCapacityProviderConfig": {"CapacityProviderArn": "arn:aws:lambda:us-east-1:123456789012:capacity-provider:fleet", "PerExecutionEnvironmentMaxConcurrency": 2000}}}',
    },
    'function-configuration',
    /PerExecutionEnvironmentMaxConcurrency.* is not a whole number from 1 to 1600/,
    /Valid:/,
  ),
  c(
    'function-configuration with memory per vCPU under 2 GiB',
    {
      'function-configuration':
        '{"CapacityProviderConfig": {"LambdaManagedInstancesCapacityProviderConfig": {"CapacityProviderArn": "arn:aws:lambda:us-east-1:123456789012:capacity-provider:fleet", "ExecutionEnvironmentMemoryGiBPerVCpu": 1}}}',
    },
    'function-configuration',
    /ExecutionEnvironmentMemoryGiBPerVCpu.* is not a number from 2 to 8/,
    /Valid:/,
  ),
  c(
    'function-configuration sets a field its own input sets too',
    { 'function-configuration': 'MemorySize: 256', 'memory-size': '512' },
    'function-configuration',
    /sets `MemorySize`, which the `memory-size` input also sets/,
    /Valid: set it in one place only/,
  ),
  c(
    'configuration inputs with a promotion',
    { 'code-dir': '', version: '1', 'memory-size': '512' },
    'memory-size',
    /cannot be used with `version`: a published version is immutable/,
    /Valid: release new code or \$LATEST with the configuration inputs/,
  ),
  c(
    'create-function without an execution role',
    {
      'code-dir': '',
      'zip-file': 'app.zip',
      'create-function': 'true',
      runtime: 'nodejs22.x',
      handler: 'index.handler',
    },
    'create-function',
    /needs `execution-role` to create the function/,
    /Valid: with `create-function: true` give `execution-role`/,
  ),
  c(
    'create-function for a zip without runtime and handler',
    {
      'code-dir': '',
      'zip-file': 'app.zip',
      'create-function': 'true',
      'execution-role': 'arn:aws:iam::123456789012:role/orders-exec',
    },
    'create-function',
    /needs `runtime` and `handler` to create the function/,
    /or `image-uri`/,
  ),
  // --- region
  c(
    'region not a region',
    { region: 'mars-1' },
    'region',
    /`mars-1` \(from `region` input\) is not an AWS region/,
    /Valid: a region code such as `us-east-1`/,
  ),
  c(
    'no region anywhere',
    {},
    'region',
    /is not set and no region is in the environment/,
    /Valid: set the `region` input.*AWS_REGION or AWS_DEFAULT_REGION.*full ARN/,
    { AWS_REGION: undefined },
  ),
  // --- GitHub deployment records
  c(
    'github-environment too long',
    { 'github-environment': 'e'.repeat(256), 'github-token': 't' },
    'github-environment',
    /is not a GitHub environment name/,
    /Valid: at most 255 characters on one line with no tabs, e\.g\. `production`/,
  ),
  c(
    'github-environment with an empty github-token',
    { 'github-environment': 'production', 'github-token': '' },
    'github-token',
    /is empty, but `github-environment` needs a token/,
    /Valid: leave it unset for the job's own token.*deployments: write/,
  ),
];
