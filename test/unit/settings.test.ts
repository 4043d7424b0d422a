import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultVersionDescription,
  isValidBucketName,
  isValidFunctionRef,
  isValidImageUri,
  parseAlarms,
  parseBoolean,
  parseFunctionArn,
  parseFunctionRef,
  readSettings,
  type Settings,
  SettingsError,
} from '../../src/settings/index.ts';

let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'settings-test-'));
  fs.writeFileSync(path.join(tmp, 'app.zip'), Buffer.from('PK\x03\x04rest-of-a-zip', 'latin1'));
  fs.writeFileSync(
    path.join(tmp, 'empty.zip'),
    Buffer.concat([Buffer.from('PK\x05\x06', 'latin1'), Buffer.alloc(18)]),
  );
  fs.writeFileSync(path.join(tmp, 'notzip.zip'), 'just some text');
  fs.writeFileSync(path.join(tmp, 'zero.zip'), '');
  // sparse: over 50 MB on paper, nothing on disk
  const big = path.join(tmp, 'big.zip');
  fs.writeFileSync(big, Buffer.from('PK\x03\x04', 'latin1'));
  fs.truncateSync(big, 50 * 1024 * 1024 + 1);
  fs.mkdirSync(path.join(tmp, 'code', 'lib', 'deep'), { recursive: true });
  fs.writeFileSync(path.join(tmp, 'code', 'lib', 'deep', 'index.js'), 'export {}');
  fs.mkdirSync(path.join(tmp, 'empty-dir', 'sub', 'subsub'), { recursive: true });
  fs.mkdirSync(path.join(tmp, 'a-dir.zip'));
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const BASE: Record<string, string> = {
  'function-name': 'my-fn',
  alias: 'live',
  application: 'my-app',
  'deployment-group': 'my-group',
};

function envFor(
  extra: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    AWS_REGION: 'us-east-1',
    GITHUB_WORKSPACE: tmp,
    GITHUB_REPOSITORY: 'octo/app',
    GITHUB_SHA: 'abcdef1234567890',
    GITHUB_RUN_ID: '42',
    ...extra,
  };
}

function read(
  inputs: Record<string, string>,
  env: Record<string, string | undefined> = envFor(),
): Settings {
  return readSettings((name) => inputs[name] ?? '', env);
}

function problemsOf(
  inputs: Record<string, string>,
  env: Record<string, string | undefined> = envFor(),
): string[] {
  try {
    read(inputs, env);
  } catch (e) {
    expect(e).toBeInstanceOf(SettingsError);
    return (e as SettingsError).problems;
  }
  throw new Error('expected a SettingsError');
}

const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:my-fn';
const FUNCTION_FORMS = /Valid: a function name .*its ARN .*partial ARN/;
const ALIAS_FORMS = /Valid: 1-128 letters, digits, `-` or `_`, not only digits and not `\$LATEST`/;
const STRATEGY_FORMS =
  /Valid strategies: .*or the name of an existing custom Lambda deployment config\./;
const SOURCE_FORMS =
  /Give at most one of `zip-file`, `code-dir`, .*`image-uri`, `version` or `from-alias`/;
const ZIP_FORMS = /Valid: the path of a \.zip file/;
const DIR_FORMS = /Valid: the path of a directory/;
const S3_FORMS = /Valid: `s3-bucket` and `s3-key` together/;
const BOOL_FORMS = /Valid: `true` or `false` \(also yes\/no, on\/off, 1\/0, any case\)/;
const ALARM_FORMS = /Valid: up to 10 distinct CloudWatch alarm names of at most 255 characters/;
const REGION_FORMS = /Valid: .*`us-east-1`/;
const ALARMS_11 = Array.from({ length: 11 }, (_, i) => `alarm-${i}`).join(',');

type BadCase = [
  title: string,
  inputs: Record<string, string | undefined>,
  input: string,
  what: RegExp,
  valid: RegExp,
  env?: Record<string, string | undefined>,
];

const BAD: BadCase[] = [
  // function-name
  ['function-name empty', { 'function-name': '' }, 'function-name', /is required/, FUNCTION_FORMS],
  [
    'function-name blank',
    { 'function-name': '   ' },
    'function-name',
    /is required/,
    FUNCTION_FORMS,
  ],
  [
    'function-name bad characters',
    { 'function-name': 'my fn!' },
    'function-name',
    /characters Lambda does not allow/,
    FUNCTION_FORMS,
  ],
  [
    'function-name too long',
    { 'function-name': 'f'.repeat(65) },
    'function-name',
    /65 characters long, over Lambda's 64/,
    FUNCTION_FORMS,
  ],
  [
    'function-name ARN with alias',
    { 'function-name': `${ARN}:live` },
    'function-name',
    /qualifier `:live`.*`alias`/,
    FUNCTION_FORMS,
  ],
  [
    'function-name ARN with version',
    { 'function-name': `${ARN}:7` },
    'function-name',
    /qualifier `:7`.*`version`/,
    FUNCTION_FORMS,
  ],
  [
    'function-name name:alias',
    { 'function-name': 'my-fn:live' },
    'function-name',
    /qualifier `:live`/,
    FUNCTION_FORMS,
  ],
  [
    'function-name ARN in another region',
    { 'function-name': 'arn:aws:lambda:eu-west-1:123456789012:function:my-fn' },
    'function-name',
    /region `eu-west-1`.*`us-east-1` \(from AWS_REGION\)/,
    /Valid: a function in `us-east-1`, or set `region` to `eu-west-1`/,
  ],
  [
    'function-name ARN with a short account',
    { 'function-name': 'arn:aws:lambda:us-east-1:1234:function:my-fn' },
    'function-name',
    /account id that is not 12 digits/,
    FUNCTION_FORMS,
  ],
  [
    'function-name ARN of another service',
    { 'function-name': 'arn:aws:s3:::my-bucket' },
    'function-name',
    /not a Lambda function ARN/,
    FUNCTION_FORMS,
  ],
  [
    'function-name ARN with a bad region',
    { 'function-name': 'arn:aws:lambda:mars:123456789012:function:my-fn' },
    'function-name',
    /invalid region `mars`/,
    FUNCTION_FORMS,
  ],
  [
    'function-name partial ARN with a bad account',
    { 'function-name': '12:function:my-fn' },
    'function-name',
    /not 12 digits/,
    FUNCTION_FORMS,
  ],
  // alias
  ['alias empty', { alias: '' }, 'alias', /is required/, ALIAS_FORMS],
  ['alias only digits', { alias: '123' }, 'alias', /only digits/, ALIAS_FORMS],
  ['alias $LATEST', { alias: '$LATEST' }, 'alias', /cannot be `\$LATEST`/, ALIAS_FORMS],
  [
    'alias too long',
    { alias: 'a'.repeat(129) },
    'alias',
    /129 characters long, over Lambda's 128/,
    ALIAS_FORMS,
  ],
  [
    'alias bad characters',
    { alias: 'live!' },
    'alias',
    /characters Lambda does not allow/,
    ALIAS_FORMS,
  ],
  ['alias with a dot', { alias: 'v1.2' }, 'alias', /characters Lambda does not allow/, ALIAS_FORMS],
  // application, deployment-group
  [
    'application missing',
    { application: '' },
    'application',
    /is required unless `strategy` is `direct`/,
    /Valid: the name of the CodeDeploy application/,
  ],
  [
    'deployment-group missing',
    { 'deployment-group': '' },
    'deployment-group',
    /is required unless `strategy` is `direct`/,
    /Valid: the name of the deployment group/,
  ],
  [
    'application too long',
    { application: 'a'.repeat(101) },
    'application',
    /over CodeDeploy's 100/,
    /Valid: the name of the CodeDeploy application/,
  ],
  // strategy
  [
    'strategy unknown with spaces',
    { strategy: 'slowly please' },
    'strategy',
    /no spaces/,
    STRATEGY_FORMS,
  ],
  ['strategy 0%', { strategy: 'canary 0% 5m' }, 'strategy', /got 0%/, STRATEGY_FORMS],
  ['strategy 100%', { strategy: 'canary 100% 5m' }, 'strategy', /got 100%/, STRATEGY_FORMS],
  ['strategy 150%', { strategy: 'linear 150% 1m' }, 'strategy', /got 150%/, STRATEGY_FORMS],
  ['strategy 0m', { strategy: 'canary 10% 0m' }, 'strategy', /got 0 minutes/, STRATEGY_FORMS],
  [
    'strategy 2881m',
    { strategy: 'canary 10% 2881m' },
    'strategy',
    /got 2881 minutes/,
    STRATEGY_FORMS,
  ],
  [
    'strategy missing unit',
    { strategy: 'canary 10% 5' },
    'strategy',
    /needs a unit/,
    STRATEGY_FORMS,
  ],
  [
    'strategy missing interval',
    { strategy: 'canary 10%' },
    'strategy',
    /no interval/,
    STRATEGY_FORMS,
  ],
  [
    'strategy linear too long',
    { strategy: 'linear 1% 30m' },
    'strategy',
    /2970 minutes.*2880/,
    STRATEGY_FORMS,
  ],
  [
    'strategy unknown predefined',
    { strategy: 'CodeDeployDefault.LambdaCanary10Percent7Minutes' },
    'strategy',
    /not one of CodeDeploy's predefined/,
    STRATEGY_FORMS,
  ],
  // code sources
  [
    'two code sources',
    { 'zip-file': 'app.zip', 'code-dir': 'code' },
    'zip-file',
    /`zip-file` and `code-dir` were both given, but only one/,
    SOURCE_FORMS,
  ],
  [
    'three sources incl. promotion',
    { 'image-uri': 'public.ecr.aws/x/y:1', version: '7', 'from-alias': 'test' },
    'version',
    /`image-uri`, `version` and `from-alias` were all given/,
    SOURCE_FORMS,
  ],
  [
    'zip and s3',
    { 'zip-file': 'app.zip', 's3-bucket': 'my-bucket', 's3-key': 'a.zip' },
    's3-bucket',
    /`zip-file` and S3 \(`s3-bucket`\/`s3-key`\) were both given/,
    SOURCE_FORMS,
  ],
  [
    'zip-file missing',
    { 'zip-file': 'nope.zip' },
    'zip-file',
    /`nope.zip` does not exist/,
    ZIP_FORMS,
  ],
  ['zip-file not a zip', { 'zip-file': 'notzip.zip' }, 'zip-file', /is not a zip file/, ZIP_FORMS],
  ['zip-file empty file', { 'zip-file': 'zero.zip' }, 'zip-file', /is not a zip file/, ZIP_FORMS],
  [
    'zip-file is a directory',
    { 'zip-file': 'a-dir.zip' },
    'zip-file',
    /is a directory \(use `code-dir` for that\)/,
    ZIP_FORMS,
  ],
  [
    'zip-file over 50 MB',
    { 'zip-file': 'big.zip' },
    'zip-file',
    /50\.0 MB, over Lambda's 50 MB limit/,
    /`s3-bucket` and `s3-key`/,
  ],
  ['code-dir empty', { 'code-dir': 'empty-dir' }, 'code-dir', /contains no files/, DIR_FORMS],
  ['code-dir missing', { 'code-dir': 'no-such-dir' }, 'code-dir', /does not exist/, DIR_FORMS],
  ['code-dir is a file', { 'code-dir': 'app.zip' }, 'code-dir', /is not a directory/, DIR_FORMS],
  [
    's3-key without bucket',
    { 's3-key': 'a.zip' },
    's3-bucket',
    /is required with `s3-key`/,
    S3_FORMS,
  ],
  [
    's3-bucket without key',
    { 's3-bucket': 'my-bucket' },
    's3-key',
    /is required with `s3-bucket`/,
    S3_FORMS,
  ],
  [
    's3 bucket name invalid',
    { 's3-bucket': 'My_Bucket', 's3-key': 'a.zip' },
    's3-bucket',
    /not a valid S3 bucket name/,
    /Valid: 3-63 lowercase letters/,
  ],
  [
    'image-uri invalid',
    { 'image-uri': 'not an image' },
    'image-uri',
    /is not a container image URI/,
    /Valid: `<registry>\/<repository>\[:tag\|@sha256:<digest>\]`/,
  ],
  [
    'image-uri without registry',
    { 'image-uri': 'my-app:1' },
    'image-uri',
    /is not a container image URI/,
    /Valid: `<registry>/,
  ],
  // promotion
  [
    'version $LATEST',
    { version: '$LATEST' },
    'version',
    /cannot be `\$LATEST`/,
    /Valid: the number of an existing published version/,
  ],
  [
    'version not a number',
    { version: 'v7' },
    'version',
    /`v7` is not a version number/,
    /Valid: the number of an existing published version/,
  ],
  ['version zero', { version: '0' }, 'version', /is not a version number/, /Valid: the number/],
  [
    'from-alias equals alias',
    { 'from-alias': 'live' },
    'from-alias',
    /must differ from `alias` \(both are `live`\)/,
    /Valid: the alias of the earlier stage/,
  ],
  ['from-alias only digits', { 'from-alias': '42' }, 'from-alias', /only digits/, ALIAS_FORMS],
  // description
  [
    'version-description too long',
    { 'version-description': 'd'.repeat(257) },
    'version-description',
    /257 characters long, over Lambda's 256/,
    /Valid: at most 256 characters/,
  ],
  // hooks and alarms
  [
    'before hook with direct',
    { strategy: 'direct', 'before-traffic-hook': 'CodeDeployHook_pre' },
    'before-traffic-hook',
    /cannot be used with `strategy: direct`/,
    /Valid: remove it, or use a CodeDeploy strategy/,
  ],
  [
    'after hook with direct',
    { strategy: 'direct', 'after-traffic-hook': 'CodeDeployHook_post' },
    'after-traffic-hook',
    /cannot be used with `strategy: direct`/,
    /Valid: remove it/,
  ],
  [
    'alarms with direct',
    { strategy: 'direct', alarms: 'errors' },
    'alarms',
    /cannot be used with `strategy: direct`/,
    /Valid: remove them/,
  ],
  [
    'hook bad name',
    { 'after-traffic-hook': 'hook with spaces' },
    'after-traffic-hook',
    /characters Lambda does not allow/,
    FUNCTION_FORMS,
  ],
  [
    'hook ARN in another region',
    { 'before-traffic-hook': 'arn:aws:lambda:eu-west-1:123456789012:function:CodeDeployHook_pre' },
    'before-traffic-hook',
    /region `eu-west-1`/,
    /Valid: a function in `us-east-1`/,
  ],
  [
    'hook with qualifier',
    { 'before-traffic-hook': 'CodeDeployHook_pre:1' },
    'before-traffic-hook',
    /qualifier `:1`/,
    FUNCTION_FORMS,
  ],
  [
    'alarms duplicated',
    { alarms: 'errors, latency\nerrors' },
    'alarms',
    /names `errors` more than once/,
    ALARM_FORMS,
  ],
  [
    'alarm name too long',
    { alarms: `ok,${'x'.repeat(256)}` },
    'alarms',
    /alarm name of 256 characters/,
    ALARM_FORMS,
  ],
  [
    'more than 10 alarms',
    { alarms: ALARMS_11 },
    'alarms',
    /names 11 alarms, over CodeDeploy's limit of 10/,
    ALARM_FORMS,
  ],
  // booleans
  [
    'auto-rollback not boolean',
    { 'auto-rollback': 'maybe' },
    'auto-rollback',
    /`maybe` is not a boolean/,
    BOOL_FORMS,
  ],
  ['wait not boolean', { wait: 'sure' }, 'wait', /not a boolean.*default `true`/, BOOL_FORMS],
  [
    'dry-run not boolean',
    { 'dry-run': 'tru' },
    'dry-run',
    /not a boolean.*default `false`/,
    BOOL_FORMS,
  ],
  ['summary not boolean', { summary: '2' }, 'summary', /not a boolean/, BOOL_FORMS],
  // smoke test
  [
    'smoke-test-payload malformed',
    { 'smoke-test-payload': '{"a": 1,' },
    'smoke-test-payload',
    /is not valid JSON: .+/,
    /Valid: a JSON document/,
  ],
  [
    'smoke-test-payload bare word',
    { 'smoke-test-payload': 'ping' },
    'smoke-test-payload',
    /is not valid JSON/,
    /Valid: a JSON document/,
  ],
  [
    'smoke-test-payload over 6 MB',
    { 'smoke-test-payload': `"${'x'.repeat(6 * 1024 * 1024)}"` },
    'smoke-test-payload',
    /over Lambda's 6 MB Invoke limit/,
    /Valid: a JSON document/,
  ],
  // numbers
  [
    'timeout-minutes negative',
    { 'timeout-minutes': '-5' },
    'timeout-minutes',
    /`-5` is not a valid number of minutes/,
    /Valid: a number greater than 0 and at most 3000/,
  ],
  [
    'timeout-minutes not a number',
    { 'timeout-minutes': 'an hour' },
    'timeout-minutes',
    /not a valid number/,
    /Valid: a number greater than 0/,
  ],
  [
    'timeout-minutes zero',
    { 'timeout-minutes': '0' },
    'timeout-minutes',
    /not a valid number/,
    /Valid: a number greater than 0/,
  ],
  [
    'timeout-minutes over 50 h',
    { 'timeout-minutes': '3001' },
    'timeout-minutes',
    /not a valid number/,
    /at most 3000 \(CodeDeploy's 50 h limit\)/,
  ],
  [
    'poll-interval below 1',
    { 'poll-interval': '0.5' },
    'poll-interval',
    /not a valid number of seconds/,
    /Valid: a number from 1 to 3600/,
  ],
  [
    'poll-interval not a number',
    { 'poll-interval': 'fast' },
    'poll-interval',
    /not a valid number/,
    /Valid: a number from 1 to 3600/,
  ],
  [
    'poll-interval negative',
    { 'poll-interval': '-15' },
    'poll-interval',
    /not a valid number/,
    /Valid: a number from 1/,
  ],
  [
    'poll-interval over an hour',
    { 'poll-interval': '3601' },
    'poll-interval',
    /not a valid number/,
    /Valid: a number from 1 to 3600/,
  ],
  // choices
  [
    'on-timeout unknown',
    { 'on-timeout': 'abort' },
    'on-timeout',
    /`abort` is not a valid choice/,
    /Valid: `rollback` or `leave`/,
  ],
  [
    'on-cancel unknown',
    { 'on-cancel': 'ignore' },
    'on-cancel',
    /not a valid choice/,
    /Valid: `rollback` or `leave`/,
  ],
  [
    'if-busy unknown',
    { 'if-busy': 'queue' },
    'if-busy',
    /not a valid choice/,
    /Valid: `fail` or `wait`/,
  ],
  // region
  [
    'region invalid',
    { region: 'mars' },
    'region',
    /`mars` \(from `region` input\) is not an AWS region/,
    REGION_FORMS,
  ],
  [
    'region from env invalid',
    {},
    'region',
    /`US-EAST-1` \(from AWS_REGION\)/,
    REGION_FORMS,
    { AWS_REGION: 'US-EAST-1' },
  ],
  [
    'region nowhere',
    {},
    'region',
    /is not set/,
    /Valid: set the `region` input.*AWS_REGION or AWS_DEFAULT_REGION.*full ARN/,
    { AWS_REGION: undefined },
  ],
];

describe('readSettings: bad input', () => {
  it('has at least 40 cases', () => expect(BAD.length).toBeGreaterThanOrEqual(40));

  it.each(BAD)('%s', (_title, overrides, inputName, what, valid, envExtra) => {
    const inputs: Record<string, string> = { ...BASE };
    for (const [k, v] of Object.entries(overrides)) if (v !== undefined) inputs[k] = v;
    const problems = problemsOf(inputs, envFor(envExtra));
    const mine = problems.filter((p) => p.includes(`\`${inputName}\``));
    expect(mine, problems.join('\n')).not.toHaveLength(0);
    expect(
      mine.some((p) => what.test(p) && valid.test(p)),
      mine.join('\n'),
    ).toBe(true);
  });

  it('reports every problem at once in one error', () => {
    let error: SettingsError | undefined;
    try {
      read({ alias: '1', strategy: 'canary 0% 5m', wait: 'nope', 'poll-interval': 'x' });
    } catch (e) {
      error = e as SettingsError;
    }
    expect(error).toBeInstanceOf(SettingsError);
    expect(error!.problems).toHaveLength(7);
    for (const name of [
      'function-name',
      'alias',
      'application',
      'deployment-group',
      'strategy',
      'wait',
      'poll-interval',
    ]) {
      expect(error!.message).toContain(`\`${name}\``);
    }
    expect(error!.message).toMatch(/^Invalid inputs:\n- /);
  });

  it('a single problem reads as one line', () => {
    const problems = problemsOf({ ...BASE, wait: 'nope' });
    expect(problems).toHaveLength(1);
    try {
      read({ ...BASE, wait: 'nope' });
    } catch (e) {
      expect((e as Error).message).toBe(`Invalid input: ${problems[0]}`);
    }
  });

  it('one problem per bad input, not cascades', () => {
    expect(problemsOf({ ...BASE, 'zip-file': 'nope.zip' })).toHaveLength(1);
    expect(problemsOf({ ...BASE, strategy: 'linear 150% 1m' })).toHaveLength(1);
    expect(problemsOf({ ...BASE, 's3-object-version': 'v1' })).toHaveLength(2); // bucket and key
  });
});

describe('readSettings: happy paths', () => {
  it('defaults exactly per interface.md', () => {
    expect(read(BASE)).toEqual({
      functionName: 'my-fn',
      alias: 'live',
      application: 'my-app',
      deploymentGroup: 'my-group',
      strategy: {
        kind: 'predefined',
        input: 'Canary10Percent5Minutes',
        configName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
        routing: { type: 'TimeBasedCanary', percentage: 10, intervalMinutes: 5 },
      },
      source: { kind: 'latest' },
      versionDescription: 'octo/app@abcdef1 run 42',
      alarms: [],
      ignoreAlarms: false,
      autoRollback: true,
      wait: true,
      pollIntervalSeconds: 15,
      onTimeout: 'rollback',
      onCancel: 'rollback',
      ifBusy: 'fail',
      dryRun: false,
      summary: true,
      region: 'us-east-1',
    } satisfies Settings);
  });

  it('trims every input', () => {
    const s = read({
      'function-name': ' my-fn\n',
      alias: '\tlive ',
      application: ' my-app ',
      'deployment-group': ' my-group ',
      strategy: '  linear 20% 2m ',
      'timeout-minutes': ' 12.5 ',
      'smoke-test-payload': '\n  {"ping": true}\n',
    });
    expect(s).toMatchObject({
      functionName: 'my-fn',
      alias: 'live',
      application: 'my-app',
      deploymentGroup: 'my-group',
      strategy: { kind: 'inline', configName: 'GatedRelease.Linear20PercentEvery2Minutes' },
      timeoutMinutes: 12.5,
      smokeTestPayload: '{"ping": true}',
    });
  });

  it('reads every input', () => {
    const s = read({
      ...BASE,
      strategy: 'canary 25% 15m',
      'zip-file': 'app.zip',
      'version-description': 'release 1.2.3',
      'before-traffic-hook': 'CodeDeployHook_pre',
      'after-traffic-hook': 'arn:aws:lambda:eu-central-1:123456789012:function:CodeDeployHook_post',
      alarms: 'errors, latency\n\n throttles ,',
      'auto-rollback': 'No',
      'smoke-test-payload': '[1, 2]',
      wait: 'OFF',
      'timeout-minutes': '90',
      'poll-interval': '2.5',
      'on-timeout': 'LEAVE',
      'on-cancel': 'Leave',
      'if-busy': 'Wait',
      'dry-run': 'yes',
      summary: '0',
      region: 'eu-central-1',
    });
    expect(s).toEqual({
      functionName: 'my-fn',
      alias: 'live',
      application: 'my-app',
      deploymentGroup: 'my-group',
      strategy: {
        kind: 'inline',
        input: 'canary 25% 15m',
        configName: 'GatedRelease.Canary25Percent15Minutes',
        routing: { type: 'TimeBasedCanary', percentage: 25, intervalMinutes: 15 },
      },
      source: { kind: 'zip-file', path: path.join(tmp, 'app.zip'), given: 'app.zip' },
      versionDescription: 'release 1.2.3',
      beforeTrafficHook: 'CodeDeployHook_pre',
      afterTrafficHook: 'arn:aws:lambda:eu-central-1:123456789012:function:CodeDeployHook_post',
      alarms: ['errors', 'latency', 'throttles'],
      ignoreAlarms: false,
      autoRollback: false,
      smokeTestPayload: '[1, 2]',
      wait: false,
      timeoutMinutes: 90,
      pollIntervalSeconds: 2.5,
      onTimeout: 'leave',
      onCancel: 'leave',
      ifBusy: 'wait',
      dryRun: true,
      summary: false,
      region: 'eu-central-1',
    } satisfies Settings);
  });

  it.each([
    ['true', true],
    ['TRUE', true],
    ['Yes', true],
    ['on', true],
    ['1', true],
    ['false', false],
    ['False', false],
    ['no', false],
    ['OFF', false],
    ['0', false],
  ])('boolean %s', (raw, value) => {
    expect(read({ ...BASE, 'dry-run': raw }).dryRun).toBe(value);
    expect(parseBoolean(raw)).toBe(value);
  });

  it('ten alarms are fine', () => {
    const ten = Array.from({ length: 10 }, (_, i) => `alarm-${i}`);
    expect(read({ ...BASE, alarms: ten.join('\n') }).alarms).toEqual(ten);
    expect(parseAlarms(' a,,b\r\nc ,\n')).toEqual(['a', 'b', 'c']);
  });

  it('timeout and poll interval bounds', () => {
    expect(read({ ...BASE, 'timeout-minutes': '3000' }).timeoutMinutes).toBe(3000);
    expect(read({ ...BASE, 'timeout-minutes': '0.5' }).timeoutMinutes).toBe(0.5);
    expect(read({ ...BASE, 'poll-interval': '1' }).pollIntervalSeconds).toBe(1);
    expect(read({ ...BASE, 'poll-interval': '3600' }).pollIntervalSeconds).toBe(3600);
  });
});

describe('readSettings: function ARNs and regions', () => {
  it('parses function ARNs', () => {
    expect(parseFunctionArn(ARN)).toEqual({
      partition: 'aws',
      region: 'us-east-1',
      accountId: '123456789012',
      name: 'my-fn',
    });
    expect(
      parseFunctionArn('arn:aws-cn:lambda:cn-north-1:123456789012:function:f_1'),
    ).toMatchObject({
      partition: 'aws-cn',
      region: 'cn-north-1',
    });
    expect(
      parseFunctionArn('arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f'),
    ).toMatchObject({
      partition: 'aws-us-gov',
      region: 'us-gov-west-1',
    });
    expect(parseFunctionArn(`${ARN}:live`)).toBeUndefined();
    expect(parseFunctionArn('my-fn')).toBeUndefined();
    expect(parseFunctionArn('arn:aws:lambda:us-east-1:123:function:f')).toBeUndefined();
    expect(parseFunctionArn('arn:aws:lambda:us-east-1:123456789012:layer:f')).toBeUndefined();
  });

  it('accepts names, ARNs and partial ARNs', () => {
    expect(parseFunctionRef('my-fn')).toEqual({ ok: true, value: { kind: 'name', name: 'my-fn' } });
    expect(parseFunctionRef('123456789012:function:my-fn')).toEqual({
      ok: true,
      value: { kind: 'partial', accountId: '123456789012', name: 'my-fn' },
    });
    expect(parseFunctionRef(ARN)).toMatchObject({
      ok: true,
      value: { kind: 'arn', name: 'my-fn' },
    });
    expect(isValidFunctionRef('f'.repeat(64))).toBe(true);
    expect(isValidFunctionRef('f'.repeat(65))).toBe(false);
    expect(isValidFunctionRef(`${ARN}:live`)).toBe(false);
    expect(read({ ...BASE, 'function-name': '123456789012:function:my-fn' }).functionName).toBe(
      '123456789012:function:my-fn',
    );
  });

  it('keeps the ARN as given', () => {
    expect(read({ ...BASE, 'function-name': ARN }).functionName).toBe(ARN);
  });

  it('takes the region from the ARN when none is given anywhere', () => {
    const s = read(
      { ...BASE, 'function-name': 'arn:aws:lambda:ap-southeast-2:123456789012:function:f' },
      envFor({ AWS_REGION: undefined }),
    );
    expect(s.region).toBe('ap-southeast-2');
  });

  it('checks hooks against the region taken from the ARN', () => {
    const problems = problemsOf(
      {
        ...BASE,
        'function-name': 'arn:aws:lambda:ap-southeast-2:123456789012:function:f',
        'after-traffic-hook': 'arn:aws:lambda:us-east-1:123456789012:function:CodeDeployHook_x',
      },
      envFor({ AWS_REGION: undefined }),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /`after-traffic-hook`: .*`us-east-1`.*`ap-southeast-2` \(from `function-name` ARN\)/,
    );
  });

  it('region: input, then AWS_REGION, then AWS_DEFAULT_REGION', () => {
    const env = envFor({ AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-2' });
    expect(read({ ...BASE, region: 'eu-west-3' }, env).region).toBe('eu-west-3');
    expect(read(BASE, env).region).toBe('eu-west-1');
    expect(read(BASE, { ...env, AWS_REGION: '' }).region).toBe('eu-west-2');
    expect(read(BASE, { ...env, AWS_REGION: undefined }).region).toBe('eu-west-2');
  });

  it('an ARN in the given region is fine', () => {
    expect(read({ ...BASE, 'function-name': ARN, region: 'us-east-1' }).region).toBe('us-east-1');
  });
});

describe('readSettings: code sources', () => {
  it('zip-file: a zip, or an empty zip, resolved against GITHUB_WORKSPACE', () => {
    expect(read({ ...BASE, 'zip-file': 'app.zip' }).source).toEqual({
      kind: 'zip-file',
      path: path.join(tmp, 'app.zip'),
      given: 'app.zip',
    });
    expect(read({ ...BASE, 'zip-file': 'empty.zip' }).source).toEqual({
      kind: 'zip-file',
      path: path.join(tmp, 'empty.zip'),
      given: 'empty.zip',
    });
    const abs = path.join(tmp, 'app.zip');
    expect(
      read({ ...BASE, 'zip-file': abs }, envFor({ GITHUB_WORKSPACE: '/elsewhere' })).source,
    ).toEqual({
      kind: 'zip-file',
      path: abs,
      given: abs,
    });
  });

  it('relative paths resolve against the working directory without GITHUB_WORKSPACE', () => {
    const rel = path.relative(process.cwd(), path.join(tmp, 'code'));
    expect(
      read({ ...BASE, 'code-dir': rel }, envFor({ GITHUB_WORKSPACE: undefined })).source,
    ).toEqual({
      kind: 'code-dir',
      path: path.join(tmp, 'code'),
      given: rel,
    });
  });

  it('code-dir with a file deep inside', () => {
    expect(read({ ...BASE, 'code-dir': 'code' }).source).toEqual({
      kind: 'code-dir',
      path: path.join(tmp, 'code'),
      given: 'code',
    });
  });

  it('s3, with and without an object version', () => {
    expect(
      read({ ...BASE, 's3-bucket': 'my-artifacts', 's3-key': 'builds/app.zip' }).source,
    ).toEqual({
      kind: 's3',
      bucket: 'my-artifacts',
      key: 'builds/app.zip',
    });
    expect(
      read({ ...BASE, 's3-bucket': 'my.artifacts', 's3-key': 'a.zip', 's3-object-version': 'v123' })
        .source,
    ).toEqual({ kind: 's3', bucket: 'my.artifacts', key: 'a.zip', objectVersion: 'v123' });
  });

  it('image-uri', () => {
    const uri = '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/my-app:1.2.3';
    expect(read({ ...BASE, 'image-uri': uri }).source).toEqual({ kind: 'image', uri });
    for (const ok of [
      uri,
      `123456789012.dkr.ecr.us-east-1.amazonaws.com/my-app@sha256:${'a'.repeat(64)}`,
      `localhost:5000/my_app:latest@sha256:${'0'.repeat(64)}`,
      'public.ecr.aws/lambda/nodejs',
    ]) {
      expect(isValidImageUri(ok), ok).toBe(true);
    }
    for (const bad of [
      'my-app:1',
      'registry.example.com/My-App:1',
      'registry.example.com/app@sha256:abc',
      '',
    ]) {
      expect(isValidImageUri(bad), bad).toBe(false);
    }
  });

  it('bucket names', () => {
    for (const ok of ['abc', 'my-bucket', 'my.bucket.1', 'a'.repeat(63)])
      expect(isValidBucketName(ok), ok).toBe(true);
    for (const bad of [
      'ab',
      'a'.repeat(64),
      'My-Bucket',
      'my_bucket',
      '-bucket',
      'bucket-',
      'my..bucket',
      '192.168.1.1',
      'xn--bucket',
      'b-s3alias',
    ]) {
      expect(isValidBucketName(bad), bad).toBe(false);
    }
  });
});

describe('readSettings: promotion and direct', () => {
  it('version', () => {
    expect(read({ ...BASE, version: '7' }).source).toEqual({ kind: 'version', version: '7' });
  });

  it('from-alias', () => {
    expect(read({ ...BASE, 'from-alias': 'test' }).source).toEqual({
      kind: 'from-alias',
      alias: 'test',
    });
  });

  it('direct needs no application or group', () => {
    const s = read({ 'function-name': 'my-fn', alias: 'dev', strategy: 'direct', version: '3' });
    expect(s.strategy).toEqual({ kind: 'direct', input: 'direct' });
    expect(s.application).toBeUndefined();
    expect(s.deploymentGroup).toBeUndefined();
    expect(s.source).toEqual({ kind: 'version', version: '3' });
  });

  it('direct with application given is fine (ignored)', () => {
    const s = read({ ...BASE, strategy: 'Direct' });
    expect(s.strategy.kind).toBe('direct');
    expect(s.application).toBeUndefined();
  });

  it('other strategies still need application and group', () => {
    const problems = problemsOf({ 'function-name': 'my-fn', alias: 'live', strategy: 'AllAtOnce' });
    expect(problems.map((p) => p.split(' ')[0])).toEqual(['`application`', '`deployment-group`']);
  });
});

describe('version description', () => {
  it.each([
    [
      { GITHUB_REPOSITORY: 'o/r', GITHUB_SHA: '0123456789', GITHUB_RUN_ID: '9' },
      'o/r@0123456 run 9',
    ],
    [{ GITHUB_REPOSITORY: 'o/r', GITHUB_SHA: '0123456789' }, 'o/r@0123456'],
    [{ GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '9' }, 'o/r run 9'],
    [{ GITHUB_SHA: '0123456789', GITHUB_RUN_ID: '9' }, '0123456 run 9'],
    [{ GITHUB_RUN_ID: '9' }, 'run 9'],
    [{}, 'released by GitHub Actions'],
    [{ GITHUB_REPOSITORY: '', GITHUB_SHA: ' ' }, 'released by GitHub Actions'],
  ])('%j → %s', (env, expected) => {
    expect(defaultVersionDescription(env)).toBe(expected);
    expect(
      read(BASE, {
        AWS_REGION: 'us-east-1',
        GITHUB_REPOSITORY: undefined,
        GITHUB_SHA: undefined,
        GITHUB_RUN_ID: undefined,
        ...env,
      }).versionDescription,
    ).toBe(expected);
  });

  it('256 characters are fine', () => {
    expect(
      read({ ...BASE, 'version-description': 'd'.repeat(256) }).versionDescription,
    ).toHaveLength(256);
  });
});
