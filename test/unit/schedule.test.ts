import { describe, expect, it } from 'vitest';
import { PollSchedule, type ScheduleOptions } from '../../src/release/schedule.ts';
import type { TrafficRouting } from '../../src/strategy.ts';

const S = 1000;
const MIN = 60 * S;

const canary10x5: TrafficRouting = { type: 'TimeBasedCanary', percentage: 10, intervalMinutes: 5 };
const linear10x1: TrafficRouting = { type: 'TimeBasedLinear', percentage: 10, intervalMinutes: 1 };

/** A small seeded PRNG so the jitter is reproducible. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A deployment as CodeDeploy would run it: traffic shifts and other changes (status, hooks), then the end. */
interface Timeline {
  /** [time ms, % on the new version from then on] */
  shifts: [number, number][];
  /** times of other observable changes (status, hook results) */
  events: number[];
  endAt: number;
}

function simulate(timeline: Timeline, opts: ScheduleOptions, start = 0) {
  const schedule = new PollSchedule(start, opts);
  const polls: number[] = [];
  const delays: number[] = [];
  let prev: string | undefined;
  let t = start;
  for (let i = 0; i < 100_000; i++) {
    const percent = timeline.shifts.filter(([at]) => at <= t).reduce((_, [, p]) => p, 0);
    const events = timeline.events.filter((at) => at <= t).length;
    const ended = t >= timeline.endAt;
    // Like watch.ts: `changed` covers status and hooks; the schedule judges traffic itself.
    const state = JSON.stringify([events, ended]);
    schedule.observe(t, { changed: prev !== undefined && state !== prev, newPercent: percent });
    prev = state;
    polls.push(t);
    if (ended) break;
    const d = schedule.nextDelay(t);
    delays.push(d);
    t += d;
  }
  return { polls, delays };
}

/** How long after `at` the first poll came. */
function lagAfter(polls: number[], at: number): number {
  const first = polls.find((p) => p >= at);
  if (first === undefined) throw new Error(`no poll after ${at}`);
  return first - at;
}

// Canary10Percent5Minutes without hooks: traffic moves a second after creation, the rest 5 minutes later.
const canaryFast: Timeline = {
  shifts: [
    [1200, 10],
    [1200 + 5 * MIN + 300, 100],
  ],
  events: [800, 5 * MIN + 3 * S],
  endAt: 5 * MIN + 4 * S,
};

// The same with a 20 s BeforeAllowTraffic and a 30 s AfterAllowTraffic hook: about 6 minutes.
const canaryHooks: Timeline = {
  shifts: [
    [20_300, 10],
    [20_300 + 5 * MIN + 500, 100],
  ],
  events: [800, 20 * S, 5 * MIN + 51 * S],
  endAt: 5 * MIN + 52 * S,
};

describe('PollSchedule: Canary10Percent5Minutes', () => {
  for (const [name, timeline] of [
    ['no hooks', canaryFast],
    ['with hooks', canaryHooks],
  ] as const) {
    it(`${name}: fewer than 45 polls with max 15 s (a fixed 5 s poller makes ~70), never faster than 1 s, never slower than 15 s`, () => {
      const { polls, delays } = simulate(timeline, {
        routing: canary10x5,
        maxIntervalMs: 15 * S,
        random: seeded(1),
      });
      expect(polls.length).toBeLessThan(45);
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(1000);
      expect(Math.max(...delays)).toBeLessThanOrEqual(15 * S);
      // the end is seen soon after it happens
      expect(lagAfter(polls, timeline.endAt)).toBeLessThanOrEqual(4 * S);
    });

    it(`${name}: fewer polls with max 60 s`, () => {
      const p15 = simulate(timeline, {
        routing: canary10x5,
        maxIntervalMs: 15 * S,
        random: seeded(2),
      });
      const p60 = simulate(timeline, {
        routing: canary10x5,
        maxIntervalMs: 60 * S,
        random: seeded(2),
      });
      expect(p60.polls.length).toBeLessThan(p15.polls.length);
      expect(Math.max(...p60.delays)).toBeLessThanOrEqual(60 * S);
    });
  }

  it('polls within 1.5 s after the 5-minute shift', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const { polls } = simulate(canaryFast, {
        routing: canary10x5,
        maxIntervalMs: 15 * S,
        random: seeded(seed),
      });
      const shift = canaryFast.shifts[1]![0];
      expect(lagAfter(polls, shift)).toBeLessThanOrEqual(1500);
    }
  });

  it('with a slow hook before the first shift, the 5-minute shift is still found within a few seconds', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const { polls } = simulate(canaryHooks, {
        routing: canary10x5,
        maxIntervalMs: 15 * S,
        random: seeded(seed),
      });
      expect(lagAfter(polls, canaryHooks.shifts[1]![0])).toBeLessThanOrEqual(8 * S);
    }
  });

  it('polls quickly after the first shift and between the hooks', () => {
    const { polls } = simulate(canaryFast, {
      routing: canary10x5,
      maxIntervalMs: 15 * S,
      random: seeded(3),
    });
    expect(lagAfter(polls, canaryFast.shifts[0]![0])).toBeLessThanOrEqual(2 * S);
    // sparse in the middle of the canary wait
    const middle = polls.filter((p) => p > 2 * MIN && p < 4 * MIN);
    expect(middle.length).toBeLessThanOrEqual(10);
  });

  it('with max 1 s every delay is 1 s', () => {
    const { delays } = simulate(canaryHooks, {
      routing: canary10x5,
      maxIntervalMs: 1000,
      random: seeded(4),
    });
    expect(new Set(delays)).toEqual(new Set([1000]));
  });
});

describe('PollSchedule: linear', () => {
  it('finds each of the nine shifts of Linear10PercentEvery1Minute quickly', () => {
    // CodeDeploy runs a little late on each step
    const shifts: [number, number][] = Array.from({ length: 10 }, (_, k) => [
      1500 + k * (MIN + 400),
      (k + 1) * 10,
    ]);
    const last = shifts[9]![0];
    const timeline: Timeline = { shifts, events: [700, last + 2 * S], endAt: last + 3 * S };
    for (let seed = 1; seed <= 20; seed++) {
      const { polls } = simulate(timeline, {
        routing: linear10x1,
        maxIntervalMs: 15 * S,
        random: seeded(seed),
      });
      // each step 0.4 s late, and still seen within 2.5 s
      for (const [at] of shifts.slice(1)) expect(lagAfter(polls, at)).toBeLessThanOrEqual(2500);
      expect(polls.length).toBeLessThan(100);
    }
  });
});

describe('PollSchedule: rules', () => {
  it('bursts every second for 3 s after a change, then doubles up to the cap', () => {
    const s = new PollSchedule(0, { maxIntervalMs: 15 * S, random: () => 0.5 });
    const delays: number[] = [];
    let t = 0;
    for (let i = 0; i < 10; i++) {
      s.observe(t, { changed: false });
      const d = s.nextDelay(t);
      delays.push(d);
      t += d;
    }
    expect(delays).toEqual([1000, 1000, 1000, 4000, 8000, 15000, 15000, 15000, 15000, 15000]);
    s.observe(t, { changed: true });
    expect(s.nextDelay(t)).toBe(1000);
  });

  it('a new traffic % counts as a change even when `changed` is false', () => {
    const s = new PollSchedule(0, { maxIntervalMs: 15 * S, random: () => 0.5 });
    s.observe(0, { changed: false, newPercent: 0 });
    s.observe(100 * S, { changed: false, newPercent: 0 });
    expect(s.nextDelay(100 * S)).toBe(15 * S);
    s.observe(115 * S, { changed: false, newPercent: 10 });
    expect(s.nextDelay(115 * S)).toBe(1000);
  });

  it('sleeps until just after the next expected shift', () => {
    const s = new PollSchedule(0, {
      routing: canary10x5,
      maxIntervalMs: 60 * S,
      random: () => 0.5,
    });
    s.observe(0, { changed: false, newPercent: 0 });
    s.observe(1000, { changed: true, newPercent: 10 });
    // the shift happened after the poll at 0: the next one is due 5 minutes after that
    let t = 1000;
    for (let i = 0; i < 100 && t < 5 * MIN; i++) {
      const d = s.nextDelay(t);
      t += d;
      s.observe(t, { changed: false, newPercent: 10 });
    }
    expect(t).toBe(5 * MIN + 300);
  });

  it('jitters delays above 2 s by at most 10%, never below min or above max', () => {
    for (const r of [0, 0.25, 0.5, 0.75, 0.9999]) {
      const s = new PollSchedule(0, { maxIntervalMs: 15 * S, random: () => r });
      let t = 0;
      for (let i = 0; i < 8; i++) {
        s.observe(t, { changed: false });
        // the burst: 1 s for the first 3 s, then the time since the moment plus 1 s
        const base = t < 3000 ? 1000 : Math.min(15 * S, t + 1000);
        const d = s.nextDelay(t);
        if (base <= 2000) expect(d).toBe(base);
        else {
          expect(d).toBeGreaterThanOrEqual(Math.floor(base * 0.9));
          expect(d).toBeLessThanOrEqual(Math.min(15 * S, Math.ceil(base * 1.1)));
        }
        if (r === 0.5) expect(d).toBe(base);
        t += d;
      }
    }
  });

  it('never below minIntervalMs, which is at least 1 s', () => {
    const fast = new PollSchedule(0, { maxIntervalMs: 10 * S, minIntervalMs: 100 });
    fast.observe(0, { changed: true });
    expect(fast.nextDelay(0)).toBe(1000);
    const slow = new PollSchedule(0, {
      maxIntervalMs: 10 * S,
      minIntervalMs: 3000,
      random: () => 0,
    });
    slow.observe(0, { changed: true });
    expect(slow.nextDelay(0)).toBe(3000);
    // a max below the min is raised to the min
    const odd = new PollSchedule(0, { maxIntervalMs: 10, random: () => 0.9 });
    odd.observe(0, { changed: false });
    expect(odd.nextDelay(0)).toBe(1000);
  });

  it('before any poll, polls at once (at the minimum)', () => {
    expect(new PollSchedule(0, { maxIntervalMs: 15 * S }).nextDelay(0)).toBe(1000);
  });

  it('is deterministic for the same inputs', () => {
    const a = simulate(canaryHooks, {
      routing: canary10x5,
      maxIntervalMs: 15 * S,
      random: seeded(7),
    });
    const b = simulate(canaryHooks, {
      routing: canary10x5,
      maxIntervalMs: 15 * S,
      random: seeded(7),
    });
    expect(a).toEqual(b);
  });

  it('all-at-once and unknown routing: bursts around changes, the cap in between', () => {
    const timeline: Timeline = {
      shifts: [[40 * S, 100]],
      events: [500, 39 * S, 90 * S],
      endAt: 91 * S,
    };
    for (const routing of [{ type: 'AllAtOnce' } as const, undefined]) {
      const { polls, delays } = simulate(timeline, {
        ...(routing ? { routing } : {}),
        maxIntervalMs: 15 * S,
        random: seeded(9),
      });
      expect(Math.max(...delays)).toBeLessThanOrEqual(15 * S);
      expect(lagAfter(polls, 91 * S)).toBeLessThanOrEqual(15 * S);
      expect(polls.length).toBeLessThan(30);
    }
  });

  it('works with real epoch times', () => {
    const start = Date.UTC(2026, 0, 1);
    const shifted: Timeline = {
      shifts: canaryFast.shifts.map(([at, p]) => [start + at, p]),
      events: canaryFast.events.map((at) => start + at),
      endAt: start + canaryFast.endAt,
    };
    const { polls } = simulate(
      shifted,
      { routing: canary10x5, maxIntervalMs: 15 * S, random: seeded(1) },
      start,
    );
    expect(polls.length).toBeLessThan(40);
    expect(lagAfter(polls, shifted.shifts[1]![0])).toBeLessThanOrEqual(1500);
  });
});
