// The traffic of a release of several functions as it moved, with the waves and bakes between.
//
// Two layouts were built and looked at, rendered as GitHub renders them (npm run summaries
// draws both): one table per wave with a row per change (`perWaveTimeline`), and one table
// with a column per function (`columnTimeline`). The per-wave tables are shown. Each of their
// rows names its function and event and draws the share with the single report's bar, and a
// wave's heading and the bake after it frame when each wave ran. The column table, already at
// three functions, wrapped its headers and times in GitHub's 1012 px column, left most cells
// blank and said each change only as a number; a release may have 25 functions, which no
// column layout fits. It stays here, tested, for the comparison.
import type { EntryResult, FleetResult, WaveResult } from '../release/result.ts';
import { functionNameOf } from '../settings/function-ref.ts';
import { escapeMarkdown, inlineCode, truncate } from './escape.ts';
import { markdownPiece } from './headline.ts';
import { bar, capRows, percentText, timelineRows } from './timeline.ts';
import { clock, formatDuration, formatMinutes } from './words.ts';

const MAX_NAME = 80;

interface Point {
  at: number;
  entry: EntryResult;
  percent: number;
  event: string;
}

/** A short, distinct name for each entry: the function, with its region or alias when shared. */
export function shortNames(entries: EntryResult[]): Map<EntryResult, string> {
  const fn = (e: EntryResult) => functionNameOf(e.functionName);
  const count = (f: (e: EntryResult) => string) => (e: EntryResult) =>
    entries.filter((x) => f(x) === f(e)).length;
  const byFn = count(fn);
  const byRegionFn = count((e) => `${e.region}/${fn(e)}`);
  return new Map(
    entries.map((e) => [
      e,
      byFn(e) === 1 ? fn(e) : byRegionFn(e) === 1 ? `${e.region}/${fn(e)}` : e.key,
    ]),
  );
}

/** Every traffic change of the entries, in time order. */
function points(entries: EntryResult[]): Point[] {
  return entries
    .flatMap((entry) => timelineRows(entry).map((row) => ({ ...row, entry })))
    .sort((a, b) => a.at - b.at);
}

/** The waves that moved traffic (a dry run or a release refused in preflight ran none). */
function ranWaves(f: FleetResult): WaveResult[] {
  return f.waves.filter((w) => w.startedAt !== undefined && points(inWave(f, w)).length > 0);
}

function inWave(f: FleetResult, w: WaveResult): EntryResult[] {
  return f.entries.filter((e) => e.wave === w.wave);
}

function since(f: FleetResult, at: number): string {
  return `+${formatDuration(at - f.startedAt)}`;
}

function version(e: EntryResult): string {
  return e.version !== undefined ? markdownPiece({ version: truncate(e.version, 60) }) : '';
}

/** The bake after a wave, in a sentence, when one ran. */
function bakeLine(f: FleetResult, w: WaveResult): string | undefined {
  if (w.bakeEndedAt === undefined || w.endedAt === undefined) return undefined;
  const took = w.bakeEndedAt - w.endedAt;
  const short = took < f.bakeMinutes * 60_000 ? ` of ${formatMinutes(f.bakeMinutes)}` : '';
  return `Baked ${formatDuration(took)}${short} after wave ${w.wave}, ${clock(w.endedAt)}–${clock(w.bakeEndedAt)} UTC.`;
}

/** One table per wave: a row per change, naming its function. */
export function perWaveTimeline(f: FleetResult): string[] {
  const names = shortNames(f.entries);
  const blocks: string[] = [];
  for (const w of ranWaves(f)) {
    const rows = points(inWave(f, w));
    const { head, skipped, tail } = capRows(rows);
    const line = (p: Point) =>
      `| ${clock(p.at)} | ${since(f, p.at)} | ${inlineCode(truncate(names.get(p.entry)!, MAX_NAME))} | ${escapeMarkdown(p.event)} | ${bar(p.percent)} ${percentText(p.percent)} ${version(p.entry)} |`;
    const ended = w.endedAt !== undefined ? `, ended ${clock(w.endedAt)} UTC` : '';
    blocks.push(
      `**Wave ${w.wave}**: started ${clock(w.startedAt!)} UTC (${since(f, w.startedAt!)})${ended}.`,
      [
        '| Time (UTC) | Since start | Function | Event | On the new version |',
        '|---|---:|---|---|---:|',
        ...head.map(line),
        ...(skipped > 0 ? [`| … | … | … | ${skipped} more changes | … |`] : []),
        ...tail.map(line),
      ].join('\n'),
    );
    const bake = bakeLine(f, w);
    if (bake) blocks.push(bake);
  }
  return blocks;
}

/** Up to this many functions get a column each; more would be too narrow to read. */
export const MAX_COLUMNS = 6;

/** One table, a column per function; a cell shows the share where that function's changed. */
export function columnTimeline(f: FleetResult): string[] {
  const waves = ranWaves(f);
  const entries = f.entries.filter((e) => waves.some((w) => w.wave === e.wave));
  if (waves.length === 0 || entries.length > MAX_COLUMNS) return [];
  const names = shortNames(entries);
  type Row = { at: number; event: string; cells: Map<EntryResult, string> };
  const rows: Row[] = [];
  for (const w of waves) {
    rows.push({ at: w.startedAt!, event: `wave ${w.wave} started`, cells: new Map() });
    for (const p of points(inWave(f, w)))
      rows.push({
        at: p.at,
        event: `${escapeMarkdown(names.get(p.entry)!)}: ${escapeMarkdown(p.event)}`,
        cells: new Map([[p.entry, `${percentText(p.percent)} ${version(p.entry)}`]]),
      });
    if (w.bakeEndedAt !== undefined && w.endedAt !== undefined)
      rows.push({ at: w.bakeEndedAt, event: `bake after wave ${w.wave} ended`, cells: new Map() });
  }
  const { head, skipped, tail } = capRows(rows);
  const line = (r: Row) =>
    `| ${clock(r.at)} | ${since(f, r.at)} | ${r.event} | ${entries.map((e) => r.cells.get(e) ?? '').join(' | ')} |`;
  return [
    [
      `| Time (UTC) | Since start | Event | ${entries.map((e) => inlineCode(truncate(names.get(e)!, MAX_NAME))).join(' | ')} |`,
      `|---|---:|---|${entries.map(() => '---:').join('|')}|`,
      ...head.map(line),
      ...(skipped > 0
        ? [`| … | … | ${skipped} more changes |${entries.map(() => ' |').join('')}`]
        : []),
      ...tail.map(line),
    ].join('\n'),
  ];
}
