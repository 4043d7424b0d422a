// When to poll a CodeDeploy deployment: often around the moments a change is due, sparsely in
// between. Pure: the caller owns the clock, the sleeping and the AWS calls.
//
// A "moment" is when a change is due or was just seen:
// - the deployment's creation;
// - every observed change (changes come in bursts: a shift, then a hook, then the end);
// - every expected traffic shift: routingSteps offsets from the latest shift we have seen. A
//   shift seen at one poll happened after the poll before it (and not before we expected it),
//   so that is the anchor: expecting the next shift from there is never late, and the burst that
//   follows (1 s, 2 s, 4 s...) finds it quickly. The expected end coincides with the last shift
//   (the AfterAllowTraffic hook runs then, and its outcome is an observed change).
// After a moment: a burst of 1 s for 3 s, then doubling (4 s, 8 s, 16 s...) up to maxIntervalMs. An
// intermediate shift the strategy announced is not a moment of its own (nothing follows it). Otherwise: sleep until
// 300 ms after the next expected moment, capped at maxIntervalMs. Never below minIntervalMs.
import type { TrafficRouting } from '../strategy.ts';
import { routingSteps } from '../strategy.ts';

export interface ScheduleOptions {
  routing?: TrafficRouting;
  maxIntervalMs: number;
  /** Default 1000, never below: GetDeployment is polled at most once a second. */
  minIntervalMs?: number;
  /** Default Math.random. */
  random?: () => number;
}

/** AWS tolerance: no faster than one GetDeployment a second. */
export const MIN_POLL_INTERVAL_MS = 1000;
/** First delay of a burst; each next one doubles. */
const BURST_FIRST_MS = 1000;
/** For this long after a moment, poll every BURST_FIRST_MS. */
const BURST_STEADY_MS = 3000;
/** How long after an expected moment to look. */
const AFTER_MOMENT_MS = 300;
/** ±10% jitter, only on delays above 2 s. */
const JITTER = 0.1;
const JITTER_ABOVE_MS = 2000;
/** A sleep aimed at an expected moment is jittered by at most this, so it lands within 0.05–0.55 s after the moment. */
const MOMENT_JITTER_MAX_MS = 250;
const MINUTE_MS = 60_000;

export class PollSchedule {
  private readonly start: number;
  private readonly steps: { atMinute: number; percent: number }[];
  private readonly minMs: number;
  private readonly maxMs: number;
  private readonly random: () => number;
  private lastChangeAt: number | undefined;
  private lastPercent: number | undefined;
  private lastPercentAt: number | undefined;
  /** The earliest time the latest seen shift could have happened, and its step's offset. */
  private anchor: { at: number; atMinute: number } | undefined;

  constructor(start: number, opts: ScheduleOptions) {
    this.start = start;
    this.steps = opts.routing ? routingSteps(opts.routing) : [];
    this.minMs = Math.max(MIN_POLL_INTERVAL_MS, opts.minIntervalMs ?? MIN_POLL_INTERVAL_MS);
    this.maxMs = Math.max(this.minMs, opts.maxIntervalMs);
    this.random = opts.random ?? Math.random;
  }

  /** Record one poll: `changed` = something differed from the previous poll (status, traffic %, a hook's status); newPercent = traffic % on the new version seen. */
  observe(now: number, seen: { changed: boolean; newPercent?: number }): void {
    let changed = seen.changed;
    const p = seen.newPercent;
    if (p !== undefined && Number.isFinite(p)) {
      const before = this.lastPercent;
      const moved = before === undefined ? p > 0 : Math.abs(p - before) > 0.01;
      if (moved) {
        const expectedStep = p > 0 && (before === undefined || p > before) && this.anchorShift(p);
        // A shift the strategy announced, with more to come, starts no burst: nothing else is
        // due until the next step. The last one (the end follows) or a surprise does.
        if (!expectedStep || p >= 100) changed = true;
      }
      this.lastPercent = p;
      this.lastPercentAt = now;
    }
    if (changed) this.lastChangeAt = now;
  }

  /** How long to sleep (ms) before the next poll. */
  nextDelay(now: number): number {
    // The burst: every second for the first few seconds after a moment (the end usually follows
    // the last shift within seconds), then double the time since it (4 s, 8 s, 16 s...).
    const since = now - this.latestMoment(now);
    const burst = since < BURST_STEADY_MS ? BURST_FIRST_MS : since + BURST_FIRST_MS;
    let delay = Math.min(burst, this.maxMs);
    let aimed = false;
    const next = this.nextMoment(now);
    if (next !== undefined && next + AFTER_MOMENT_MS - now <= delay) {
      delay = next + AFTER_MOMENT_MS - now;
      aimed = true;
    }
    if (delay > JITTER_ABOVE_MS) {
      const spread = aimed ? Math.min(delay * JITTER, MOMENT_JITTER_MAX_MS) : delay * JITTER;
      delay += (this.random() * 2 - 1) * spread;
    }
    return Math.round(Math.min(this.maxMs, Math.max(this.minMs, delay)));
  }

  /** Whether one of the strategy's shifts was due after `since` and by `now` (the alias is worth a read). */
  shiftDue(since: number, now: number): boolean {
    return this.expected().some((t) => t > since && t <= now);
  }

  /** A new traffic % was seen: anchor the expected shifts that follow it. True when it was one of the strategy's steps. */
  private anchorShift(percent: number): boolean {
    if (this.steps.length === 0) return false;
    let best: { atMinute: number; percent: number } | undefined;
    for (const s of this.steps) {
      const off = Math.abs(s.percent - percent);
      if (off < 1 && (!best || off < Math.abs(best.percent - percent))) best = s;
    }
    if (!best && this.anchor) return false; // an unexpected %: keep the anchor we have
    const atMinute = best?.atMinute ?? 0; // ...or, with none yet, take it for the first shift
    // The shift happened after the previous poll, and (CodeDeploy never shifts early) not before
    // the time we expected it: the later of the two is the earliest it can have happened.
    let at = Math.max(this.start, this.lastPercentAt ?? this.start);
    const a = this.anchor;
    if (a && atMinute > a.atMinute) at = Math.max(at, a.at + (atMinute - a.atMinute) * MINUTE_MS);
    this.anchor = { at, atMinute };
    return best !== undefined;
  }

  /** Expected shift times after the anchor, ascending. */
  private expected(): number[] {
    const a = this.anchor;
    if (!a) return [];
    return this.steps
      .filter((s) => s.atMinute > a.atMinute)
      .map((s) => a.at + (s.atMinute - a.atMinute) * MINUTE_MS);
  }

  private latestMoment(now: number): number {
    let latest = this.start;
    if (this.lastChangeAt !== undefined) latest = Math.max(latest, this.lastChangeAt);
    for (const t of this.expected()) if (t <= now) latest = Math.max(latest, t);
    return latest;
  }

  private nextMoment(now: number): number | undefined {
    return this.expected().find((t) => t > now);
  }
}
