import { describe, expect, it } from 'vitest';
import {
  CONFIG_NAME_PATTERN,
  defaultTimeoutMinutes,
  describeRouting,
  PREDEFINED_CONFIGS,
  parseStrategy,
  routingSteps,
  type Strategy,
  sameRouting,
  shiftMinutes,
  type TrafficRouting,
} from '../../src/strategy.ts';

function ok(raw: string): Strategy {
  const r = parseStrategy(raw);
  if (!r.ok) throw new Error(`expected ${raw} to parse: ${r.error}`);
  return r.value;
}

function err(raw: string): string {
  const r = parseStrategy(raw);
  if (r.ok) throw new Error(`expected ${raw} to be refused, got ${JSON.stringify(r.value)}`);
  return r.error;
}

const canary = (percentage: number, intervalMinutes: number): TrafficRouting => ({
  type: 'TimeBasedCanary',
  percentage,
  intervalMinutes,
});
const linear = (percentage: number, intervalMinutes: number): TrafficRouting => ({
  type: 'TimeBasedLinear',
  percentage,
  intervalMinutes,
});
const allAtOnce: TrafficRouting = { type: 'AllAtOnce' };

const PREDEFINED: [string, TrafficRouting][] = [
  ['Canary10Percent5Minutes', canary(10, 5)],
  ['Canary10Percent10Minutes', canary(10, 10)],
  ['Canary10Percent15Minutes', canary(10, 15)],
  ['Canary10Percent30Minutes', canary(10, 30)],
  ['Linear10PercentEvery1Minute', linear(10, 1)],
  ['Linear10PercentEvery2Minutes', linear(10, 2)],
  ['Linear10PercentEvery3Minutes', linear(10, 3)],
  ['Linear10PercentEvery10Minutes', linear(10, 10)],
  ['AllAtOnce', allAtOnce],
];

const SPELLINGS = PREDEFINED.flatMap(([short, routing]) =>
  [short, `Lambda${short}`, `CodeDeployDefault.Lambda${short}`].map(
    (spelling) => [spelling, `CodeDeployDefault.Lambda${short}`, routing] as const,
  ),
);

describe('parseStrategy: predefined configs', () => {
  it('has 27 spellings', () => expect(SPELLINGS).toHaveLength(27));

  it.each(SPELLINGS)('%s → %s', (spelling, configName, routing) => {
    expect(ok(spelling)).toEqual({ kind: 'predefined', input: spelling, configName, routing });
  });

  it.each(SPELLINGS)('%s in other cases', (spelling, configName) => {
    for (const variant of [spelling.toLowerCase(), spelling.toUpperCase(), ` ${spelling}\n`]) {
      const s = ok(variant);
      expect(s.kind).toBe('predefined');
      expect(s.kind === 'predefined' && s.configName).toBe(configName);
    }
  });

  it('matches the exported table', () => {
    expect(PREDEFINED_CONFIGS.map((c) => [c.short, c.routing])).toEqual(PREDEFINED);
  });

  it('gives the exact CodeDeploy name for singular and plural minutes', () => {
    expect(ok('Linear10PercentEvery1Minute')).toMatchObject({
      configName: 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute',
    });
    expect(ok('linear10percentevery2minutes')).toMatchObject({
      configName: 'CodeDeployDefault.LambdaLinear10PercentEvery2Minutes',
    });
    // the other plural is tolerated, the name stays AWS's own
    expect(ok('Linear10PercentEvery1Minutes')).toMatchObject({
      configName: 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute',
    });
  });

  it('returns a copy of the routing', () => {
    const a = ok('AllAtOnce');
    if (a.kind !== 'predefined') throw new Error('predefined');
    (a.routing as { type: string }).type = 'x';
    expect(ok('AllAtOnce')).toMatchObject({ routing: { type: 'AllAtOnce' } });
  });
});

describe('parseStrategy: inline forms', () => {
  it.each([
    ['canary 25% 15m', 'GatedRelease.Canary25Percent15Minutes', canary(25, 15)],
    ['linear 20% 2m', 'GatedRelease.Linear20PercentEvery2Minutes', linear(20, 2)],
    ['Canary 25% 15min', 'GatedRelease.Canary25Percent15Minutes', canary(25, 15)],
    ['canary 25% 15 minutes', 'GatedRelease.Canary25Percent15Minutes', canary(25, 15)],
    ['CANARY   25 %   15M', 'GatedRelease.Canary25Percent15Minutes', canary(25, 15)],
    ['canary25%15m', 'GatedRelease.Canary25Percent15Minutes', canary(25, 15)],
    ['linear 20% every 2 minutes', 'GatedRelease.Linear20PercentEvery2Minutes', linear(20, 2)],
    ['canary 25% 1h', 'GatedRelease.Canary25Percent60Minutes', canary(25, 60)],
    ['canary 50% 1.5 hours', 'GatedRelease.Canary50Percent90Minutes', canary(50, 90)],
    ['canary 5% 1m', 'GatedRelease.Canary5Percent1Minute', canary(5, 1)],
    ['linear 25% 1m', 'GatedRelease.Linear25PercentEvery1Minute', linear(25, 1)],
    ['canary 99% 2880m', 'GatedRelease.Canary99Percent2880Minutes', canary(99, 2880)],
    ['canary 1% 48h', 'GatedRelease.Canary1Percent2880Minutes', canary(1, 2880)],
    ['linear 50% 2880m', 'GatedRelease.Linear50PercentEvery2880Minutes', linear(50, 2880)],
    ['linear 1% 29m', 'GatedRelease.Linear1PercentEvery29Minutes', linear(1, 29)],
  ])('%s → inline %s', (raw, configName, routing) => {
    expect(ok(raw)).toEqual({
      kind: 'inline',
      input: raw.trim().replace(/\s+/g, ' '),
      configName,
      routing,
    });
  });

  it('names are valid CodeDeploy config names, not reserved, deterministic', () => {
    for (const raw of ['canary 25% 15m', 'linear 1% 29m', 'canary 99% 2880m', 'linear 33% 7m']) {
      const s = ok(raw);
      if (s.kind !== 'inline') throw new Error(raw);
      expect(s.configName).toMatch(CONFIG_NAME_PATTERN);
      expect(s.configName.length).toBeLessThanOrEqual(100);
      expect(s.configName.startsWith('CodeDeployDefault.')).toBe(false);
      expect(ok(raw)).toEqual(s);
    }
  });

  it('an inline routing that equals a predefined config becomes that config', () => {
    expect(ok('canary 10% 5m')).toEqual({
      kind: 'predefined',
      input: 'canary 10% 5m',
      configName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      routing: canary(10, 5),
    });
    expect(ok('linear 10% 1m')).toMatchObject({
      configName: 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute',
    });
  });

  it.each(['all-at-once', 'allatonce', 'All-At-Once', 'all at once', 'ALL_AT_ONCE'])(
    '%s → CodeDeployDefault.LambdaAllAtOnce',
    (raw) => {
      expect(ok(raw)).toMatchObject({
        kind: 'predefined',
        configName: 'CodeDeployDefault.LambdaAllAtOnce',
        routing: allAtOnce,
      });
    },
  );

  it.each(['direct', 'Direct', ' DIRECT '])('%s → direct', (raw) => {
    expect(ok(raw)).toEqual({ kind: 'direct', input: raw.trim() });
  });
});

describe('parseStrategy: custom configs', () => {
  it.each([
    'MyConfig',
    'Canary25Percent45Minutes',
    'team.fast-canary',
    'a+b=c,d@e_f',
    'canary',
    'x'.repeat(100),
  ])('%s → custom', (raw) => {
    expect(ok(raw)).toEqual({ kind: 'custom', input: raw, configName: raw });
  });
});

describe('parseStrategy: refusals', () => {
  it.each([
    ['canary 10%', /no interval/],
    ['canary 0% 5m', /1 to 99.*got 0%/],
    ['canary 100% 5m', /1 to 99.*got 100%/],
    ['linear 150% 1m', /1 to 99.*got 150%/],
    ['canary 10.5% 5m', /whole number/],
    ['canary 10% 0m', /1 to 2880 minutes.*got 0 minutes/],
    ['canary 10% 2881m', /1 to 2880 minutes.*got 2881 minutes/],
    ['canary 10% 49h', /1 to 2880 minutes.*got 2940 minutes/],
    ['canary 10% 1.5m', /whole number of minutes/],
    ['canary 10 5m', /needs a `%`/],
    ['canary 10% 5', /needs a unit/],
    ['canary 10% 5s', /unknown interval unit `s`/],
    ['canary', null],
    ['canary % 5m', /no percentage/],
    ['canary abc% 5m', /not a percentage/],
    ['canary 10% 5m now', /not a valid inline strategy/],
    ['linear 1% 30m', /2970 minutes.*2880/],
    ['linear 10% 321m', /2889 minutes.*2880/],
    ['CodeDeployDefault.LambdaCanary10Percent7Minutes', /predefined.*inline form `canary 10% 7m`/],
    ['CodeDeployDefault.Canary10Percent5Minutes', /predefined/],
    ['CodeDeployDefault.ECSAllAtOnce', /reserved/],
    ['codedeploydefault.mine', /reserved/],
    ['my config', /no spaces/],
    ['25% 5m', /does not start with `canary` or `linear`/],
    ['a/b', /not a valid deployment config name/],
    ['x'.repeat(101), /not a valid deployment config name/],
    ['', /empty/],
  ] as const)('%s', (raw, why) => {
    if (why === null) {
      expect(parseStrategy(raw).ok).toBe(true); // a custom config may be named `canary`
      return;
    }
    const e = err(raw);
    expect(e).toMatch(why);
    // every error ends with the valid forms
    expect(e).toMatch(
      /Valid strategies: .*Canary10Percent5Minutes.*Linear10PercentEvery1Minute.*AllAtOnce.*`canary 25% 15m`.*`linear 20% 2m`.*`all-at-once`.*`direct`.*or the name of an existing custom Lambda deployment config\.$/,
    );
  });
});

describe('routing', () => {
  it('steps for canary', () => {
    expect(routingSteps(canary(10, 5))).toEqual([
      { atMinute: 0, percent: 10 },
      { atMinute: 5, percent: 100 },
    ]);
    expect(shiftMinutes(canary(10, 5))).toBe(5);
  });

  it('steps for linear', () => {
    const steps = routingSteps(linear(10, 1));
    expect(steps).toHaveLength(10);
    expect(steps[0]).toEqual({ atMinute: 0, percent: 10 });
    expect(steps[9]).toEqual({ atMinute: 9, percent: 100 });
    expect(shiftMinutes(linear(10, 1))).toBe(9);
    expect(shiftMinutes(linear(10, 10))).toBe(90);
    expect(routingSteps(linear(30, 2))).toEqual([
      { atMinute: 0, percent: 30 },
      { atMinute: 2, percent: 60 },
      { atMinute: 4, percent: 90 },
      { atMinute: 6, percent: 100 },
    ]);
    expect(routingSteps(linear(1, 29))).toHaveLength(100);
    expect(shiftMinutes(linear(1, 29))).toBe(99 * 29);
    expect(routingSteps(linear(99, 3))).toEqual([
      { atMinute: 0, percent: 99 },
      { atMinute: 3, percent: 100 },
    ]);
  });

  it('steps for all-at-once', () => {
    expect(routingSteps(allAtOnce)).toEqual([{ atMinute: 0, percent: 100 }]);
    expect(shiftMinutes(allAtOnce)).toBe(0);
  });

  it('describes in short words', () => {
    expect(describeRouting(canary(10, 5))).toBe('canary: 10% for 5 minutes, then 100%');
    expect(describeRouting(canary(25, 1))).toBe('canary: 25% for 1 minute, then 100%');
    expect(describeRouting(linear(10, 1))).toBe(
      'linear: +10% every 1 minute, 100% after 9 minutes',
    );
    expect(describeRouting(linear(50, 1))).toBe('linear: +50% every 1 minute, 100% after 1 minute');
    expect(describeRouting(allAtOnce)).toBe('all at once');
  });

  it('compares routings', () => {
    expect(sameRouting(canary(10, 5), canary(10, 5))).toBe(true);
    expect(sameRouting(canary(10, 5), canary(10, 6))).toBe(false);
    expect(sameRouting(canary(10, 5), canary(11, 5))).toBe(false);
    expect(sameRouting(canary(10, 5), linear(10, 5))).toBe(false);
    expect(sameRouting(allAtOnce, { type: 'AllAtOnce' })).toBe(true);
    expect(sameRouting(allAtOnce, canary(10, 5))).toBe(false);
  });

  it('default timeout: shifting + 10 + 60 per hook', () => {
    expect(defaultTimeoutMinutes(canary(10, 5), 0)).toBe(15);
    expect(defaultTimeoutMinutes(canary(10, 5), 2)).toBe(135);
    expect(defaultTimeoutMinutes(linear(10, 10), 1)).toBe(160);
    expect(defaultTimeoutMinutes(allAtOnce, 0)).toBe(10);
  });
});
