import { describe, expect, it } from 'vitest';
import type { MetricSeries } from '../../src/aws/cloudwatch-types.ts';
import {
  alarmPrefix,
  alarmRequest,
  alarmRequests,
  deploymentAlarms,
} from '../../src/gates/alarms.ts';
import { evaluateGate, ruleBroken } from '../../src/gates/evaluate.ts';
import { readReport, reportQueries, type VersionMetrics } from '../../src/gates/metrics.ts';
import { GATE_FORMS, type Gate, parseGates } from '../../src/gates/parse.ts';
import { alarmsInMessage, canaryReport, formatValue, gateLogLine } from '../../src/gates/report.ts';
import { gates, target } from '../gates-fixtures.ts';

function gate(line: string): Gate {
  const [g] = gates(line);
  return g!;
}

function refusal(input: string): string {
  const r = parseGates(input);
  if (r.ok) throw new Error(`accepted: ${input}`);
  return r.error;
}

describe('parseGates', () => {
  it('reads every documented form', () => {
    const g = gates(
      [
        'error-rate < 1%',
        'p99-duration < 800ms',
        'throttles = 0',
        'error-rate < previous + 0.5%',
        'errors <= 5',
        'avg-duration < 1.5s',
        'p90-duration < previous * 1.2',
        'p99.9-duration <= previous - 50ms',
        'error-rate<=previous',
        'AVG-DURATION >= 2ms',
      ].join('\n'),
    );
    expect(g.map((x) => [x.metric.name, x.operator, x.bound])).toEqual([
      ['error-rate', '<', { kind: 'constant', value: 1 }],
      ['p99-duration', '<', { kind: 'constant', value: 800 }],
      ['throttles', '=', { kind: 'constant', value: 0 }],
      ['error-rate', '<', { kind: 'previous-plus', delta: 0.5 }],
      ['errors', '<=', { kind: 'constant', value: 5 }],
      ['avg-duration', '<', { kind: 'constant', value: 1500 }],
      ['p90-duration', '<', { kind: 'previous-times', factor: 1.2 }],
      ['p99.9-duration', '<=', { kind: 'previous-plus', delta: -50 }],
      ['error-rate', '<=', { kind: 'previous-plus', delta: 0 }],
      ['avg-duration', '>=', { kind: 'constant', value: 2 }],
    ]);
    expect(g[7]?.metric.statistic).toBe('p99.9');
    expect(g.map((x) => x.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('skips blank lines and comments, keeping line numbers', () => {
    const g = gates('\n# latency\n  p95-duration < 300ms  \n\r\nerrors = 0\n');
    expect(g.map((x) => [x.line, x.text])).toEqual([
      [3, 'p95-duration < 300ms'],
      [5, 'errors = 0'],
    ]);
    expect(gates('')).toEqual([]);
  });

  it.each([
    ['latency < 1s', '`latency` is not a metric'],
    ['error-rate 1%', 'expected `<metric> <operator> <bound>`'],
    ['error-rate == 1%', '`==` is not an operator'],
    ['error-rate != 1%', '`!=` is not an operator'],
    ['error-rate <', 'the bound is missing'],
    ['error-rate < 1', 'error-rate takes a percentage'],
    ['error-rate < 1ms', 'error-rate takes a percentage'],
    ['error-rate < 101%', 'error-rate cannot exceed 100%'],
    ['p99-duration < 800', 'p99-duration takes a duration in `ms` or `s`'],
    ['avg-duration < 5%', 'avg-duration takes a duration in `ms` or `s`'],
    ['errors <= 5%', 'errors is a count'],
    ['throttles < 1.5', 'throttles is a count'],
    ['error-rate < lots', '`lots` is not a number with a unit'],
    ['p0-duration < 1s', 'the percentile `p0` must be above 0'],
    ['p100-duration < 1s', '`p100-duration` is not a metric'],
    ['errors < previous', 'errors is a count, which follows each version'],
    ['throttles < previous * 2', 'throttles is a count'],
    ['p99-duration < previous * 0', '`previous *` takes a factor above 0'],
    ['p99-duration < previous * 1.2ms', '`previous *` takes a factor above 0'],
    ['p99-duration < previous + 5', 'p99-duration takes a duration in `ms` or `s`'],
    ['error-rate = 0%', '`=` is only for `errors = 0` and `throttles = 0`'],
    ['errors = 3', '`=` is only for'],
  ])('refuses `%s` with the line, the reason and the valid forms', (line, reason) => {
    const error = refusal(`error-rate < 1%\n${line}`);
    expect(error).toContain(`line 2 \`${line}\`: ${reason}`);
    expect(error).toContain(GATE_FORMS);
  });

  it('reports every bad line at once', () => {
    const error = refusal('foo < 1\nerror-rate < 1%\nbar > 2');
    expect(error).toContain('line 1 `foo < 1`');
    expect(error).toContain('line 3 `bar > 2`');
    expect(error).not.toContain('line 2');
  });

  it("refuses more gates than CodeDeploy's alarms per deployment", () => {
    const eleven = Array.from({ length: 11 }, (_, i) => `errors <= ${i}`).join('\n');
    expect(refusal(eleven)).toContain('11 gates, but CodeDeploy takes at most 10 alarms');
    expect(gates(eleven.split('\n').slice(0, 10).join('\n'))).toHaveLength(10);
  });
});

describe('alarm requests', () => {
  it('watches the new version only, by alias and ExecutedVersion', () => {
    const r = alarmRequest(gate('p99-duration < 800ms'), 1, target);
    expect(r).toMatchObject({
      alarmName: 'lgr-gate/orders/live/v8/2-p99-duration',
      metric: {
        namespace: 'AWS/Lambda',
        metricName: 'Duration',
        dimensions: [
          { name: 'FunctionName', value: 'orders' },
          { name: 'Resource', value: 'orders:live' },
          { name: 'ExecutedVersion', value: '8' },
        ],
      },
      stat: 'p99',
      period: 60,
      threshold: 800,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: 'notBreaching',
      actionsEnabled: false,
    });
    expect(r.metrics).toBeUndefined();
    expect(r.alarmName.startsWith(alarmPrefix('orders', 'live'))).toBe(true);
  });

  it('computes the error rate in percent with metric math', () => {
    const r = alarmRequest(gate('error-rate < 1%'), 0, target);
    expect(r.metric).toBeUndefined();
    expect(
      r.metrics?.map((q) => [
        q.id,
        q.metricStat?.metric.metricName,
        q.metricStat?.stat,
        q.expression,
        q.returnData,
      ]),
    ).toEqual([
      ['gn_inv', 'Invocations', 'Sum', undefined, false],
      ['gn_err', 'Errors', 'Sum', undefined, false],
      ['g', undefined, undefined, '100 * gn_err / gn_inv', true],
    ]);
    expect(r.threshold).toBe(1);
    expect(r.comparisonOperator).toBe('GreaterThanOrEqualToThreshold');
  });

  it('compares with the previous version as a difference or a ratio', () => {
    const diff = alarmRequest(gate('error-rate < previous + 0.5%'), 0, target);
    const ret = diff.metrics?.filter((q) => q.returnData);
    expect(ret).toEqual([
      {
        id: 'g',
        expression: 'gn_v - gp_v',
        label: 'error-rate < previous + 0.5%',
        returnData: true,
      },
    ]);
    const versions = diff.metrics?.flatMap(
      (q) => q.metricStat?.metric.dimensions.find((d) => d.name === 'ExecutedVersion')?.value ?? [],
    );
    expect(versions).toEqual(['8', '8', '7', '7']);
    expect(diff.threshold).toBe(0.5);

    const ratio = alarmRequest(gate('p90-duration <= previous * 1.2'), 0, target);
    expect(ratio.metrics?.map((q) => q.expression ?? q.metricStat?.stat)).toEqual([
      'p90',
      'p90',
      'gn_v / gp_v',
    ]);
    expect(ratio.threshold).toBe(1.2);
    expect(ratio.comparisonOperator).toBe('GreaterThanThreshold');
  });

  it('fires on the negation of each operator', () => {
    const ops = [
      'errors < 3',
      'errors <= 3',
      'avg-duration > 3ms',
      'avg-duration >= 3ms',
      'throttles = 0',
    ];
    expect(
      alarmRequests(gates(ops.join('\n')), target).map((r) => [
        r.comparisonOperator,
        r.threshold,
        r.stat,
      ]),
    ).toEqual([
      ['GreaterThanOrEqualToThreshold', 3, 'Sum'],
      ['GreaterThanThreshold', 3, 'Sum'],
      ['LessThanOrEqualToThreshold', 3, 'Average'],
      ['LessThanThreshold', 3, 'Average'],
      ['GreaterThanThreshold', 0, 'Sum'],
    ]);
  });

  it('refuses a previous comparison without a previous version', () => {
    expect(() =>
      alarmRequest(gate('error-rate < previous'), 0, { ...target, previousVersion: undefined }),
    ).toThrow(/compares with the previous version/);
  });

  it('keeps names within 255 characters for the longest function and alias names', () => {
    const long = { functionName: 'f'.repeat(64), alias: 'a'.repeat(128), version: '123456' };
    const names = alarmRequests(gates('p99.99-duration < 1s'), long).map((r) => r.alarmName);
    expect(names[0]?.length).toBeLessThanOrEqual(255);
  });

  it('fits gate alarms with the ones already applying, within 10, without duplicates', () => {
    expect(deploymentAlarms(['a', 'b'], ['b', 'g1'])).toEqual({
      ok: true,
      value: ['a', 'b', 'g1'],
    });
    const r = deploymentAlarms(
      ['a', 'b', 'c'],
      Array.from({ length: 8 }, (_, i) => `g${i}`),
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain('3 alarms already apply');
  });
});

const minute = (i: number) => 1_700_000_040_000 + i * 60_000;
function series(id: string, values: number[], start = 0): MetricSeries {
  return { id, timestamps: values.map((_, i) => minute(start + i)), values };
}
const version = (v: string, extra: Partial<VersionMetrics> = {}): VersionMetrics => ({
  version: v,
  requests: 100,
  errors: 1,
  errorRate: 1,
  throttles: 0,
  avgDuration: 120,
  percentiles: { p99: 400 },
  ...extra,
});

describe('evaluation', () => {
  it('fails when 2 of 3 consecutive minutes breach, not 2 minutes apart', () => {
    const g = gate('error-rate < 1%');
    expect(ruleBroken(series('g', [0, 2, 0, 3]), g)).toBe(true);
    expect(ruleBroken(series('g', [2, 0, 0, 3]), g)).toBe(false);
    // Minutes without a datapoint do not breach (TreatMissingData notBreaching).
    const gapped = { id: 'g', timestamps: [minute(0), minute(3)], values: [5, 5] };
    expect(ruleBroken(gapped, g)).toBe(false);
  });

  it('gives the value over the release, the threshold and the verdict', () => {
    const r = evaluateGate(
      gate('error-rate < 1%'),
      series('g', [0.5, 0.2]),
      version('8', { errorRate: 0.4 }),
    );
    expect(r).toMatchObject({ verdict: 'pass', value: 0.4, threshold: 1, minutes: 2, latest: 0.2 });
    expect(gateLogLine(r)).toBe('error-rate < 1%: 0.4% (threshold 1%) over 2 minutes: pass');
  });

  it('resolves previous-based thresholds from the previous version', () => {
    const g = gate('p99-duration < previous * 1.5');
    const r = evaluateGate(
      g,
      series('g', [2, 2.5]),
      version('8', { percentiles: { p99: 900 } }),
      version('7'),
    );
    expect(r).toMatchObject({ verdict: 'fail', value: 900, threshold: 600 });
  });

  it('says no data rather than pass when the gate never had a datapoint', () => {
    const r = evaluateGate(
      gate('error-rate < 1%'),
      undefined,
      version('8', { requests: 0, errorRate: undefined }),
    );
    expect(r.verdict).toBe('no-data');
    expect(r.value).toBeUndefined();
    expect(gateLogLine(r)).toBe('error-rate < 1%: no data yet');
    expect(evaluateGate(gate('errors <= 1'), series('g', []), version('8')).verdict).toBe(
      'no-data',
    );
  });

  it('shows the worst minute for counts, which the alarm judges per minute', () => {
    const r = evaluateGate(
      gate('errors <= 5'),
      series('g', [1, 7, 2]),
      version('8', { errors: 10 }),
    );
    expect(r).toMatchObject({ value: 7, threshold: 5, verdict: 'pass' });
  });
});

describe('report reads', () => {
  const window = { startMs: minute(0) + 15_000, endMs: minute(10) + 5_000 };

  it('asks for both versions over whole minutes and for each gate per minute', () => {
    const g = gates('error-rate < 1%\np95-duration < previous * 2');
    const { queries, window: w } = reportQueries(target, g, window);
    expect(w).toEqual({ startMs: minute(0), endMs: minute(11) });
    const ids = queries.filter((q) => q.returnData).map((q) => q.id);
    expect(ids).toEqual([
      'n_inv',
      'n_err',
      'n_thr',
      'n_avg',
      'n_p99',
      'n_p95',
      'p_inv',
      'p_err',
      'p_thr',
      'p_avg',
      'p_p99',
      'p_p95',
      'g0',
      'g1',
    ]);
    expect(queries.find((q) => q.id === 'n_inv')?.metricStat?.period).toBe(660);
    expect(queries.find((q) => q.id === 'g0n_inv')?.metricStat?.period).toBe(60);
  });

  it('builds the canary report, naming the gate that stopped the release', () => {
    const g = gates('error-rate < 1%\np99-duration < 800ms\nthrottles = 0');
    const results: MetricSeries[] = [
      series('n_inv', [40]),
      series('n_err', [8]),
      series('n_avg', [150]),
      series('n_p99', [700]),
      series('n_thr', [0]),
      series('p_inv', [360]),
      series('p_err', [1]),
      series('p_avg', [100]),
      series('p_p99', [300]),
      series('g0', [20, 20, 20]),
      series('g1', [700, 650]),
    ];
    const values = readReport(target, g, results);
    expect(values.newVersion).toEqual({
      version: '8',
      requests: 40,
      errors: 8,
      errorRate: 20,
      throttles: 0,
      avgDuration: 150,
      percentiles: { p99: 700 },
    });
    const names = alarmRequests(g, target).map((r) => r.alarmName);
    const fired = alarmsInMessage(
      `One or more alarms have been activated ... Activated alarms: <${names[0]}> <group-errors>`,
    );
    const report = canaryReport(g, names, values, window, fired);
    expect(report.gates.map((r) => [r.gate.text, r.verdict, r.value, r.stoppedRelease])).toEqual([
      ['error-rate < 1%', 'fail', 20, true],
      ['p99-duration < 800ms', 'pass', 700, false],
      ['throttles = 0', 'no-data', undefined, false],
    ]);
    expect(report.stoppedBy?.gate.text).toBe('error-rate < 1%');
    expect(report.otherAlarmsFired).toEqual(['group-errors']);
    expect(report.gatesWithoutData.map((r) => r.gate.text)).toEqual(['throttles = 0']);
    expect(report.noTraffic).toBe(false);
    expect(report.previousVersion?.errorRate).toBeCloseTo(100 / 360);
  });

  it('says the new version had no traffic when it served nothing', () => {
    const g = gates('error-rate < 1%');
    const report = canaryReport(g, ['a'], readReport(target, g, []), window);
    expect(report.noTraffic).toBe(true);
    expect(report.newVersion.errorRate).toBeUndefined();
    expect(report.gates[0]?.verdict).toBe('no-data');
  });

  it('formats values in their unit', () => {
    expect(formatValue('percent', 0.8333)).toBe('0.83%');
    expect(formatValue('ms', 812.4)).toBe('812 ms');
    expect(formatValue('ms', 1520)).toBe('1.52 s');
    expect(formatValue('ms', 4.25)).toBe('4.3 ms');
    expect(formatValue('count', 3)).toBe('3');
    expect(formatValue('count', undefined)).toBe('no data');
  });
});
