import { Runtime, type UpdateFunctionConfigurationRequest } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import {
  type CurrentConfig,
  type DesiredConfig,
  describeChanges,
  diffConfig,
  environmentSecrets,
  parseFunctionConfig,
} from '../../src/function-config/index.ts';
import {
  RUNTIME_CALENDAR,
  type RuntimeDates,
  runtimeStatus,
  runtimeWarning,
} from '../../src/function-config/runtimes.ts';

interface Problem {
  input: string;
  message: string;
}

async function parse(inputs: Record<string, string>, region = 'us-east-1') {
  const problems: Problem[] = [];
  const desired = await parseFunctionConfig(
    (name) => inputs[name] ?? '',
    { add: (input, message) => problems.push({ input, message }) },
    { region },
  );
  return { desired, problems };
}

async function ok(inputs: Record<string, string>) {
  const { desired, problems } = await parse(inputs);
  expect(problems).toEqual([]);
  return desired;
}

/** The one problem the inputs cause. */
async function problem(inputs: Record<string, string>): Promise<Problem> {
  const { problems } = await parse(inputs);
  expect(problems).toHaveLength(1);
  return problems[0]!;
}

const LAYER = (name: string, v = 1, region = 'us-east-1') =>
  `arn:aws:lambda:${region}:123456789012:layer:${name}:${v}`;
const ROLE = 'arn:aws:iam::123456789012:role/my-function-role';

describe('no inputs', () => {
  it('sets nothing and loads nothing', async () => {
    const desired = await ok({});
    expect(desired).toEqual({ fields: {}, from: {}, createFunction: false, warnings: [] });
  });
});

describe('runtime', () => {
  it('takes a current runtime, in any case', async () => {
    expect((await ok({ runtime: 'nodejs22.x' })).fields.Runtime).toBe('nodejs22.x');
    expect((await ok({ runtime: ' Python3.13 ' })).fields.Runtime).toBe('python3.13');
  });

  it('refuses what is not a runtime, naming the valid ones', async () => {
    const p = await problem({ runtime: 'node22' });
    expect(p.input).toBe('runtime');
    expect(p.message).toContain('`node22` is not a Lambda runtime identifier');
    expect(p.message).toContain('`nodejs24.x`');
    expect(p.message).toContain('`provided.al2023`');
  });

  it('refuses a retired runtime and warns about a deprecated one with its dates', async () => {
    expect((await problem({ runtime: 'nodejs12.x' })).message).toContain('retired');
    const { desired } = await parse({ runtime: 'nodejs16.x' });
    expect(desired.fields.Runtime).toBe('nodejs16.x');
    expect(desired.warnings.join()).toContain('`nodejs16.x` was deprecated on 2024-06-12');
  });

  it("keeps a dated entry for every value of the installed SDK's Runtime enum, and nothing else", () => {
    expect(Object.keys(RUNTIME_CALENDAR).sort()).toEqual(Object.values(Runtime).sort());
    for (const [id, d] of Object.entries(RUNTIME_CALENDAR) as [string, RuntimeDates][]) {
      expect(d.source, id).toBeTruthy();
      const order = [d.deprecated, d.blockCreate, d.blockUpdate].filter((x) => x !== undefined);
      expect(order, `${id}: deprecation, then block create, then block update`).toEqual(
        [...order].sort(),
      );
      for (const date of order) expect(date, id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('words the calendar by the day: past dates as past, coming ones as coming', () => {
    expect(runtimeWarning('nodejs20.x', '2026-12-06')).toMatch(
      /^`nodejs20\.x` was deprecated on 2026-04-30; Lambda blocks creating functions on it from 2027-02-01 and updates from 2027-03-03 \(AWS Lambda runtimes page.*AWS moves these dates/,
    );
    expect(runtimeWarning('nodejs20.x', '2027-03-10')).toContain(
      'creating functions on it since 2027-02-01 and updates since 2027-03-03',
    );
    expect(runtimeWarning('python3.10', '2026-06-01')).toContain('is deprecated from 2026-10-31');
    // Nothing to say a year ahead, nor for a runtime with no date.
    expect(runtimeWarning('python3.10', '2025-01-01')).toBeUndefined();
    expect(runtimeWarning('nodejs24.x', '2026-12-06')).toBeUndefined();
    expect(runtimeStatus('nodejs20.x', '2026-01-01')).toBe('supported');
    expect(runtimeStatus('nodejs20.x', '2026-05-01')).toBe('deprecated');
    expect(runtimeStatus('nodejs10.x', '2026-05-01')).toBe('retired');
  });

  it('warns with the dates when the runtime input is deprecated on the day', async () => {
    const problems: Problem[] = [];
    const desired = await parseFunctionConfig(
      (name) => (name === 'runtime' ? 'nodejs20.x' : ''),
      { add: (input, message) => problems.push({ input, message }) },
      { region: 'us-east-1', today: '2026-12-06' },
    );
    expect(problems).toEqual([]);
    expect(desired.warnings).toEqual([expect.stringContaining('updates from 2027-03-03')]);
  });
});

describe('handler and function-description', () => {
  it('takes a handler without spaces, up to 128 characters', async () => {
    expect((await ok({ handler: 'index.handler' })).fields.Handler).toBe('index.handler');
    expect((await problem({ handler: 'index handler' })).message).toContain('without spaces');
    expect((await problem({ handler: 'h'.repeat(129) })).input).toBe('handler');
  });

  it('takes a description up to 256 characters', async () => {
    expect((await ok({ 'function-description': 'd'.repeat(256) })).fields.Description).toHaveLength(
      256,
    );
    const p = await problem({ 'function-description': 'd'.repeat(257) });
    expect(p).toMatchObject({ input: 'function-description' });
    expect(p.message).toContain("257 characters long, over Lambda's 256");
  });
});

describe('numbers', () => {
  it.each([
    ['memory-size', 'MemorySize', '128', '10240', ['127', '10241', '512.5', 'abc', '-1']],
    ['function-timeout', 'Timeout', '1', '900', ['0', '901', '1e2', '30s']],
  ] as const)('%s takes whole numbers in range', async (input, field, low, high, bad) => {
    expect((await ok({ [input]: low })).fields[field]).toBe(Number(low));
    expect((await ok({ [input]: high })).fields[field]).toBe(Number(high));
    for (const raw of bad) {
      const p = await problem({ [input]: raw });
      expect(p.input).toBe(input);
      expect(p.message).toContain(`\`${raw}\` is not a whole number from ${low} to ${high}`);
    }
  });

  it('ephemeral-storage becomes EphemeralStorage.Size, 512–10240', async () => {
    expect((await ok({ 'ephemeral-storage': '1024' })).fields.EphemeralStorage).toEqual({
      Size: 1024,
    });
    expect((await problem({ 'ephemeral-storage': '511' })).message).toContain('512 to 10240');
  });
});

describe('architectures', () => {
  it('takes x86_64 or arm64, kept apart from the configuration fields', async () => {
    const desired = await ok({ architectures: 'ARM64' });
    expect(desired.architecture).toBe('arm64');
    expect(desired.fields).toEqual({});
    expect((await ok({ architectures: 'x86_64' })).architecture).toBe('x86_64');
  });

  it('refuses anything else', async () => {
    const p = await problem({ architectures: 'amd64' });
    expect(p.input).toBe('architectures');
    expect(p.message).toContain('`x86_64` or `arm64`');
  });
});

describe('layers', () => {
  it('takes up to 5 ARNs separated by commas or newlines, in order', async () => {
    const arns = [LAYER('a'), LAYER('b', 7), LAYER('c'), LAYER('d'), LAYER('e')];
    const desired = await ok({
      layers: `${arns[0]}, ${arns[1]}\n${arns[2]}\n\n${arns[3]},${arns[4]}`,
    });
    expect(desired.fields.Layers).toEqual(arns);
  });

  it('refuses a sixth layer, a bad ARN, another region and one layer twice', async () => {
    const six = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => LAYER(n)).join(',');
    expect((await problem({ layers: six })).message).toContain("6 layers, over Lambda's 5");
    expect((await problem({ layers: 'my-layer:3' })).message).toContain('not a layer version ARN');
    expect((await problem({ layers: LAYER('a', 0) })).input).toBe('layers');
    expect((await problem({ layers: LAYER('a', 1, 'eu-west-1') })).message).toContain(
      "from the function's region `us-east-1`",
    );
    expect((await problem({ layers: `${LAYER('a', 1)},${LAYER('a', 2)}` })).message).toContain(
      'more than once',
    );
  });
});

describe('roles and create-function', () => {
  it('takes IAM role ARNs, with a path too', async () => {
    const desired = await ok({ 'execution-role': ROLE });
    expect(desired.fields.Role).toBe(ROLE);
  });

  it.each(['execution-role'])('%s refuses what is not a role ARN', async (input) => {
    for (const bad of [
      'my-role',
      'arn:aws:iam::123456789012:user/me',
      'arn:aws:iam::1234:role/r',
    ]) {
      const p = await problem({ [input]: bad });
      expect(p.input).toBe(input);
      expect(p.message).toContain('is not an IAM role ARN');
      expect(p.message).toContain('arn:aws:iam::123456789012:role/my-function-role');
    }
  });

  it('create-function is a boolean, false by default', async () => {
    expect((await ok({})).createFunction).toBe(false);
    expect((await ok({ 'create-function': 'true' })).createFunction).toBe(true);
    expect((await ok({ 'create-function': 'No' })).createFunction).toBe(false);
    expect((await problem({ 'create-function': 'maybe' })).message).toContain('not a boolean');
  });
});

describe('environment formats', () => {
  it('reads a YAML map, every value a string exactly as written', async () => {
    const desired = await ok({ environment: 'STAGE: prod\nPORT: 0123\nDEBUG: true\nEMPTY:\n' });
    expect(desired.fields.Environment).toEqual({
      Variables: { STAGE: 'prod', PORT: '0123', DEBUG: 'true', EMPTY: '' },
    });
    expect(desired.from.Environment).toBe('environment');
  });

  it('reads a JSON map', async () => {
    const desired = await ok({ environment: '{"STAGE": "prod", "RETRIES": 3}' });
    expect(desired.fields.Environment?.Variables).toEqual({ STAGE: 'prod', RETRIES: '3' });
  });

  it('reads KEY=value lines: the value is all after the first =, comments and blanks skipped', async () => {
    const text =
      '# settings\n\nDSN=postgres://u:p@h/db?sslmode=require\r\n  STAGE = prod \nQUOTED="a b"\n';
    const desired = await ok({ environment: text });
    expect(desired.fields.Environment?.Variables).toEqual({
      DSN: 'postgres://u:p@h/db?sslmode=require',
      STAGE: 'prod',
      QUOTED: '"a b"',
    });
  });

  it('{} is the empty set (removes every variable)', async () => {
    expect((await ok({ environment: '{}' })).fields.Environment).toEqual({ Variables: {} });
  });

  it('refuses a list, nested values, a key twice and broken YAML', async () => {
    expect((await problem({ environment: '- A\n- B' })).message).toContain(
      'not a map of variables',
    );
    expect((await problem({ environment: 'A:\n  B: c' })).message).toContain('`A` a list or map');
    expect((await problem({ environment: 'A=1\nA=2' })).message).toContain('`A` more than once');
    expect((await problem({ environment: 'A: 1\nA: 2' })).message).toContain(
      'duplicate key at line 2',
    );
    expect((await problem({ environment: 'A: "open' })).message).toContain(
      'not valid YAML or JSON',
    );
  });
});

describe('environment rules', () => {
  it('refuses reserved keys, naming them', async () => {
    for (const key of [
      'AWS_REGION',
      'AWS_LAMBDA_FUNCTION_NAME',
      '_HANDLER',
      'LAMBDA_TASK_ROOT',
      'AWS_SESSION_TOKEN',
    ]) {
      const p = await problem({ environment: `${key}: x\nOK: y` });
      expect(p.input).toBe('environment');
      expect(p.message).toContain(`\`${key}\`, reserved by Lambda`);
    }
  });

  it('allows the variables Lambda documents as not reserved', async () => {
    await ok({
      environment:
        'TZ: Europe/Paris\nAWS_XRAY_CONTEXT_MISSING: LOG_ERROR\nNODE_OPTIONS: --enable-source-maps',
    });
  });

  it('refuses keys Lambda refuses', async () => {
    for (const key of ['1A', 'A', 'MY-KEY', 'DOT.KEY']) {
      expect((await problem({ environment: `{"${key}": "x"}` })).message).toContain(`\`${key}\``);
    }
  });

  it("holds Lambda's 4 KB, counted as the JSON of the map", async () => {
    // {"KEY":"<v>"} is 10 bytes plus the value
    await ok({ environment: `KEY=${'v'.repeat(4086)}` });
    const p = await problem({ environment: `KEY=${'v'.repeat(4087)}` });
    expect(p.message).toContain('4097 bytes');
    expect(p.message).not.toContain('vvvv');
    // a multi-byte value counts in bytes
    expect((await problem({ environment: `KEY=${'é'.repeat(2044)}` })).message).toContain(
      '4098 bytes',
    );
  });
});

describe('secrets', () => {
  const SECRET = 'hunter2-Sup3rS3cret';
  const bad: Record<string, string>[] = [
    { environment: `AWS_REGION: ${SECRET}` },
    { environment: `1BAD: ${SECRET}` },
    { environment: `A: ${SECRET}\nA: ${SECRET}` },
    { environment: `A: "${SECRET}` },
    { environment: `A:\n  - ${SECRET}` },
    { environment: `A=${SECRET}\nA=${SECRET}` },
    { environment: `BIG=${SECRET.repeat(400)}` },
    { environment: `- ${SECRET}` },
    { environment: SECRET },
    { 'function-configuration': `Environment:\n  Variables:\n    AWS_REGION: ${SECRET}` },
    { 'function-configuration': `Environment:\n  Variables:\n    A: [${SECRET}]` },
    { 'function-configuration': `Environment:\n  Vars:\n    A: ${SECRET}` },
    { 'function-configuration': `Environment: ${SECRET}` },
    { 'function-configuration': `Environment:\n  Variables:\n    A: "${SECRET}` },
    { 'function-configuration': `Environment:\n  Variables: {A: ${SECRET}}`, environment: 'B=1' },
  ];

  it.each(bad)('never puts a value in a message (case %#)', async (inputs) => {
    const { problems, desired } = await parse(inputs);
    expect(problems.length).toBeGreaterThan(0);
    expect(JSON.stringify(problems)).not.toContain('hunter2');
    expect(JSON.stringify(desired.warnings)).not.toContain('hunter2');
  });

  it('environmentSecrets lists each value to mask once', async () => {
    const desired = await ok({
      environment: 'API_KEY=one\nBB=\nDB_PASSWORD=two\nSESSION_SALT=one\nDSN=pg://u:p@h/db',
    });
    expect(environmentSecrets(desired).sort()).toEqual(['one', 'pg://u:p@h/db', 'two']);
    expect(environmentSecrets(await ok({}))).toEqual([]);
  });

  it('environmentSecrets masks long values under any key, not settings the log itself says', async () => {
    const desired = await ok({
      environment: [
        'STAGE=prod',
        'WORKERS=10',
        'TIMEOUT=30',
        'DEBUG=true',
        'TABLE_REGION=us-east-1',
        'BIG_NUMBER=123456789012',
        'WEBHOOK=https://hooks.example.com/T000/B000/XXXX',
        'OPAQUE=c2VjcmV0LXZhbHVl',
      ].join('\n'),
    });
    expect(environmentSecrets(desired).sort()).toEqual([
      'c2VjcmV0LXZhbHVl',
      'https://hooks.example.com/T000/B000/XXXX',
    ]);
  });

  it('environmentSecrets also gives each line of a value of several lines', async () => {
    const desired = await ok({ environment: 'KEY: |\n  -----BEGIN-----\n  c2VjcmV0\n' });
    expect(environmentSecrets(desired)).toEqual([
      '-----BEGIN-----\nc2VjcmV0\n',
      '-----BEGIN-----',
      'c2VjcmV0',
    ]);
  });
});

describe('function-configuration', () => {
  it('takes other fields in the API names, YAML or JSON', async () => {
    const yaml = await ok({
      'function-configuration':
        'TracingConfig:\n  Mode: Active\nVpcConfig:\n  SubnetIds: [subnet-1, subnet-2]\n  SecurityGroupIds: [sg-1]\nLoggingConfig: {LogFormat: JSON, ApplicationLogLevel: WARN}\nSnapStart: {ApplyOn: PublishedVersions}',
    });
    expect(yaml.fields).toEqual({
      TracingConfig: { Mode: 'Active' },
      VpcConfig: { SubnetIds: ['subnet-1', 'subnet-2'], SecurityGroupIds: ['sg-1'] },
      LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'WARN' },
      SnapStart: { ApplyOn: 'PublishedVersions' },
    });
    expect(yaml.from.TracingConfig).toBe('function-configuration');
    const json = await ok({
      'function-configuration':
        '{"MemorySize": 512, "DeadLetterConfig": {"TargetArn": ""}, "KMSKeyArn": "arn:aws:kms:us-east-1:123456789012:key/k"}',
    });
    expect(json.fields).toMatchObject({ MemorySize: 512, DeadLetterConfig: { TargetArn: '' } });
  });

  it('refuses unknown fields, naming the valid ones', async () => {
    const p = await problem({ 'function-configuration': 'Tracing: Active' });
    expect(p.input).toBe('function-configuration');
    expect(p.message).toContain('unknown field `Tracing`');
    expect(p.message).toContain('`TracingConfig`');
    expect(p.message).toContain('`VpcConfig`');
    const nested = await problem({ 'function-configuration': 'VpcConfig: {Subnets: [a]}' });
    expect(nested.message).toContain('`VpcConfig` has an unknown field `Subnets`');
    expect(nested.message).toContain('`SubnetIds`');
  });

  it('refuses fields that are not configuration', async () => {
    expect(
      (await problem({ 'function-configuration': 'Architectures: [arm64]' })).message,
    ).toContain('`architectures` input');
    expect((await problem({ 'function-configuration': 'FunctionName: other' })).message).toContain(
      'function-name',
    );
    expect((await problem({ 'function-configuration': 'RevisionId: x' })).message).toContain(
      'RevisionId',
    );
  });

  it.each([
    ['memory-size', '256', 'MemorySize: 512'],
    ['function-timeout', '30', 'Timeout: 60'],
    ['runtime', 'nodejs22.x', 'Runtime: nodejs20.x'],
    ['handler', 'a.b', 'Handler: c.d'],
    ['environment', 'AA=1', 'Environment: {Variables: {BB: "2"}}'],
    ['layers', LAYER('a'), `Layers: [${LAYER('b')}]`],
    ['function-description', 'd', 'Description: e'],
    ['ephemeral-storage', '1024', 'EphemeralStorage: {Size: 2048}'],
    ['execution-role', ROLE, `Role: ${ROLE}`],
  ])('refuses %s set in both places', async (input, value, config) => {
    const p = await problem({ [input]: value, 'function-configuration': config });
    expect(p.input).toBe('function-configuration');
    expect(p.message).toContain(`which the \`${input}\` input also sets`);
  });

  it('checks the values as the dedicated inputs do', async () => {
    const cases: [string, string][] = [
      ['MemorySize: 64', '`MemorySize` is not a whole number from 128 to 10240'],
      ['MemorySize: "512"', '`MemorySize` is not a whole number'],
      ['Timeout: 901', '`Timeout` is not a whole number from 1 to 900'],
      ['EphemeralStorage: {Size: 100}', '`EphemeralStorage.Size`'],
      ['EphemeralStorage: {}', 'lacks the required field `Size`'],
      ['Runtime: go2.x', '`Runtime` is not a Lambda runtime'],
      ['Role: nope', '`Role` is not an IAM role ARN'],
      [`Layers: [${LAYER('a', 1, 'eu-west-1')}]`, '`Layers` has `arn:aws:lambda:eu-west-1'],
      ['TracingConfig: {Mode: On}', '`TracingConfig.Mode` is not one of `Active`, `PassThrough`'],
      ['VpcConfig: {SubnetIds: subnet-1}', '`VpcConfig.SubnetIds` is not a list'],
      ['FileSystemConfigs: [{Arn: x, LocalMountPath: /tmp}]', '`FileSystemConfigs[0].Arn`'],
      ['Environment: {Variables: {AWS_REGION: x}}', '`Environment.Variables` sets `AWS_REGION`'],
      ['Environment: {Variables: {PORT: 80}}', 'not a string (quote it)'],
      ['- MemorySize', 'is not a map'],
      ['MemorySize: [', 'not valid YAML or JSON'],
    ];
    for (const [config, expected] of cases) {
      const p = await problem({ 'function-configuration': config });
      expect(p.input).toBe('function-configuration');
      expect(p.message).toContain(expected);
    }
  });

  it('reports every problem at once', async () => {
    const { problems } = await parse({
      'memory-size': '1',
      runtime: 'x',
      environment: 'AWS_REGION=x',
      'function-configuration': 'Foo: 1\nTimeout: 0',
    });
    expect(problems.map((p) => p.input).sort()).toEqual([
      'environment',
      'function-configuration',
      'function-configuration',
      'memory-size',
      'runtime',
    ]);
  });
});

const CURRENT: CurrentConfig = {
  Role: ROLE,
  Handler: 'index.handler',
  Runtime: 'nodejs22.x',
  Timeout: 3,
  MemorySize: 128,
  Description: '',
  Environment: { Variables: { STAGE: 'prod', TOKEN: 'old-secret', KEEP: 'same' } },
  Layers: [{ Arn: LAYER('a') }, { Arn: LAYER('b') }],
  VpcConfig: { SubnetIds: ['subnet-1', 'subnet-2'], SecurityGroupIds: ['sg-1'], VpcId: 'vpc-1' },
  TracingConfig: { Mode: 'PassThrough' },
  EphemeralStorage: { Size: 512 },
  LoggingConfig: { LogFormat: 'Text', LogGroup: '/aws/lambda/fn' },
  ImageConfigResponse: { ImageConfig: { Command: ['app.handler'] } },
  Architectures: ['x86_64'],
};

function want(
  fields: DesiredConfig['fields'],
  architecture?: DesiredConfig['architecture'],
): DesiredConfig {
  return {
    fields,
    from: {},
    createFunction: false,
    warnings: [],
    ...(architecture ? { architecture } : {}),
  };
}

describe('diffConfig', () => {
  it('sends nothing when nothing differs (absent = empty = default, sets ignore order)', () => {
    const plan = diffConfig(
      want({
        Role: ROLE,
        MemorySize: 128,
        Description: '',
        Environment: { Variables: { KEEP: 'same', STAGE: 'prod', TOKEN: 'old-secret' } },
        Layers: [LAYER('a'), LAYER('b')],
        VpcConfig: { SubnetIds: ['subnet-2', 'subnet-1'], SecurityGroupIds: ['sg-1'] },
        TracingConfig: { Mode: 'PassThrough' },
        LoggingConfig: { LogFormat: 'Text' },
        KMSKeyArn: '',
        DeadLetterConfig: { TargetArn: '' },
        SnapStart: { ApplyOn: 'None' },
        ImageConfig: { Command: ['app.handler'] },
      }),
      CURRENT,
    );
    expect(plan).toEqual({ changes: [] });
  });

  it('nothing set, nothing sent', () => {
    expect(diffConfig(want({}), CURRENT)).toEqual({ changes: [] });
  });

  it('sends only the fields that differ', () => {
    const plan = diffConfig(
      want({ MemorySize: 512, Timeout: 3, Runtime: 'nodejs24.x', Handler: 'index.handler' }),
      CURRENT,
    );
    expect(plan.request).toEqual({ MemorySize: 512, Runtime: 'nodejs24.x' });
    expect(describeChanges(plan.changes)).toEqual([
      'MemorySize: 128 → 512',
      'Runtime: nodejs22.x → nodejs24.x',
    ]);
  });

  it('layers are compared in order (order is the merge order)', () => {
    const plan = diffConfig(want({ Layers: [LAYER('b'), LAYER('a')] }), CURRENT);
    expect(plan.request).toEqual({ Layers: [LAYER('b'), LAYER('a')] });
    expect(diffConfig(want({ Layers: [] }), {}).request).toBeUndefined();
    expect(diffConfig(want({ Layers: [] }), CURRENT).request).toEqual({ Layers: [] });
  });

  it('VPC: a different set is a change; detaching is a change', () => {
    const plan = diffConfig(
      want({ VpcConfig: { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-1'] } }),
      CURRENT,
    );
    expect(plan.request).toEqual({
      VpcConfig: { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-1'] },
    });
    expect(describeChanges(plan.changes)).toEqual([
      'VpcConfig.SubnetIds: [subnet-1, subnet-2] → [subnet-1]',
    ]);
    expect(
      diffConfig(want({ VpcConfig: { SubnetIds: [], SecurityGroupIds: [] } }), {}).request,
    ).toBeUndefined();
  });

  it('environment: the whole map is sent, the diff names keys only', () => {
    const plan = diffConfig(
      want({
        Environment: { Variables: { STAGE: 'prod', TOKEN: 'new-secret', ADDED: 'new-value' } },
      }),
      CURRENT,
    );
    expect(plan.request).toEqual({
      Environment: { Variables: { STAGE: 'prod', TOKEN: 'new-secret', ADDED: 'new-value' } },
    });
    expect(plan.changes).toEqual([
      { kind: 'environment', added: ['ADDED'], changed: ['TOKEN'], removed: ['KEEP'] },
    ]);
    const lines = describeChanges(plan.changes);
    expect(lines).toEqual(['Environment: added ADDED; changed TOKEN; removed KEEP']);
    expect(JSON.stringify(plan.changes)).not.toMatch(/secret|new-value|same/);
  });

  it('environment: {} on a function without variables is no change; on one with them removes all', () => {
    expect(diffConfig(want({ Environment: { Variables: {} } }), {}).request).toBeUndefined();
    const plan = diffConfig(want({ Environment: { Variables: {} } }), CURRENT);
    expect(plan.request).toEqual({ Environment: { Variables: {} } });
    expect(describeChanges(plan.changes)).toEqual(['Environment: removed KEEP, STAGE, TOKEN']);
  });

  it('a sub-field left out is left as Lambda has it', () => {
    // LogGroup is set on the function; the desired config does not name it.
    expect(
      diffConfig(want({ LoggingConfig: { LogFormat: 'Text' } }), CURRENT).request,
    ).toBeUndefined();
    const plan = diffConfig(want({ LoggingConfig: { LogFormat: 'JSON' } }), CURRENT);
    expect(plan.request).toEqual({ LoggingConfig: { LogFormat: 'JSON' } });
  });

  it('defaults: TracingConfig PassThrough, EphemeralStorage 512, Description empty', () => {
    const plan = diffConfig(
      want({
        TracingConfig: { Mode: 'PassThrough' },
        EphemeralStorage: { Size: 512 },
        Description: '',
      }),
      { Role: ROLE },
    );
    expect(plan.request).toBeUndefined();
    const changed = diffConfig(want({ Description: 'new', EphemeralStorage: { Size: 1024 } }), {
      Role: ROLE,
    });
    expect(describeChanges(changed.changes)).toEqual([
      'Description: (empty) → new',
      'EphemeralStorage.Size: 512 → 1024',
    ]);
  });

  it('ImageConfig is compared with ImageConfigResponse, lists in order', () => {
    expect(diffConfig(want({ ImageConfig: { Command: ['other'] } }), CURRENT).request).toEqual({
      ImageConfig: { Command: ['other'] },
    });
  });

  it('architectures ride apart: never in the UpdateFunctionConfiguration request', () => {
    const plan = diffConfig(want({}, 'arm64'), CURRENT);
    expect(plan.request).toBeUndefined();
    expect(plan.architecture).toBe('arm64');
    expect(describeChanges(plan.changes)).toEqual(['Architectures: x86_64 → arm64']);
    expect(diffConfig(want({}, 'x86_64'), {}).architecture).toBeUndefined();
    expect(diffConfig(want({}, 'x86_64'), CURRENT)).toEqual({ changes: [] });
  });

  it('the request fits the SDK request type', async () => {
    const desired = await ok({
      runtime: 'nodejs24.x',
      'memory-size': '256',
      'function-configuration': 'TracingConfig: {Mode: Active}\nLoggingConfig: {LogFormat: JSON}',
    });
    const request: UpdateFunctionConfigurationRequest = {
      FunctionName: 'fn',
      ...diffConfig(desired, CURRENT).request,
    };
    expect(request).toMatchObject({
      Runtime: 'nodejs24.x',
      MemorySize: 256,
      TracingConfig: { Mode: 'Active' },
    });
  });
});
