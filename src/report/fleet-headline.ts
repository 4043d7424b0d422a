// A release of several functions in one line: what became of the release, why, and where its
// aliases are. The summary's heading, the log's last line and the error annotation's first
// sentence all come from here, so they say it alike. Only the result's facts: a release that
// failed names the entry that decided it and every alias it moved that is not back.
import type { EntryResult, FleetResult } from '../release/result.ts';
import { toSingleLine } from './escape.ts';
import { causeReason, markdownPiece, type Piece, plainPiece } from './headline.ts';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : word.endsWith('s') ? 'es' : 's'}`;
}

/** Every alias this release moved: by a deployment it started, a direct move or a creation. */
export function movedEntries(f: FleetResult): EntryResult[] {
  return f.entries.filter(
    (e) =>
      e.deploymentId ||
      e.fate?.kind === 'returned' ||
      e.fate?.kind === 'left' ||
      (e.strategy.direct && (e.status === 'succeeded' || e.status === 'created')),
  );
}

/** The moved aliases not back on their previous version (failed releases). */
export function notBack(f: FleetResult): EntryResult[] {
  return movedEntries(f).filter((e) => !e.rolledBack);
}

/** `3 functions in 2 waves` */
export function shape(f: FleetResult): string {
  const waves = f.waves.length;
  return `${plural(f.entries.length, 'function')}${waves > 1 ? ` in ${waves} waves` : ''}`;
}

type Kind =
  | 'released'
  | 'skipped'
  | 'planned'
  | 'started'
  | 'rolled-back'
  | 'not-started'
  | 'cancelled'
  | 'not-back';

const GLYPH: Record<Kind, string> = {
  released: '✅',
  skipped: '⏭️',
  planned: '📝',
  started: '▶️',
  'rolled-back': '↩️',
  'not-started': '⛔',
  cancelled: '⏹️',
  'not-back': '⚠️',
};

function kindOf(f: FleetResult): Kind {
  switch (f.status) {
    case 'succeeded':
    case 'created':
      return 'released';
    case 'skipped':
    case 'planned':
    case 'started':
      return f.status;
    default:
      if (notBack(f).length > 0) return 'not-back';
      if (f.cause?.code === 'CANCELLED') return 'cancelled';
      return movedEntries(f).length === 0 ? 'not-started' : 'rolled-back';
  }
}

/** The failure's reason in a few words, as the single report words it, and its entry. */
function reason(f: FleetResult): Piece[] {
  const c = f.cause;
  if (!c || c.code === 'CANCELLED') return [];
  const entry = f.entries.find((e) => e.key === c.entry);
  const why = entry ? causeReason({ ...entry, cause: c }) : c.code ? [{ name: c.code }] : [];
  return [' — ', ...why, ...(c.entry ? [' at ', { name: c.entry }] : [])];
}

/** Where the aliases are after a failure, in a phrase. */
function traffic(f: FleetResult, kind: Kind): Piece[] {
  if (kind === 'not-started') return [': no traffic moved'];
  const left = notBack(f);
  if (left.length === 0) return [': every alias it moved is back on its previous version'];
  const names = left.slice(0, 5).flatMap((e, i): Piece[] => [i ? ', ' : '', { name: e.key }]);
  const more = left.length > 5 ? [` and ${left.length - 5} more`] : [];
  const verb = left.length === 1 ? 'is' : 'are';
  return [
    `: ${plural(left.length, 'alias')} ${verb} NOT back on the previous version: `,
    ...names,
    ...more,
  ];
}

function pieces(f: FleetResult): { glyph: string; pieces: Piece[] } {
  const kind = kindOf(f);
  const what = shape(f);
  const unchanged = f.entries.filter((e) => e.status === 'skipped').length;
  const out = ((): Piece[] => {
    switch (kind) {
      case 'released':
        return unchanged > 0
          ? [`Released ${f.entries.length - unchanged} of ${what}; ${unchanged} had nothing new`]
          : [`Released ${what}`];
      case 'skipped':
        return [`Nothing new to release in ${what}`];
      case 'planned':
        return [`Dry run: ${what} planned, nothing changed`];
      case 'started':
        return [`Started the deployments of ${what}; not watched (wait: false)`];
      case 'cancelled':
        return [`Release of ${what} cancelled`, ...traffic(f, kind)];
      case 'not-started':
        return [`Release of ${what} not started`, ...reason(f), ...traffic(f, kind)];
      case 'rolled-back':
        return [`Release of ${what} rolled back`, ...reason(f), ...traffic(f, kind)];
      case 'not-back':
        return [`Release of ${what} failed`, ...reason(f), ...traffic(f, kind)];
    }
  })();
  return { glyph: GLYPH[kind], pieces: out.filter((p) => p !== '') };
}

/** The release in one line, plain text: the log's last line and the annotation's first. */
export function fleetHeadline(f: FleetResult): string {
  const h = pieces(f);
  return `${h.glyph} ${h.pieces.map(plainPiece).join('')}`;
}

/** The same line as Markdown (names as code spans, the rest escaped), for the heading. */
export function fleetHeadlineMarkdown(f: FleetResult): string {
  const h = pieces(f);
  return `${h.glyph} ${h.pieces.map(markdownPiece).join('')}`;
}

function sentence(text: string): string {
  const t = text.trimEnd();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/**
 * The error annotation: the headline, the cause in full with its entry, and what became of
 * every entry one fate could not return (each names its alias and why).
 */
export function fleetFailureMessage(f: FleetResult): string {
  const parts = [sentence(fleetHeadline(f))];
  const c = f.cause;
  if (c) {
    const from = c.entry ? `${c.entry}: ` : '';
    parts.push(sentence(`${from}${c.code ? `${c.code}: ` : ''}${toSingleLine(c.message)}`));
  }
  for (const e of f.entries) {
    if (e.fate?.kind === 'left') parts.push(sentence(`${e.key} was left as it is: ${e.fate.why}`));
    else if (e.fate?.kind === 'stopped' && !e.fate.restored)
      parts.push(`${e.key}: its deployment was stopped, but the alias is not yet back.`);
  }
  return parts.join(' ');
}
