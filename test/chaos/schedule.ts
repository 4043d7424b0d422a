// A chaos schedule: one release's settings and starting state, plus what goes wrong during
// it: faults per operation, someone else's change at a chosen call, a cancel, a hook or an
// alarm failing. Plain data, so a failing schedule (shrunk by fast-check) can be pasted into
// regressions.test.ts as it is printed.
import fc from 'fast-check';

export type Strategy = 'direct' | 'AllAtOnce' | 'canary 10% 1m' | 'linear 50% 1m' | 'linear 20% 2m';

export interface Scenario {
  strategy: Strategy;
  /** New code uploaded and published, or published version 2 released. */
  source: 'code' | 'version';
  /** `live` on version 1, split between 1 and 2, or missing (first release). */
  start: 'single' | 'split' | 'none';
  hook: 'none' | 'before' | 'after';
  /** The group's alarm gate, named in `alarms`. */
  alarm: boolean;
  autoRollback: boolean;
  onTimeout: 'rollback' | 'leave';
  onCancel: 'rollback' | 'leave';
  /** timeout-minutes, or the default. */
  timeoutMinutes?: number;
  /** A configuration input beside new code (memory-size or environment). */
  config?: 'memory' | 'environment';
  /** A metric gate (error-rate) the new version passes or fails. */
  gate?: 'pass' | 'fail';
}

export type FaultKind = 'throttle' | 'error500' | 'conflict' | 'drop' | 'lose' | 'slow' | 'stall';

export interface ChaosFault {
  operation: string;
  kind: FaultKind;
  count: number;
}

/** Someone else's change, made when the action's `atCall`-th AWS call arrives. */
export type Meddle =
  | { atCall: number; what: 'latest' }
  | { atCall: number; what: 'alias'; version: '1' | '2'; weight?: number }
  | { atCall: number; what: 'config' };

/** A service down for a while: every call to it fails from `afterMs` for `forMs` (emulated). */
export interface Outage {
  service: 'lambda' | 'codedeploy' | 'cloudwatch';
  kind: 'error500' | 'drop' | 'throttle';
  afterMs: number;
  forMs: number;
}

export interface Schedule {
  scenario: Scenario;
  faults: ChaosFault[];
  outage?: Outage;
  meddle?: Meddle;
  /** The runner cancels when this AWS call arrives. */
  cancelAtCall?: number;
  /** The hook reports Failed (instead of Succeeded) this many emulated ms after it is invoked. */
  hookFailsAfterMs?: number;
  /** The alarm goes into ALARM when this AWS call arrives. */
  alarmAtCall?: number;
}

export const LAMBDA_OPS = [
  'GetFunction',
  'GetFunctionConfiguration',
  'GetAlias',
  'ListVersionsByFunction',
  'UpdateFunctionCode',
  'UpdateFunctionConfiguration',
  'PublishVersion',
  'CreateAlias',
  'UpdateAlias',
];
export const CODEDEPLOY_OPS = [
  'GetApplication',
  'GetDeploymentGroup',
  'GetDeploymentConfig',
  'ListDeploymentConfigs',
  'CreateDeploymentConfig',
  'ListDeployments',
  'CreateDeployment',
  'GetDeployment',
  'StopDeployment',
  'ListDeploymentTargets',
  'BatchGetDeploymentTargets',
];
export const CLOUDWATCH_OPS = ['PutMetricAlarm', 'DescribeAlarms', 'DeleteAlarms', 'GetMetricData'];

const scenario: fc.Arbitrary<Scenario> = fc.record(
  {
    strategy: fc.constantFrom<Strategy>('direct', 'AllAtOnce', 'canary 10% 1m', 'linear 50% 1m'),
    source: fc.constantFrom('code' as const, 'version' as const),
    start: fc.constantFrom('single' as const, 'split' as const, 'none' as const),
    hook: fc.constantFrom('none' as const, 'before' as const, 'after' as const),
    alarm: fc.boolean(),
    autoRollback: fc.boolean(),
    onTimeout: fc.constantFrom('rollback' as const, 'leave' as const),
    onCancel: fc.constantFrom('rollback' as const, 'leave' as const),
    timeoutMinutes: fc.constantFrom(1, 3, 30),
    config: fc.constantFrom('memory' as const, 'environment' as const),
    gate: fc.constantFrom('pass' as const, 'fail' as const),
  },
  {
    requiredKeys: [
      'strategy',
      'source',
      'start',
      'hook',
      'alarm',
      'autoRollback',
      'onTimeout',
      'onCancel',
    ],
  },
);

/** Lambda answers 409 "update in progress" only to calls that change the function. */
const LAMBDA_WRITES = [
  'UpdateFunctionCode',
  'UpdateFunctionConfiguration',
  'PublishVersion',
  'CreateAlias',
  'UpdateAlias',
];

const ANY_OP = fc.constantFrom(...LAMBDA_OPS, ...CODEDEPLOY_OPS, ...CLOUDWATCH_OPS);
const COUNT = fc.integer({ min: 1, max: 3 });

const fault: fc.Arbitrary<ChaosFault> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      operation: ANY_OP,
      kind: fc.constantFrom<FaultKind>('throttle', 'error500', 'drop', 'lose', 'slow'),
      count: COUNT,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      operation: fc.constantFrom(...LAMBDA_WRITES),
      kind: fc.constant<FaultKind>('conflict'),
      count: COUNT,
    }),
  },
  // A stall costs real time (the client's request timeout): one call, now and then.
  {
    weight: 1,
    arbitrary: fc.record({
      operation: ANY_OP,
      kind: fc.constant<FaultKind>('stall'),
      count: fc.constant(1),
    }),
  },
);

const call = fc.integer({ min: 0, max: 40 });

const meddle: fc.Arbitrary<Meddle> = fc.oneof(
  fc.record({ atCall: call, what: fc.constant('latest' as const) }),
  fc.record(
    {
      atCall: call,
      what: fc.constant('alias' as const),
      version: fc.constantFrom('1' as const, '2' as const),
      weight: fc.constantFrom(0.1, 0.5),
    },
    { requiredKeys: ['atCall', 'what', 'version'] },
  ),
  fc.record({ atCall: call, what: fc.constant('config' as const) }),
);

const outage: fc.Arbitrary<Outage> = fc.record({
  service: fc.constantFrom('lambda' as const, 'codedeploy' as const, 'cloudwatch' as const),
  kind: fc.constantFrom('error500' as const, 'drop' as const, 'throttle' as const),
  afterMs: fc.integer({ min: 0, max: 3 * 60_000 }),
  forMs: fc.integer({ min: 5_000, max: 4 * 60_000 }),
});

export const schedules: fc.Arbitrary<Schedule> = fc.record(
  {
    scenario,
    faults: fc.array(fault, { maxLength: 3 }),
    // One schedule in four: an outage costs more real time than a fault.
    outage: fc.oneof(
      { weight: 3, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: outage },
    ),
    meddle,
    cancelAtCall: call,
    hookFailsAfterMs: fc.integer({ min: 0, max: 5 * 60_000 }),
    alarmAtCall: call,
  },
  { requiredKeys: ['scenario', 'faults'] },
);
