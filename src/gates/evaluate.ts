// A gate's verdict from the values read back: the alarm's own rule (DatapointsToAlarm bad
// minutes within EvaluationPeriods, missing minutes not breaching) over its per-minute series.
import type { MetricSeries } from '../aws/cloudwatch-types.ts';
import {
  alarmThreshold,
  breachingOperator,
  DATAPOINTS_TO_ALARM,
  EVALUATION_PERIODS,
  isBreaching,
  PERIOD_SECONDS,
} from './alarms.ts';
import type { VersionMetrics } from './metrics.ts';
import type { Gate } from './parse.ts';

export type Verdict = 'pass' | 'fail' | 'no-data';

export interface GateResult {
  gate: Gate;
  verdict: Verdict;
  /** The new version's value over the release; for errors and throttles, its worst minute. */
  value?: number;
  /** What the value is held to: the constant, or the previous version's value moved by the bound. */
  threshold?: number;
  /** Minutes in which the gate had a datapoint. */
  minutes: number;
  /** The alarm expression's latest datapoint, for the log as traffic moves. */
  latest?: number;
}

export interface AlarmRule {
  evaluationPeriods: number;
  datapointsToAlarm: number;
}

export const GATE_RULE: AlarmRule = {
  evaluationPeriods: EVALUATION_PERIODS,
  datapointsToAlarm: DATAPOINTS_TO_ALARM,
};

/** True when some run of `evaluationPeriods` minutes holds `datapointsToAlarm` breaching ones. */
export function ruleBroken(series: MetricSeries, gate: Gate, rule: AlarmRule = GATE_RULE): boolean {
  const op = breachingOperator(gate.operator);
  const threshold = alarmThreshold(gate);
  const bad = series.timestamps
    .filter((_, i) => isBreaching(op, series.values[i] ?? Number.NaN, threshold))
    .sort((a, b) => a - b);
  const span = rule.evaluationPeriods * PERIOD_SECONDS * 1000;
  return bad.some((t, i) => {
    const within = bad.slice(i).filter((u) => u < t + span).length;
    return within >= rule.datapointsToAlarm;
  });
}

function metricValue(gate: Gate, v: VersionMetrics | undefined): number | undefined {
  if (!v) return undefined;
  const m = gate.metric;
  if (m.kind === 'error-rate') return v.errorRate;
  if (m.kind === 'avg-duration') return v.avgDuration;
  if (m.kind === 'percentile') return v.percentiles[m.statistic ?? 'p99'];
  return m.kind === 'errors' ? v.errors : v.throttles;
}

function thresholdOf(gate: Gate, previous: VersionMetrics | undefined): number | undefined {
  const b = gate.bound;
  if (b.kind === 'constant') return b.value;
  const prev = metricValue(gate, previous);
  if (prev === undefined) return undefined;
  return b.kind === 'previous-plus' ? prev + b.delta : prev * b.factor;
}

function latestOf(series: MetricSeries): number | undefined {
  let at = -1;
  series.timestamps.forEach((t, i) => {
    if (at < 0 || t > (series.timestamps[at] ?? 0)) at = i;
  });
  return at >= 0 ? series.values[at] : undefined;
}

export function evaluateGate(
  gate: Gate,
  series: MetricSeries | undefined,
  newVersion: VersionMetrics,
  previous?: VersionMetrics,
  rule: AlarmRule = GATE_RULE,
): GateResult {
  const minutes = series?.values.length ?? 0;
  // Counts are judged per minute by the alarm: show the worst minute, not the total.
  const perMinute = gate.metric.unit === 'count' && gate.bound.kind === 'constant';
  const value =
    perMinute && series && minutes > 0 ? Math.max(...series.values) : metricValue(gate, newVersion);
  const threshold = thresholdOf(gate, previous);
  const latest = series ? latestOf(series) : undefined;
  const verdict: Verdict =
    !series || minutes === 0 ? 'no-data' : ruleBroken(series, gate, rule) ? 'fail' : 'pass';
  return {
    gate,
    verdict,
    ...(value !== undefined && minutes > 0 ? { value } : {}),
    ...(threshold !== undefined ? { threshold } : {}),
    minutes,
    ...(latest !== undefined ? { latest } : {}),
  };
}
