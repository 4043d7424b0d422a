// Metric storage for the emulated CloudWatch: every sample Lambda would publish, by metric
// (namespace, name, exact dimension set) and minute. Statistics are computed from the samples.
import type { Series } from './math.ts';

export interface WireDimension {
  Name: string;
  Value: string;
}

export interface WireMetric {
  Namespace: string;
  MetricName: string;
  Dimensions: WireDimension[];
}

const MINUTE_MS = 60_000;

/** CloudWatch matches a metric on its exact dimension set, whatever the order given. */
export function metricKey(m: WireMetric): string {
  const dims = [...m.Dimensions].sort((a, b) => a.Name.localeCompare(b.Name));
  return JSON.stringify([m.Namespace, m.MetricName, dims.map((d) => [d.Name, d.Value])]);
}

export const PERCENTILE = /^p(\d{1,2}(\.\d{1,2})?|100)$/;

/** Sum, Average, SampleCount, Minimum, Maximum or pNN (nearest rank; CloudWatch approximates). */
export function statistic(stat: string, samples: number[]): number | undefined {
  if (samples.length === 0) return undefined;
  const sum = samples.reduce((a, b) => a + b, 0);
  if (stat === 'Sum') return sum;
  if (stat === 'SampleCount') return samples.length;
  if (stat === 'Average') return sum / samples.length;
  if (stat === 'Minimum') return Math.min(...samples);
  if (stat === 'Maximum') return Math.max(...samples);
  const p = PERCENTILE.exec(stat);
  if (!p) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((Number(p[1]) / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/**
 * The stored minutes in [startMs, endMs): minute by minute through the window when it is the
 * shorter walk (an alarm is evaluated every emulated minute over a few periods, and a long
 * release at a high time scale has a long history), else through the history.
 */
function* inWindow(
  minutes: Map<number, number[]>,
  startMs: number,
  endMs: number,
): Iterable<[number, number[]]> {
  const first = Math.ceil(startMs / MINUTE_MS) * MINUTE_MS;
  if ((endMs - first) / MINUTE_MS <= minutes.size) {
    for (let minute = first; minute < endMs; minute += MINUTE_MS) {
      const samples = minutes.get(minute);
      if (samples) yield [minute, samples];
    }
    return;
  }
  for (const entry of minutes) if (entry[0] >= startMs && entry[0] < endMs) yield entry;
}

export class MetricStore {
  readonly #data = new Map<string, Map<number, number[]>>();

  /** One sample at `atMs`; its datapoint is the minute the invocation started in. */
  record(metric: WireMetric, atMs: number, value: number): void {
    this.recordAt(metricKey(metric), atMs, value);
  }

  /** record() with the metric's key already made (metricKey): synthetic traffic makes many. */
  recordAt(key: string, atMs: number, value: number): void {
    let minutes = this.#data.get(key);
    if (!minutes) {
      minutes = new Map();
      this.#data.set(key, minutes);
    }
    const minute = Math.floor(atMs / MINUTE_MS) * MINUTE_MS;
    const samples = minutes.get(minute);
    if (samples) samples.push(value);
    else minutes.set(minute, [value]);
  }

  /** The statistic per period from `startMs` (inclusive) to `endMs` (exclusive); empty periods absent. */
  series(
    metric: WireMetric,
    stat: string,
    periodS: number,
    startMs: number,
    endMs: number,
  ): Series {
    const out: Series = new Map();
    const minutes = this.#data.get(metricKey(metric));
    if (!minutes) return out;
    const periodMs = periodS * 1000;
    const buckets = new Map<number, number[]>();
    for (const [minute, samples] of inWindow(minutes, startMs, endMs)) {
      const bucket = startMs + Math.floor((minute - startMs) / periodMs) * periodMs;
      const all = buckets.get(bucket) ?? [];
      for (const s of samples) all.push(s);
      buckets.set(bucket, all);
    }
    for (const [bucket, samples] of buckets) {
      const v = statistic(stat, samples);
      if (v !== undefined) out.set(bucket, v);
    }
    return out;
  }

  clear(): void {
    this.#data.clear();
  }
}

/** mulberry32: a small seeded PRNG, so synthetic traffic repeats from one run to the next. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A log-normal duration with the given median and p99 (ms), from two uniform draws. */
export function duration(rand: () => number, medianMs: number, p99Ms: number): number {
  const sigma = Math.log(Math.max(p99Ms, medianMs) / medianMs) / 2.3263;
  const z = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return Math.round(medianMs * Math.exp(sigma * z) * 100) / 100;
}
