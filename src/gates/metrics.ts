// What the release reads back from CloudWatch for the canary report: each version's totals over
// the release, and each gate's per-minute series (the very expression its alarm watches).
import type { MetricQuery, MetricSeries, TimeWindow } from '../aws/cloudwatch-types.ts';
import { type GateTarget, gateQueries, lambdaMetric, PERIOD_SECONDS } from './alarms.ts';
import type { Gate } from './parse.ts';

/** A version's metrics over a window; undefined where it served no invocation. */
export interface VersionMetrics {
  version: string;
  /** Invocations: throttled requests are not among them. */
  requests: number;
  errors: number;
  /** Percent. */
  errorRate?: number;
  throttles: number;
  /** Milliseconds. */
  avgDuration?: number;
  /** Milliseconds, by statistic: always `p99`, plus any percentile a gate uses. */
  percentiles: Record<string, number>;
}

const MINUTE_MS = 60_000;

/** The window widened to whole minutes, and one period covering all of it. */
export function wholeMinutes(window: TimeWindow): { window: TimeWindow; period: number } {
  const startMs = Math.floor(window.startMs / MINUTE_MS) * MINUTE_MS;
  const endMs = Math.max(startMs + MINUTE_MS, Math.ceil(window.endMs / MINUTE_MS) * MINUTE_MS);
  return { window: { startMs, endMs }, period: (endMs - startMs) / 1000 };
}

function percentileId(tag: string, statistic: string): string {
  return `${tag}_${statistic.replace('.', '_')}`;
}

function statisticsOf(gates: Gate[]): string[] {
  const used = gates.flatMap((g) => (g.metric.statistic ? [g.metric.statistic] : []));
  return [...new Set(['p99', ...used])];
}

export function versionQueries(
  target: GateTarget,
  version: string,
  tag: string,
  period: number,
  percentiles: string[],
): MetricQuery[] {
  const q = (id: string, name: string, stat: string): MetricQuery => ({
    id,
    metricStat: { metric: lambdaMetric(target, name, version), period, stat },
    returnData: true,
  });
  return [
    q(`${tag}_inv`, 'Invocations', 'Sum'),
    q(`${tag}_err`, 'Errors', 'Sum'),
    q(`${tag}_thr`, 'Throttles', 'Sum'),
    q(`${tag}_avg`, 'Duration', 'Average'),
    ...percentiles.map((p) => q(percentileId(tag, p), 'Duration', p)),
  ];
}

export interface ReportQueries {
  window: TimeWindow;
  queries: MetricQuery[];
}

/**
 * All queries of the canary report in one GetMetricData call: totals for the new (`n`) and
 * previous (`p`) version over the window, and each gate's per-minute series (`g<index>`).
 * Datapoints carry the invocation's start, so the caller ends the window at "now".
 */
export function reportQueries(
  target: GateTarget,
  gates: Gate[],
  window: TimeWindow,
): ReportQueries {
  const whole = wholeMinutes(window);
  const stats = statisticsOf(gates);
  const queries = versionQueries(target, target.version, 'n', whole.period, stats);
  if (target.previousVersion)
    queries.push(...versionQueries(target, target.previousVersion, 'p', whole.period, stats));
  gates.forEach((g, i) => {
    if (g.bound.kind === 'constant' || target.previousVersion)
      queries.push(...gateQueries(g, target, `g${i}`, PERIOD_SECONDS));
  });
  return { window: whole.window, queries };
}

const total = (s: MetricSeries | undefined) => (s?.values ?? []).reduce((a, b) => a + b, 0);

/** The mean of per-bucket averages, weighted by the bucket's invocations where known. */
function weightedMean(
  avg: MetricSeries | undefined,
  inv: MetricSeries | undefined,
): number | undefined {
  if (!avg || avg.values.length === 0) return undefined;
  let sum = 0;
  let weight = 0;
  avg.values.forEach((v, i) => {
    const at = inv ? inv.timestamps.indexOf(avg.timestamps[i]!) : -1;
    const w = at >= 0 ? (inv?.values[at] ?? 1) : 1;
    sum += v * w;
    weight += w;
  });
  return weight > 0 ? sum / weight : undefined;
}

/** One version's totals from the report's results. Percentiles of several buckets: the worst. */
export function readVersion(
  byId: Map<string, MetricSeries>,
  version: string,
  tag: string,
  stats: string[],
): VersionMetrics {
  const get = (id: string) => byId.get(`${tag}_${id}`);
  const requests = total(get('inv'));
  const errors = total(get('err'));
  const percentiles: Record<string, number> = {};
  for (const p of stats) {
    const values = byId.get(percentileId(tag, p))?.values ?? [];
    if (values.length > 0) percentiles[p] = Math.max(...values);
  }
  const avgDuration = weightedMean(get('avg'), get('inv'));
  return {
    version,
    requests,
    errors,
    ...(requests > 0 ? { errorRate: (100 * errors) / requests } : {}),
    throttles: total(get('thr')),
    ...(avgDuration !== undefined ? { avgDuration } : {}),
    percentiles,
  };
}

export interface ReportValues {
  newVersion: VersionMetrics;
  previousVersion?: VersionMetrics;
  /** Per gate index: its per-minute series (absent when it could not be queried). */
  gateSeries: (MetricSeries | undefined)[];
}

export function readReport(
  target: GateTarget,
  gates: Gate[],
  results: MetricSeries[],
): ReportValues {
  const byId = new Map(results.map((r) => [r.id, r]));
  const stats = statisticsOf(gates);
  return {
    newVersion: readVersion(byId, target.version, 'n', stats),
    ...(target.previousVersion
      ? { previousVersion: readVersion(byId, target.previousVersion, 'p', stats) }
      : {}),
    gateSeries: gates.map((_, i) => byId.get(`g${i}`)),
  };
}
