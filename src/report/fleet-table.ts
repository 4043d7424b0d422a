// The release's table: a row per entry, in wave order: where it runs, its alias before and
// after, its deployment, what became of it and how long its own part took. Each cell says
// only what the entry's result holds; every name from inputs or AWS is escaped once.
import { aliasUrl, deploymentUrl } from '../aws/console.ts';
import type { EntryResult, FleetResult } from '../release/result.ts';
import { functionNameOf } from '../settings/function-ref.ts';
import { escapeMarkdown, inlineCode, truncate } from './escape.ts';
import { headlineOf, markdownPiece, type Piece, peakShare } from './headline.ts';
import { link } from './message.ts';
import { formatAliasState } from './progress.ts';
import { percentText } from './timeline.ts';
import { formatDuration } from './words.ts';

const MAX_NAME = 120;
const MAX_WHY = 300;

function v(version: string): string {
  return markdownPiece({ version: version });
}

/** What became of the entry in the release, in a few words: text, names and versions. */
export function outcomePieces(e: EntryResult): Piece[] {
  const back: Piece[] =
    e.previousVersion !== undefined ? [' ', { version: e.previousVersion }] : [];
  switch (e.fate?.kind) {
    case 'not-started':
      return ['⏸️ not started'];
    case 'returned':
      return ['↩️ returned to', ...back];
    case 'stopped':
      return e.fate.restored ? ['🛑 stopped, back on', ...back] : ['🛑 stopped, NOT back'];
    case 'left':
      return [`⚠️ left: ${truncate(e.fate.why, MAX_WHY)}`];
  }
  // Its own outcome, as its own report's first line words it.
  const h = headlineOf(e);
  return [`${h.glyph} ${h.word}`, ...(h.reason.length ? [' — ', ...h.reason] : [])];
}

export function outcomeCell(e: EntryResult): string {
  return outcomePieces(e).map(markdownPiece).join('');
}

/** The alias as this release found it, what it moved it to, and where it is at the end. */
export function aliasCell(e: EntryResult): string {
  const alias = inlineCode(truncate(e.alias, MAX_NAME));
  const before = e.aliasBefore
    ? escapeMarkdown(formatAliasState(e.aliasBefore))
    : e.previousVersion !== undefined
      ? v(e.previousVersion)
      : undefined;
  const next = e.version !== undefined ? v(truncate(e.version, 60)) : undefined;
  const after = e.finalAlias ? escapeMarkdown(formatAliasState(e.finalAlias)) : undefined;
  if (e.status === 'planned') return `${alias} ${before ?? '—'} → ${next ?? '?'} (planned)`;
  if (e.status === 'skipped') return `${alias} stays on ${after ?? next ?? before ?? '?'}`;
  const failed = e.status === 'failed' || e.status === 'stopped';
  if (e.fate?.kind === 'not-started' || (failed && !e.deploymentId && !e.strategy.direct))
    return `${alias} ${before ?? '?'}, not moved`;
  if (e.aliasBefore === null || e.status === 'created')
    return `${alias} created on ${after ?? next}`;
  // The new version in between, when it was seen carrying traffic and is no longer all of it.
  const peak = peakShare(e);
  const via =
    next && peak > 0 && after !== next
      ? ` → ${peak < 100 ? `${percentText(peak)} ` : ''}${next}`
      : '';
  return `${alias} ${before ?? '—'}${via} → ${after ?? '?'}`;
}

function deploymentCell(e: EntryResult): string {
  if (!e.deploymentId) return e.strategy.direct && e.status !== 'planned' ? 'direct' : '—';
  return link(
    escapeMarkdown(truncate(e.deploymentId, 120)),
    deploymentUrl(e.region, e.deploymentId),
  );
}

/**
 * Its own part of the release: from the start of its wave (every entry is checked and
 * prepared before wave 1) to the end of its deployment. An alias one fate later returned ended
 * its deployment at the last traffic point before that return. Undefined when it never ran.
 */
export function ownSpan(e: EntryResult, f: FleetResult): { from: number; to: number } | undefined {
  if (e.fate?.kind === 'not-started' || e.status === 'planned') return undefined;
  const wave = f.waves.find((w) => w.wave === e.wave);
  const from = e.deploymentId || e.strategy.direct ? (wave?.startedAt ?? e.startedAt) : e.startedAt;
  let to = e.endedAt;
  if (e.fate?.kind === 'returned' || e.fate?.kind === 'left') {
    const own = e.timeline.filter((p) => p.event !== 'rollback' && p.event !== 'other');
    to = own.at(-1)?.at ?? wave?.endedAt ?? e.endedAt;
  }
  return to >= from ? { from, to } : undefined;
}

function tookCell(e: EntryResult, f: FleetResult): string {
  const span = ownSpan(e, f);
  return span ? formatDuration(span.to - span.from) : '—';
}

/** The entries in wave order, then as listed. */
export function byWave(f: FleetResult): EntryResult[] {
  return f.entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.wave - b.e.wave || a.i - b.i)
    .map((x) => x.e);
}

function row(e: EntryResult, f: FleetResult): string {
  const cells = [
    String(e.wave),
    escapeMarkdown(truncate(e.region, 60)),
    // Plain link text: a code span in a narrow cell breaks at its hyphens.
    link(
      escapeMarkdown(truncate(functionNameOf(e.functionName), MAX_NAME)),
      aliasUrl(e.region, e.functionName, e.alias),
    ),
    aliasCell(e),
    deploymentCell(e),
    outcomeCell(e),
    tookCell(e, f),
  ];
  return `| ${cells.join(' | ')} |`;
}

export function entryTable(f: FleetResult): string {
  return [
    '| Wave | Region | Function | Alias before → after | Deployment | Outcome | Took |',
    '|---:|---|---|---|---|---|---:|',
    ...byWave(f).map((e) => row(e, f)),
  ].join('\n');
}
