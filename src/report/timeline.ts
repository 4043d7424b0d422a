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

function inferEvent(
  r: ReleaseResult,
  prev: number | undefined,
  cur: number,
  /** The first rise, after a BeforeAllowTraffic hook that succeeded. */
  afterHook: boolean,
): string {
  if (prev === undefined) {
    if (cur === 0) return r.deploymentId ? 'deployment started' : '';
    return r.deploymentId ? 'shift' : 'alias moved';
  }
  if (cur > prev) {
    const move = cur >= 100 ? 'all traffic' : 'shift';
    return afterHook ? `BeforeAllowTraffic passed · ${move}` : move;
  }
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

/** The rows to show, ending where the alias is now. Empty when no traffic ever moved. */
export function timelineRows(r: ReleaseResult): TimelineRow[] {
  const points: TrafficPoint[] = collapse(r.timeline);
  const now = shareOf(r.finalAlias, r.version);
  if (now !== undefined && points.at(-1)?.newPercent !== now) {
    points.push({ at: Math.max(r.endedAt, points.at(-1)?.at ?? r.endedAt), newPercent: now });
  }
  const passed = r.hooks.some((h) => h.hook === 'BeforeAllowTraffic' && h.status === 'Succeeded');
  let rose = false;
  const rows = points.map((p, i) => {
    const prev = points[i - 1]?.newPercent;
    const firstRise = !rose && prev !== undefined && p.newPercent > prev;
    if (prev !== undefined && p.newPercent > prev) rose = true;
    const event = p.event
      ? eventWords(r, p.event)
      : inferEvent(r, prev, p.newPercent, firstRise && passed);
    return { at: p.at, percent: p.newPercent, event };
  });
  return rows.some((row) => row.percent > 0) ? rows : [];
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
