// The traffic as the release saw it move: one row per change, what moved it, and always a
// last row at where the alias is now (read back at the end), so the table never stops at a
// point the traffic has since left.

import type { ReleaseResult, TrafficEvent, TrafficPoint } from '../release/result.ts';
import { shareOf } from './headline.ts';
import { formatPercent } from './progress.ts';

export interface TimelineRow {
  at: number;
  percent: number;
  /** What moved it, in words; '' when nothing is known. */
  event: string;
}

const HEAD = 20;
const TAIL = 20;

const WORDS: Record<TrafficEvent, string> = {
  start: 'deployment started',
  shift: 'shift',
  alarm: 'alarm · rollback',
  hook: 'hook failed · rollback',
  timeout: 'timeout · rollback',
  cancel: 'cancel · rollback',
  rollback: 'rollback',
  other: 'moved by someone else',
};

/** A known event in words; a failed hook by its name. */
function eventWords(r: ReleaseResult, event: TrafficEvent): string {
  const hook = r.cause?.failedHook;
  return event === 'hook' && hook ? `${hook} failed · rollback` : WORDS[event];
}

/** Consecutive points with the same share collapse into the first of them. */
function collapse(points: TrafficPoint[]): TrafficPoint[] {
  const sorted = [...points].sort((a, b) => a.at - b.at);
  const out: TrafficPoint[] = [];
  for (const p of sorted) {
    if (out.at(-1)?.newPercent !== p.newPercent) out.push(p);
  }
  return out;
}

/** Why the share fell, from the cause. */
function fallReason(r: ReleaseResult): string {
  const c = r.cause;
  if (c?.alarms && c.alarms.length > 0) return 'alarm';
  if (c?.code === 'CANCELLED') return 'cancel';
  if (c?.code === 'TIMEOUT') return 'timeout';
  if (c?.failedHook) return `${c.failedHook} failed`;
  return '';
}

function inferEvent(r: ReleaseResult, prev: number | undefined, cur: number): string {
  if (prev === undefined) {
    if (cur === 0) return r.deploymentId ? 'deployment started' : '';
    return r.deploymentId ? 'shift' : 'alias moved';
  }
  if (cur > prev) return cur >= 100 ? 'all traffic' : 'shift';
  if (cur < prev) {
    const back =
      cur === 0
        ? r.rollbackDeploymentId || r.rolledBack
          ? 'rollback'
          : 'back to the old version'
        : 'share fell';
    return [fallReason(r), back].filter((w) => w !== '').join(' · ');
  }
  return '';
}

/**
 * A hook that passed, as a row of its own at the time the action saw it pass, with the share
 * the traffic had then: one row says one event at its time. (A failed hook is the reason of
 * the fall that follows it.) BeforeAllowTraffic runs before any shift, AfterAllowTraffic after
 * the last, so at equal times they sort before and after the traffic rows.
 */
function hookRows(r: ReleaseResult, points: TrafficPoint[]): (TimelineRow & { rank: number })[] {
  return r.hooks
    .filter((h) => h.status === 'Succeeded' && h.seenAt !== undefined)
    .map((h) => ({
      at: h.seenAt!,
      percent: points.filter((p) => p.at <= h.seenAt!).at(-1)?.newPercent ?? 0,
      event: `${h.hook} passed`,
      rank: h.hook === 'BeforeAllowTraffic' ? -1 : 1,
    }));
}

/** The rows to show, ending where the alias is now. Empty when no traffic ever moved. */
export function timelineRows(r: ReleaseResult): TimelineRow[] {
  const points: TrafficPoint[] = collapse(r.timeline);
  const now = shareOf(r.finalAlias, r.version);
  if (now !== undefined && points.at(-1)?.newPercent !== now) {
    points.push({ at: Math.max(r.endedAt, points.at(-1)?.at ?? r.endedAt), newPercent: now });
  }
  const traffic = points.map((p, i) => {
    const prev = points[i - 1]?.newPercent;
    const event = p.event ? eventWords(r, p.event) : inferEvent(r, prev, p.newPercent);
    return { at: p.at, percent: p.newPercent, event, rank: 0 };
  });
  if (!traffic.some((row) => row.percent > 0)) return [];
  return [...traffic, ...hookRows(r, points)]
    .sort((a, b) => a.at - b.at || a.rank - b.rank)
    .map(({ at, percent, event }) => ({ at, percent, event }));
}

/** A ten-cell bar: `█░░░░░░░░░` for 10%. */
export function bar(percent: number): string {
  const cells = Number.isFinite(percent) ? Math.round(Math.min(100, Math.max(0, percent)) / 10) : 0;
  return `${'█'.repeat(cells)}${'░'.repeat(10 - cells)}`;
}

export function percentText(percent: number): string {
  return Number.isFinite(percent) ? `${formatPercent(percent)}%` : '?';
}

/** The first and last rows with a count of those left out between them, when there are many. */
export function capRows<T>(rows: T[]): { head: T[]; skipped: number; tail: T[] } {
  if (rows.length <= HEAD + TAIL + 1) return { head: rows, skipped: 0, tail: [] };
  return { head: rows.slice(0, HEAD), skipped: rows.length - HEAD - TAIL, tail: rows.slice(-TAIL) };
}
