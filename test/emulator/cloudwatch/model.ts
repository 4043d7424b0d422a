// The emulated CloudWatch: synthetic traffic on Lambda aliases becomes the metrics Lambda
// publishes (docs/aws-semantics.md, CloudWatch), and metric alarms are evaluated at each minute
// of the emulator's clock. Time advances lazily: every call first catches up to `now()`.
import { evaluate, type Series } from './math.ts';
import { duration, MetricStore, metricKey, prng, type WireMetric } from './metrics.ts';

export interface WireQuery {
  Id: string;
  MetricStat?: { Metric: WireMetric; Period: number; Stat: string; Unit?: string };
  Expression?: string;
  Label?: string;
  ReturnData: boolean;
}

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export type Comparison =
  | 'GreaterThanOrEqualToThreshold'
  | 'GreaterThanThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold';

/** A validated PutMetricAlarm request, in the API's field names. */
export interface AlarmConfig {
  AlarmName: string;
  AlarmDescription?: string;
  ActionsEnabled: boolean;
  Namespace?: string;
  MetricName?: string;
  Dimensions?: WireMetric['Dimensions'];
  Statistic?: string;
  ExtendedStatistic?: string;
  Period?: number;
  Unit?: string;
  Metrics?: WireQuery[];
  EvaluationPeriods: number;
  DatapointsToAlarm: number;
  Threshold: number;
  ComparisonOperator: Comparison;
  TreatMissingData: 'missing' | 'notBreaching' | 'breaching' | 'ignore';
}

export interface AlarmRecord {
  config: AlarmConfig;
  state: AlarmState;
  stateReason: string;
  /** Epoch ms of the last state change. */
  stateSince: number;
  configuredAt: number;
  /** Its state is set from outside (a test's setAlarm), not evaluated from a metric. */
  manual?: boolean;
}

export interface TrafficSpec {
  requestsPerMinute: number;
  /** Share of requests throttled (0..1): counted in Throttles, in neither Invocations nor Errors. */
  throttleRate?: number;
}

export interface VersionBehaviour {
  /** Share of invocations that fail (0..1). Default 0. */
  errorRate?: number;
  /** Duration distribution (log-normal). Defaults 100 ms and 250 ms. */
  medianMs?: number;
  p99Ms?: number;
}

export interface CloudWatchModelOptions {
  /** Emulated epoch ms. */
  now(): number;
  /** The alias's split at `atMs`, version → weight (summing to 1); undefined: no such alias. */
  aliasWeights(
    fn: string,
    alias: string,
    atMs: number,
  ): Readonly<Record<string, number>> | undefined;
  seed?: number;
  region?: string;
  accountId?: string;
}

const MINUTE_MS = 60_000;
/** What Lambda publishes per invocation. */
const REQUEST_METRICS = ['Throttles', 'Invocations', 'Errors', 'Duration'] as const;
/** Catching up further than this after a clock jump would only burn CPU on empty minutes. */
const MAX_CATCH_UP_MINUTES = 7 * 24 * 60;

export class CloudWatchModel {
  readonly region: string;
  readonly accountId: string;
  readonly metrics = new MetricStore();
  readonly #opts: CloudWatchModelOptions;
  readonly #traffic = new Map<string, { fn: string; alias: string } & TrafficSpec>();
  readonly #behaviour = new Map<string, VersionBehaviour>();
  readonly #alarms = new Map<string, AlarmRecord>();
  #rand: () => number;
  /** Start of the first minute not generated yet. */
  #until: number;

  constructor(opts: CloudWatchModelOptions) {
    this.#opts = opts;
    this.region = opts.region ?? 'us-east-1';
    this.accountId = opts.accountId ?? '123456789012';
    this.#rand = prng(opts.seed ?? 1);
    this.#until = Math.floor(opts.now() / MINUTE_MS) * MINUTE_MS;
  }

  now(): number {
    return this.#opts.now();
  }

  // --- control surface --------------------------------------------------------------------

  /** Requests per minute on `fn:alias` from the next minute generated on; undefined stops it. */
  setTraffic(fn: string, alias: string, spec: TrafficSpec | undefined): void {
    this.tick();
    const key = `${fn}:${alias}`;
    if (spec) this.#traffic.set(key, { fn, alias, ...spec });
    else this.#traffic.delete(key);
  }

  setVersionBehaviour(fn: string, version: string, behaviour: VersionBehaviour): void {
    this.tick();
    this.#behaviour.set(`${fn}:${version}`, { ...behaviour });
  }

  /** Generates every whole minute up to now and evaluates the alarms at each minute's end. */
  tick(): void {
    const upTo = Math.floor(this.now() / MINUTE_MS) * MINUTE_MS;
    if (upTo - this.#until > MAX_CATCH_UP_MINUTES * MINUTE_MS)
      this.#until = upTo - MAX_CATCH_UP_MINUTES * MINUTE_MS;
    while (this.#until < upTo) {
      for (const t of this.#traffic.values()) this.#generate(t, this.#until);
      this.#until += MINUTE_MS;
      for (const a of this.#alarms.values()) this.#evaluateAlarm(a, this.#until);
    }
  }

  reset(seed = 1): void {
    this.#traffic.clear();
    this.#behaviour.clear();
    this.#alarms.clear();
    this.metrics.clear();
    this.#rand = prng(seed);
    this.#until = Math.floor(this.now() / MINUTE_MS) * MINUTE_MS;
  }

  /** For CodeDeploy's alarm polling: the alarm's state and since when, undefined if absent. */
  alarmState(name: string): { state: AlarmState; since: number } | undefined {
    this.tick();
    const a = this.#alarms.get(name);
    return a && { state: a.state, since: a.stateSince };
  }

  isInAlarm(name: string): boolean {
    return this.alarmState(name)?.state === 'ALARM';
  }

  // --- traffic ----------------------------------------------------------------------------

  #generate(t: { fn: string; alias: string } & TrafficSpec, minute: number): void {
    const n = Math.max(0, Math.round(t.requestsPerMinute));
    for (let i = 0; i < n; i++) {
      const at = minute + Math.floor(((i + 0.5) * MINUTE_MS) / n);
      const weights = this.#opts.aliasWeights(t.fn, t.alias, at);
      if (!weights) continue;
      const version = this.#pick(weights);
      if (version === undefined) continue;
      this.#request(t.fn, t.alias, version, at, this.#rand() < (t.throttleRate ?? 0));
    }
  }

  #pick(weights: Readonly<Record<string, number>>): string | undefined {
    const r = this.#rand();
    let acc = 0;
    let last: string | undefined;
    // for-in walks the keys in Object.entries' order, without making the pairs.
    for (const version in weights) {
      acc += weights[version]!;
      if (r < acc) return version;
      last = version;
    }
    return last;
  }

  /** The samples of one request, under the three dimension sets of an alias invocation. */
  #request(fn: string, alias: string, version: string, at: number, throttled: boolean): void {
    const keys = this.#requestKeys(fn, alias, version);
    const b = this.#behaviour.get(`${fn}:${version}`) ?? {};
    const failed = !throttled && this.#rand() < (b.errorRate ?? 0);
    const ms = throttled ? 0 : duration(this.#rand, b.medianMs ?? 100, b.p99Ms ?? 250);
    for (const k of keys) {
      this.metrics.recordAt(k.Throttles, at, throttled ? 1 : 0);
      if (throttled) continue;
      this.metrics.recordAt(k.Invocations, at, 1);
      this.metrics.recordAt(k.Errors, at, failed ? 1 : 0);
      this.metrics.recordAt(k.Duration, at, ms);
    }
  }

  readonly #keys = new Map<string, Record<(typeof REQUEST_METRICS)[number], string>[]>();

  /** The metric keys one request of `fn:alias` on `version` writes, made once. */
  #requestKeys(fn: string, alias: string, version: string) {
    // Names hold no newline (Lambda allows none): a cheaper key than JSON for every request.
    const id = `${fn}\n${alias}\n${version}`;
    let keys = this.#keys.get(id);
    if (!keys) {
      const dims = [
        [{ Name: 'FunctionName', Value: fn }],
        [
          { Name: 'FunctionName', Value: fn },
          { Name: 'Resource', Value: `${fn}:${alias}` },
        ],
        [
          { Name: 'FunctionName', Value: fn },
          { Name: 'Resource', Value: `${fn}:${alias}` },
          { Name: 'ExecutedVersion', Value: version },
        ],
      ];
      keys = dims.map(
        (Dimensions) =>
          Object.fromEntries(
            REQUEST_METRICS.map((MetricName) => [
              MetricName,
              metricKey({ Namespace: 'AWS/Lambda', MetricName, Dimensions }),
            ]),
          ) as Record<(typeof REQUEST_METRICS)[number], string>,
      );
      this.#keys.set(id, keys);
    }
    return keys;
  }

  // --- queries ----------------------------------------------------------------------------

  /** Every query's series (GetMetricData semantics), in dependency order. */
  runQueries(queries: WireQuery[], startMs: number, endMs: number): Map<string, Series> {
    this.tick();
    const byId = new Map(queries.map((q) => [q.Id, q]));
    const done = new Map<string, Series>();
    const visit = (id: string, path: string[]): Series | undefined => {
      const q = byId.get(id);
      if (!q) return undefined;
      const known = done.get(id);
      if (known) return known;
      if (path.includes(id)) return undefined;
      let s: Series;
      if (q.MetricStat) {
        const m = q.MetricStat;
        s = this.metrics.series(m.Metric, m.Stat, m.Period, startMs, endMs);
      } else {
        const v = evaluate(q.Expression ?? '', (ref) => visit(ref, [...path, id]));
        s = typeof v === 'number' ? new Map() : v;
      }
      done.set(id, s);
      return s;
    };
    for (const q of queries) visit(q.Id, []);
    return done;
  }

  // --- alarms -----------------------------------------------------------------------------

  putAlarm(config: AlarmConfig): void {
    this.tick();
    const now = this.now();
    const old = this.#alarms.get(config.AlarmName);
    // An update overwrites the configuration and leaves the state as it was (PutMetricAlarm).
    this.#alarms.set(config.AlarmName, {
      config,
      state: old?.state ?? 'INSUFFICIENT_DATA',
      stateReason: old?.stateReason ?? 'Unchecked: Initial alarm creation',
      stateSince: old?.stateSince ?? now,
      configuredAt: now,
    });
  }

  /**
   * An alarm on a metric the emulator does not model, put into `state` as SetAlarmState
   * would: made if absent, so DescribeAlarms sees what CodeDeploy's alarm polling sees.
   */
  setManualAlarm(name: string, state: AlarmState): void {
    this.tick();
    const now = this.now();
    const old = this.#alarms.get(name);
    this.#alarms.set(name, {
      config:
        old?.config ??
        ({
          AlarmName: name,
          ActionsEnabled: false,
          EvaluationPeriods: 1,
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
        } as AlarmConfig),
      state,
      stateReason: 'Set by the emulator control setAlarm.',
      stateSince: old?.state === state ? old.stateSince : now,
      configuredAt: old?.configuredAt ?? now,
      manual: true,
    });
  }

  deleteAlarms(names: string[]): void {
    this.tick();
    for (const n of names) this.#alarms.delete(n);
  }

  alarms(): AlarmRecord[] {
    this.tick();
    return [...this.#alarms.values()].sort((a, b) =>
      a.config.AlarmName < b.config.AlarmName ? -1 : 1,
    );
  }

  /** The values the alarm compares: its metric or its ReturnData expression, per period. */
  alarmSeries(c: AlarmConfig, startMs: number, endMs: number): Series {
    if (c.Metrics) {
      const out = this.runQueries(c.Metrics, startMs, endMs);
      const ret = c.Metrics.find((q) => q.ReturnData);
      return (ret && out.get(ret.Id)) ?? new Map();
    }
    const metric = {
      Namespace: c.Namespace ?? '',
      MetricName: c.MetricName ?? '',
      Dimensions: c.Dimensions ?? [],
    };
    const stat = c.ExtendedStatistic ?? c.Statistic ?? 'Average';
    return this.metrics.series(metric, stat, c.Period ?? 60, startMs, endMs);
  }

  #evaluateAlarm(a: AlarmRecord, at: number): void {
    if (a.manual) return;
    const c = a.config;
    const periodMs =
      (c.Metrics?.find((q) => q.MetricStat)?.MetricStat?.Period ?? c.Period ?? 60) * 1000;
    const start = at - c.EvaluationPeriods * periodMs;
    const points = [...this.alarmSeries(c, start, at)].sort((x, y) => x[0] - y[0]);
    const next = nextState(c, points, a.state);
    if (next.state !== a.state) {
      a.state = next.state;
      a.stateSince = at;
    }
    a.stateReason = next.reason;
  }
}

function breaches(op: Comparison, v: number, threshold: number): boolean {
  if (op === 'GreaterThanOrEqualToThreshold') return v >= threshold;
  if (op === 'GreaterThanThreshold') return v > threshold;
  if (op === 'LessThanThreshold') return v < threshold;
  return v <= threshold;
}

/** M out of N: missing periods count as TreatMissingData says. */
export function nextState(
  c: AlarmConfig,
  points: [number, number][],
  current: AlarmState,
): { state: AlarmState; reason: string } {
  const missing = Math.max(0, c.EvaluationPeriods - points.length);
  const bad = points.filter(([, v]) => breaches(c.ComparisonOperator, v, c.Threshold)).length;
  const counted = bad + (c.TreatMissingData === 'breaching' ? missing : 0);
  const shown = points.map(([t, v]) => `${v} (${new Date(t).toISOString()})`).join(', ');
  const summary = `${counted} out of the last ${c.EvaluationPeriods} datapoints [${shown}] crossed the threshold (${c.Threshold}) (minimum ${c.DatapointsToAlarm} datapoints for OK -> ALARM transition).`;
  if (counted >= c.DatapointsToAlarm)
    return { state: 'ALARM', reason: `Threshold Crossed: ${summary}` };
  if (points.length === 0) {
    if (c.TreatMissingData === 'notBreaching')
      return { state: 'OK', reason: 'no datapoints: treated as not breaching' };
    if (c.TreatMissingData === 'ignore')
      return { state: current, reason: 'no datapoints: state kept (ignore)' };
    if (c.TreatMissingData === 'missing')
      return {
        state: 'INSUFFICIENT_DATA',
        reason: 'Insufficient Data: no datapoints were received',
      };
  }
  return { state: 'OK', reason: `Threshold Crossed: ${summary}` };
}
