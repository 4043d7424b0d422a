import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultVersionDescription,
  type FileProbe,
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
import {
  ALIAS_FORMS,
  type BadCase,
  badCase,
  FUNCTION_FORMS,
  REGION_FORMS,
  SHARED_BAD_CASES,
  SOURCE_FORMS,
  STRATEGY_FORMS,
  writeBadInputFiles,
  ZIP_FORMS,
} from '../hardening/bad-input-cases.ts';

let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'settings-test-'));
  fs.writeFileSync(path.join(tmp, 'app.zip'), Buffer.from('PK\x03\x04rest-of-a-zip', 'latin1'));
  fs.writeFileSync(
    path.join(tmp, 'empty.zip'),
    Buffer.concat([Buffer.from('PK\x05\x06', 'latin1'), Buffer.alloc(18)]),
  );
  fs.writeFileSync(path.join(tmp, 'zero.zip'), '');
  // sparse: over 50 MB on paper, nothing on disk
  const big = path.join(tmp, 'big.zip');
  fs.writeFileSync(big, Buffer.from('PK\x03\x04', 'latin1'));
  fs.truncateSync(big, 50 * 1024 * 1024 + 1);
  fs.mkdirSync(path.join(tmp, 'code', 'lib', 'deep'), { recursive: true });
  fs.writeFileSync(path.join(tmp, 'code', 'lib', 'deep', 'index.js'), 'export {}');
  writeBadInputFiles(tmp);
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

async function read(
  inputs: Record<string, string>,
  env: Record<string, string | undefined> = envFor(),
): Promise<Settings> {
  return await readSettings((name) => inputs[name] ?? '', env);
}

async function problemsOf(
  inputs: Record<string, string>,
  env: Record<string, string | undefined> = envFor(),
): Promise<string[]> {
  try {
    await read(inputs, env);
  } catch (e) {
    expect(e).toBeInstanceOf(SettingsError);
    return (e as SettingsError).problems;
  }
  throw new Error('expected a SettingsError');
}

const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:my-fn';
const c = badCase;

/** The shared cases, and those only readSettings on its own checks. */
const BAD: BadCase[] = [
  ...SHARED_BAD_CASES,
  // function-name
  c(
    'function-name ARN with alias',
    { 'function-name': `${ARN}:live` },
    'function-name',
    /qualifier `:live`.*`alias`/,
    FUNCTION_FORMS,
  ),
  c(
    'function-name ARN with version',
    { 'function-name': `${ARN}:7` },
    'function-name',
    /qualifier `:7`.*`version`/,
    FUNCTION_FORMS,
  ),
  c(
    'function-name ARN with a short account',
    { 'function-name': 'arn:aws:lambda:us-east-1:1234:function:my-fn' },
    'function-name',
    /account id that is not 12 digits/,
    FUNCTION_FORMS,
  ),
  c(
    'function-name ARN of another service',
    { 'function-name': 'arn:aws:s3:::my-bucket' },
    'function-name',
    /not a Lambda function ARN/,
    FUNCTION_FORMS,
  ),
  c(
    'function-name ARN with a bad region',
    { 'function-name': 'arn:aws:lambda:mars:123456789012:function:my-fn' },
    'function-name',
    /invalid region `mars`/,
    FUNCTION_FORMS,
  ),
  c(
    'function-name partial ARN with a bad account',
    { 'function-name': '12:function:my-fn' },
    'function-name',
    /not 12 digits/,
    FUNCTION_FORMS,
  ),
  // alias
  c(
    'alias bad characters',
    { alias: 'live!' },
    'alias',
    /characters Lambda does not allow/,
    ALIAS_FORMS,
  ),
  // strategy
  c(
    'strategy missing interval',
    { strategy: 'canary 10%' },
    'strategy',
    /no interval/,
    STRATEGY_FORMS,
  ),
  // code sources
  c(
    'three sources incl. promotion',
    { 'image-uri': 'public.ecr.aws/x/y:1', version: '7', 'from-alias': 'test' },
    'version',
    /`image-uri`, `version` and `from-alias` were all given/,
    SOURCE_FORMS,
  ),
  c(
    'zip and s3 and image',
    { 'zip-file': 'app.zip', 's3-bucket': 'my-bucket', 'image-uri': 'public.ecr.aws/x/y:1' },
    'image-uri',
    /`zip-file` and `image-uri` were both given/,
    SOURCE_FORMS,
  ),
  c(
    'zip through s3 with an object version',
    { 'zip-file': 'app.zip', 's3-bucket': 'my-bucket', 's3-object-version': 'v1' },
    's3-object-version',
    /names a version of code already in S3, but `zip-file`\/`code-dir` gives the code/,
    /Valid with `zip-file` or `code-dir`: `s3-bucket`/,
  ),
  c(
    'zip through s3 without a bucket',
    { 'code-dir': 'code', 's3-key': 'builds/app.zip' },
    's3-bucket',
    /is required with `s3-key`/,
    /Valid with `zip-file` or `code-dir`/,
  ),
  c(
    'codedeploy-role not a role ARN',
    { 'codedeploy-role': 'CodeDeployRole' },
    'codedeploy-role',
    /`CodeDeployRole` is not an IAM role ARN/,
    /Valid: an IAM role ARN, `arn:<partition>:iam::<account>:role\/<name>`/,
  ),
  c('zip-file empty file', { 'zip-file': 'zero.zip' }, 'zip-file', /is not a zip file/, ZIP_FORMS),
  c(
    'zip-file over 50 MB',
    { 'zip-file': 'big.zip' },
    'zip-file',
    /50\.0 MB zipped, over Lambda's 50 MB limit/,
    /Add `s3-bucket`/,
  ),
  c(
    'image-uri without registry',
    { 'image-uri': 'my-app:1' },
    'image-uri',
    /is not a container image URI/,
    /Valid: `<registry>/,
  ),
  // promotion
  c('version zero', { version: '0' }, 'version', /is not a version number/, /Valid: the number/),
  c('from-alias only digits', { 'from-alias': '42' }, 'from-alias', /only digits/, ALIAS_FORMS),
  // hooks
  c(
    'before hook with direct',
    { strategy: 'direct', 'before-traffic-hook': 'CodeDeployHook_pre' },
    'before-traffic-hook',
    /cannot be used with `strategy: direct`/,
    /Valid: remove it, or use a CodeDeploy strategy/,
  ),
  c(
    'hook with qualifier',
    { 'before-traffic-hook': 'CodeDeployHook_pre:1' },
    'before-traffic-hook',
    /qualifier `:1`/,
    FUNCTION_FORMS,
  ),
  // smoke test
  c(
    'smoke-test-payload bare word',
    { 'smoke-test-payload': 'ping' },
    'smoke-test-payload',
    /is not valid JSON/,
    /Valid: a JSON document/,
  ),
  c(
    'smoke-test-payload over 6 MB',
    { 'smoke-test-payload': `"${'x'.repeat(6 * 1024 * 1024)}"` },
    'smoke-test-payload',
    /over Lambda's 6 MB Invoke limit/,
    /Valid: a JSON document/,
  ),
  // numbers
  c(
    'poll-interval over an hour',
    { 'poll-interval': '3601' },
    'poll-interval',
    /not a valid number/,
    /Valid: a number from 1 to 3600/,
  ),
  // region
  c('region from env invalid', {}, 'region', /`US-EAST-1` \(from AWS_REGION\)/, REGION_FORMS, {
    AWS_REGION: 'US-EAST-1',
  }),
];

describe('readSettings: bad input', () => {
  it('has at least 40 cases', () => expect(BAD.length).toBeGreaterThanOrEqual(40));

  it.each(BAD)('$title', async ({ inputs: overrides, names: [inputName], what, valid, env }) => {
    const inputs: Record<string, string> = { ...BASE };
    for (const [k, v] of Object.entries(overrides)) if (v !== undefined) inputs[k] = v;
    const problems = await problemsOf(inputs, envFor(env));
    const mine = problems.filter((p) => p.includes(`\`${inputName}\``));
    expect(mine, problems.join('\n')).not.toHaveLength(0);
    expect(
      mine.some((p) => what.test(p) && valid.test(p)),
      mine.join('\n'),
    ).toBe(true);
  });

  it('reports every problem at once in one error', async () => {
    let error: SettingsError | undefined;
    try {
      await read({ alias: '1', strategy: 'canary 0% 5m', wait: 'nope', 'poll-interval': 'x' });
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

  it('a single problem reads as one line', async () => {
    const problems = await problemsOf({ ...BASE, wait: 'nope' });
    expect(problems).toHaveLength(1);
    try {
      await read({ ...BASE, wait: 'nope' });
    } catch (e) {
      expect((e as Error).message).toBe(`Invalid input: ${problems[0]}`);
    }
  });

  it('one problem per bad input, not cascades', async () => {
    expect(await problemsOf({ ...BASE, 'zip-file': 'nope.zip' })).toHaveLength(1);
    expect(await problemsOf({ ...BASE, strategy: 'linear 150% 1m' })).toHaveLength(1);
    expect(await problemsOf({ ...BASE, 's3-object-version': 'v1' })).toHaveLength(2); // bucket and key
  });
});

describe('readSettings: happy paths', () => {
  it('defaults exactly per interface.md', async () => {
    expect(await read(BASE)).toEqual({
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
      metricGates: [],
      wait: true,
      pollIntervalSeconds: 15,
      onTimeout: 'rollback',
      onCancel: 'rollback',
      ifBusy: 'fail',
      dryRun: false,
      summary: true,
      region: 'us-east-1',
      credentials: { sessionFromEnv: false },
      config: { fields: {}, from: {}, createFunction: false, warnings: [] },
    } satisfies Settings);
  });

  it('trims every input', async () => {
    const s = await read({
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

  it('reads every input', async () => {
    const s = await read({
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
      metricGates: [],
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
      credentials: { sessionFromEnv: false },
      config: { fields: {}, from: {}, createFunction: false, warnings: [] },
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
  ])('boolean %s', async (raw, value) => {
    expect((await read({ ...BASE, 'dry-run': raw })).dryRun).toBe(value);
    expect(parseBoolean(raw)).toBe(value);
  });

  it('ten alarms are fine', async () => {
    const ten = Array.from({ length: 10 }, (_, i) => `alarm-${i}`);
    expect((await read({ ...BASE, alarms: ten.join('\n') })).alarms).toEqual(ten);
    expect(parseAlarms(' a,,b\r\nc ,\n')).toEqual(['a', 'b', 'c']);
  });

  it('timeout and poll interval bounds', async () => {
    expect((await read({ ...BASE, 'timeout-minutes': '3000' })).timeoutMinutes).toBe(3000);
    expect((await read({ ...BASE, 'timeout-minutes': '0.5' })).timeoutMinutes).toBe(0.5);
    expect((await read({ ...BASE, 'poll-interval': '1' })).pollIntervalSeconds).toBe(1);
    expect((await read({ ...BASE, 'poll-interval': '3600' })).pollIntervalSeconds).toBe(3600);
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

  it('accepts names, ARNs and partial ARNs', async () => {
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
    expect(
      (await read({ ...BASE, 'function-name': '123456789012:function:my-fn' })).functionName,
    ).toBe('123456789012:function:my-fn');
  });

  it('keeps the ARN as given', async () => {
    expect((await read({ ...BASE, 'function-name': ARN })).functionName).toBe(ARN);
  });

  it('takes the region from the ARN when none is given anywhere', async () => {
    const s = await read(
      { ...BASE, 'function-name': 'arn:aws:lambda:ap-southeast-2:123456789012:function:f' },
      envFor({ AWS_REGION: undefined }),
    );
    expect(s.region).toBe('ap-southeast-2');
  });

  it('checks hooks against the region taken from the ARN', async () => {
    const problems = await problemsOf(
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

  it('region: input, then AWS_REGION, then AWS_DEFAULT_REGION', async () => {
    const env = envFor({ AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-2' });
    expect((await read({ ...BASE, region: 'eu-west-3' }, env)).region).toBe('eu-west-3');
    expect((await read(BASE, env)).region).toBe('eu-west-1');
    expect((await read(BASE, { ...env, AWS_REGION: '' })).region).toBe('eu-west-2');
    expect((await read(BASE, { ...env, AWS_REGION: undefined })).region).toBe('eu-west-2');
  });

  it('an ARN in the given region is fine', async () => {
    expect((await read({ ...BASE, 'function-name': ARN, region: 'us-east-1' })).region).toBe(
      'us-east-1',
    );
  });
});

describe('readSettings: code sources', () => {
  it('zip-file: a zip, or an empty zip, resolved against GITHUB_WORKSPACE', async () => {
    expect((await read({ ...BASE, 'zip-file': 'app.zip' })).source).toEqual({
      kind: 'zip-file',
      path: path.join(tmp, 'app.zip'),
      given: 'app.zip',
    });
    expect((await read({ ...BASE, 'zip-file': 'empty.zip' })).source).toEqual({
      kind: 'zip-file',
      path: path.join(tmp, 'empty.zip'),
      given: 'empty.zip',
    });
    const abs = path.join(tmp, 'app.zip');
    expect(
      (await read({ ...BASE, 'zip-file': abs }, envFor({ GITHUB_WORKSPACE: '/elsewhere' }))).source,
    ).toEqual({
      kind: 'zip-file',
      path: abs,
      given: abs,
    });
  });

  it('relative paths resolve against the working directory without GITHUB_WORKSPACE', async () => {
    const rel = path.relative(process.cwd(), path.join(tmp, 'code'));
    expect(
      (await read({ ...BASE, 'code-dir': rel }, envFor({ GITHUB_WORKSPACE: undefined }))).source,
    ).toEqual({
      kind: 'code-dir',
      path: path.join(tmp, 'code'),
      given: rel,
    });
  });

  it('code-dir with a file deep inside', async () => {
    expect((await read({ ...BASE, 'code-dir': 'code' })).source).toEqual({
      kind: 'code-dir',
      path: path.join(tmp, 'code'),
      given: 'code',
    });
  });

  it('s3, with and without an object version', async () => {
    expect(
      (await read({ ...BASE, 's3-bucket': 'my-artifacts', 's3-key': 'builds/app.zip' })).source,
    ).toEqual({
      kind: 's3',
      bucket: 'my-artifacts',
      key: 'builds/app.zip',
    });
    expect(
      (
        await read({
          ...BASE,
          's3-bucket': 'my.artifacts',
          's3-key': 'a.zip',
          's3-object-version': 'v123',
        })
      ).source,
    ).toEqual({ kind: 's3', bucket: 'my.artifacts', key: 'a.zip', objectVersion: 'v123' });
  });

  it('s3-bucket (and s3-key) with local code: the zip goes through S3', async () => {
    expect(
      (await read({ ...BASE, 'zip-file': 'app.zip', 's3-bucket': 'my-artifacts' })).source,
    ).toEqual({
      kind: 'zip-file',
      path: path.join(tmp, 'app.zip'),
      given: 'app.zip',
      viaS3: { bucket: 'my-artifacts' },
    });
    expect(
      (
        await read({
          ...BASE,
          'code-dir': 'code',
          's3-bucket': 'my-artifacts',
          's3-key': 'big/app.zip',
        })
      ).source,
    ).toMatchObject({ kind: 'code-dir', viaS3: { bucket: 'my-artifacts', key: 'big/app.zip' } });
  });

  it('codedeploy-role: a role ARN, not read for strategy: direct', async () => {
    const role = 'arn:aws:iam::123456789012:role/service-role/CodeDeployForLambda';
    expect((await read({ ...BASE, 'codedeploy-role': role })).codedeployRole).toBe(role);
    expect((await read({ ...BASE })).codedeployRole).toBeUndefined();
  });

  it('image-uri', async () => {
    const uri = '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/my-app:1.2.3';
    expect((await read({ ...BASE, 'image-uri': uri })).source).toEqual({ kind: 'image', uri });
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
  it('version', async () => {
    expect((await read({ ...BASE, version: '7' })).source).toEqual({
      kind: 'version',
      version: '7',
    });
  });

  it('from-alias', async () => {
    expect((await read({ ...BASE, 'from-alias': 'test' })).source).toEqual({
      kind: 'from-alias',
      alias: 'test',
    });
  });

  it('direct needs no application or group', async () => {
    const s = await read({
      'function-name': 'my-fn',
      alias: 'dev',
      strategy: 'direct',
      version: '3',
    });
    expect(s.strategy).toEqual({ kind: 'direct', input: 'direct' });
    expect(s.application).toBeUndefined();
    expect(s.deploymentGroup).toBeUndefined();
    expect(s.source).toEqual({ kind: 'version', version: '3' });
  });

  it('direct with application given is fine (ignored)', async () => {
    const s = await read({ ...BASE, strategy: 'Direct' });
    expect(s.strategy.kind).toBe('direct');
    expect(s.application).toBeUndefined();
  });

  it('other strategies still need application and group', async () => {
    const problems = await problemsOf({
      'function-name': 'my-fn',
      alias: 'live',
      strategy: 'AllAtOnce',
    });
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
  ])('%j → %s', async (env, expected) => {
    expect(defaultVersionDescription(env)).toBe(expected);
    expect(
      (
        await read(BASE, {
          AWS_REGION: 'us-east-1',
          GITHUB_REPOSITORY: undefined,
          GITHUB_SHA: undefined,
          GITHUB_RUN_ID: undefined,
          ...env,
        })
      ).versionDescription,
    ).toBe(expected);
  });

  it('256 characters are fine', async () => {
    expect(
      (await read({ ...BASE, 'version-description': 'd'.repeat(256) })).versionDescription,
    ).toHaveLength(256);
  });
});

describe('readSettings: the disk through the file probe', () => {
  /** A fake disk: paths under /ws, each a file (its bytes and size) or a directory. */
  function fakeFiles(entries: Record<string, { bytes?: string; size?: number; dir?: boolean }>) {
    const at = (file: string) => entries[path.relative('/ws', file)];
    return {
      cwd: () => '/elsewhere',
      stat: (file: string) => {
        const e = at(file);
        if (!e) return undefined;
        return e.dir
          ? { kind: 'directory' as const, size: 0 }
          : { kind: 'file' as const, size: e.size ?? (e.bytes ?? '').length };
      },
      head: (file: string, length: number) => {
        const e = at(file);
        if (e?.bytes === undefined) throw new Error('EACCES: permission denied');
        return Buffer.from(e.bytes.slice(0, length), 'latin1');
      },
      hasAnyFile: (dir: string) =>
        Object.keys(entries).some((k) => k.startsWith(`${path.relative('/ws', dir)}/`)),
    } satisfies FileProbe;
  }
  const env = envFor({ GITHUB_WORKSPACE: '/ws' });
  const problemsWith = async (inputs: Record<string, string>, files: FileProbe, inEnv = env) => {
    try {
      await readSettings((name) => ({ ...BASE, ...inputs })[name] ?? '', inEnv, files);
    } catch (e) {
      return (e as SettingsError).problems;
    }
    return [];
  };

  it('accepts what the probe shows as a zip and a directory with a file', async () => {
    const files = fakeFiles({
      'a.zip': { bytes: 'PK\x03\x04...' },
      src: { dir: true },
      'src/x.js': {},
    });
    expect(
      (await readSettings((n) => ({ ...BASE, 'zip-file': 'a.zip' })[n] ?? '', env, files)).source,
    ).toEqual({
      kind: 'zip-file',
      path: '/ws/a.zip',
      given: 'a.zip',
    });
    expect(
      (await readSettings((n) => ({ ...BASE, 'code-dir': 'src' })[n] ?? '', env, files)).source,
    ).toEqual({
      kind: 'code-dir',
      path: '/ws/src',
      given: 'src',
    });
  });

  it('reports a zip the probe cannot read, naming the input and the reason', async () => {
    const problems = await problemsWith(
      { 'zip-file': 'a.zip' },
      fakeFiles({ 'a.zip': { size: 10 } }),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^`zip-file`: `a\.zip` cannot be read: EACCES: permission denied\. Valid: the path of a \.zip file/,
      ),
    ]);
  });

  it('reads the size and signature from the probe, not the disk', async () => {
    const big = fakeFiles({ 'a.zip': { bytes: 'PK\x05\x06', size: 60 * 1024 * 1024 } });
    expect(await problemsWith({ 'zip-file': 'a.zip' }, big)).toEqual([
      expect.stringMatching(
        /`a\.zip` is 60\.0 MB zipped, over Lambda's 50 MB limit.*Add `s3-bucket`/,
      ),
    ]);
    // With s3-bucket the same zip goes through S3.
    expect(await problemsWith({ 'zip-file': 'a.zip', 's3-bucket': 'my-artifacts' }, big)).toEqual(
      [],
    );
    const text = fakeFiles({ 'a.zip': { bytes: 'PK' } });
    expect(await problemsWith({ 'zip-file': 'a.zip' }, text)).toEqual([
      expect.stringMatching(/`a\.zip` is not a zip file/),
    ]);
  });

  it("a directory with no file in it, and relative paths from the probe's cwd without a workspace", async () => {
    const files = fakeFiles({ src: { dir: true } });
    expect(await problemsWith({ 'code-dir': 'src' }, files)).toEqual([
      expect.stringMatching(/`src` contains no files/),
    ]);
    const noWorkspace = envFor({ GITHUB_WORKSPACE: undefined });
    expect(await problemsWith({ 'code-dir': 'src' }, files, noWorkspace)).toEqual([
      expect.stringMatching(/looked at `\/elsewhere\/src`/),
    ]);
  });
});

describe('credentials', () => {
  const ROLE = 'arn:aws:iam::123456789012:role/ci/deployer';
  const OIDC = {
    ACTIONS_ID_TOKEN_REQUEST_URL: 'https://runner/token?api-version=2.0',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't',
  };

  it('role-to-assume with its defaults', async () => {
    const s = await read({ ...BASE, 'role-to-assume': ROLE }, { ...envFor(), ...OIDC });
    expect(s.credentials).toEqual({
      role: {
        roleArn: ROLE,
        sessionName: 'lambda-gated-release',
        audience: 'sts.amazonaws.com',
        durationSeconds: 3600,
      },
      sessionFromEnv: false,
    });
  });

  it('without it: the SDK chain, and whether the environment holds session credentials', async () => {
    expect((await read(BASE, { ...envFor(), AWS_SESSION_TOKEN: 'x' })).credentials).toEqual({
      sessionFromEnv: true,
    });
  });

  it('refuses a job that cannot get an OIDC token, naming the permission', async () => {
    const problems = await problemsOf({ ...BASE, 'role-to-assume': ROLE });
    expect(problems).toEqual([
      expect.stringMatching(/^`role-to-assume` .*permissions: id-token: write/),
    ]);
  });

  it('refuses what is not a role ARN, a bad session name and an impossible duration', async () => {
    const problems = await problemsOf(
      {
        ...BASE,
        'role-to-assume': 'arn:aws:iam::123456789012:user/deployer',
        'role-session-name': 'has space',
        'role-duration-seconds': '60',
      },
      { ...envFor(), ...OIDC },
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^`role-to-assume`: .*not an IAM role ARN.*arn:aws:iam::<12-digit account>:role\/<name>/,
      ),
      expect.stringMatching(/^`role-session-name`: .*2 to 64 characters/),
      expect.stringMatching(/^`role-duration-seconds`: .*900 to 43200/),
    ]);
  });
});

describe('metric-gates', () => {
  it('reads one gate a line', async () => {
    const s = await read({
      ...BASE,
      'metric-gates': 'error-rate < 1%\n\n# latency\np99-duration < 800ms',
    });
    expect(s.metricGates.map((g) => [g.metric.name, g.operator, g.bound])).toEqual([
      ['error-rate', '<', { kind: 'constant', value: 1 }],
      ['p99-duration', '<', { kind: 'constant', value: 800 }],
    ]);
  });

  it('refuses a line that does not parse, naming it, with the valid forms', async () => {
    const [p] = await problemsOf({ ...BASE, 'metric-gates': 'error-rate < 1%\nlatency < 5' });
    expect(p).toMatch(/^`metric-gates` cannot be read: line 2 `latency < 5`: .*Valid forms/);
  });

  it('refuses gates with strategy: direct, which has no CodeDeploy to enforce them', async () => {
    const [p] = await problemsOf({
      'function-name': 'my-fn',
      alias: 'live',
      strategy: 'direct',
      'metric-gates': 'error-rate < 1%',
    });
    expect(p).toMatch(/^`metric-gates` cannot be used with `strategy: direct`/);
  });
});
