// The report of a release of several functions: one headline for the release, a row per
// entry, the cause once, then each entry's own report folded. Pure, like the single
// report it reuses for each entry; every string from inputs or AWS is escaped once.
import { deploymentUrl } from '../aws/console.ts';
import { entryStatus } from '../release/outputs.ts';
import type { EntryResult, FleetResult } from '../release/result.ts';
import { escapeMarkdown, inlineCode, toSingleLine } from './escape.ts';
import { renderMessage } from './message.ts';
import { formatAliasState, versionLabel } from './progress.ts';
import { type RunContext, renderSummary, SUMMARY_MAX_BYTES } from './summary.ts';
import { formatDuration, formatMinutes } from './words.ts';

const EMOJI: Record<string, string> = {
  succeeded: '✅',
  created: '✅',
  skipped: '⏭️',
  planned: '📝',
  started: '🚀',
  failed: '❌',
  stopped: '🛑',
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Where the aliases this release moved are, in one phrase (failed releases). */
function trafficPhrase(f: FleetResult): string {
  const moved = f.entries.filter(
    (e) => e.deploymentId || e.fate?.kind === 'returned' || e.fate?.kind === 'left',
  );
  if (moved.length === 0) return 'no traffic moved';
  if (f.rolledBack) return 'every alias it moved is back on its previous version';
  const notBack = moved.filter((e) => !e.rolledBack).map((e) => e.key);
  return `${plural(notBack.length, 'alias')} NOT back on its previous version: ${notBack.join(', ')}`;
}

function shape(f: FleetResult): string {
  const waves = f.waves.length;
  return `${plural(f.entries.length, 'function')}${waves > 1 ? ` in ${waves} waves` : ''}`;
}

/** The release in one line, plain text: the log's last line and the annotation's first. */
export function fleetHeadline(f: FleetResult): string {
  const what = shape(f);
  switch (f.status) {
    case 'succeeded':
    case 'created':
      return `${EMOJI.succeeded} Released ${what}`;
    case 'skipped':
      return `${EMOJI.skipped} Nothing new to release in ${what}`;
    case 'planned':
      return `${EMOJI.planned} Dry run: ${what} planned, nothing changed`;
    case 'started':
      return `${EMOJI.started} Started the deployments of ${what}; not watched (wait: false)`;
    default: {
      const by = f.cause?.entry ? ` at ${f.cause.entry}` : '';
      const verb = f.cause?.code === 'CANCELLED' ? 'was cancelled' : 'failed';
      return `${EMOJI[f.status] ?? '❌'} Release of ${what} ${verb}${by}: ${trafficPhrase(f)}`;
    }
  }
}

/** The error annotation: the headline, the cause, and every entry left off its previous version. */
export function fleetFailureMessage(f: FleetResult): string {
  const parts = [`${fleetHeadline(f)}.`];
  const c = f.cause;
  if (c) {
    const from = c.entry ? `${c.entry}: ` : '';
    parts.push(sentence(`${from}${c.code ? `${c.code}: ` : ''}${toSingleLine(c.message)}`));
  }
  for (const e of f.entries)
    if (e.fate?.kind === 'left') parts.push(`${e.key} was left as it is: ${e.fate.why}.`);
  return parts.join(' ');
}

function sentence(text: string): string {
  const t = text.trimEnd();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

function outcomeCell(e: EntryResult): string {
  const status = entryStatus(e);
  const emoji = EMOJI[e.status] ?? '';
  switch (e.fate?.kind) {
    case 'not-started':
      return 'not started';
    case 'returned':
      return `↩️ returned to ${versionLabel(e.previousVersion ?? '?')}`;
    case 'stopped':
      return e.fate.restored
        ? `🛑 stopped, back on ${versionLabel(e.previousVersion ?? '?')}`
        : '🛑 stopped, NOT back';
    case 'left':
      return `⚠️ left: ${escapeMarkdown(e.fate.why)}`;
    default:
      return `${emoji} ${status}${e.rolledBack ? ', rolled back' : ''}`.trim();
  }
}

function aliasCell(e: EntryResult): string {
  const before = e.previousVersion !== undefined ? versionLabel(e.previousVersion) : '—';
  const after = e.finalAlias ? escapeMarkdown(formatAliasState(e.finalAlias)) : '?';
  return `${inlineCode(e.alias)} ${before} → ${after}`;
}

function deploymentCell(e: EntryResult): string {
  if (!e.deploymentId) return '—';
  return `[${escapeMarkdown(e.deploymentId)}](${deploymentUrl(e.region, e.deploymentId)})`;
}

function entryRow(e: EntryResult): string {
  const took = e.endedAt > e.startedAt ? formatDuration(e.endedAt - e.startedAt) : '—';
  const cells = [
    String(e.wave),
    escapeMarkdown(e.region),
    inlineCode(e.functionName),
    aliasCell(e),
    e.version !== undefined ? versionLabel(e.version) : '—',
    deploymentCell(e),
    outcomeCell(e),
    took,
  ];
  return `| ${cells.join(' | ')} |`;
}

function table(f: FleetResult): string {
  const head =
    '| Wave | Region | Function | Alias before → now | Version | Deployment | Outcome | Took |';
  const rule = '|---:|---|---|---|---|---|---|---|';
  const rows = [...f.entries].sort((a, b) => a.wave - b.wave).map(entryRow);
  return [head, rule, ...rows].join('\n');
}

function wavesLine(f: FleetResult): string | undefined {
  if (f.waves.length < 2) return undefined;
  const bake =
    f.bakeMinutes > 0 ? `, with a ${formatMinutes(f.bakeMinutes)} bake between waves` : '';
  const ran = f.waves.filter((w) => w.startedAt !== undefined).length;
  return `${plural(f.waves.length, 'wave')}${bake}; ${ran} ran. Took ${formatDuration(f.endedAt - f.startedAt)}.`;
}

/**
 * Each entry's own report, folded: its facts, timeline, hooks, gates and notes. Its own
 * headline is left out: it speaks of the entry's deployment alone, while the row above says
 * what became of the entry in the release (returned, stopped, left).
 */
function entryDetails(e: EntryResult, context: RunContext): string {
  const inner = renderSummary(e, context).replace(/^### .*\n+/, '');
  return `<details><summary>${escapeMarkdown(e.key)}: ${outcomeCell(e)}</summary>\n\n${inner}\n</details>`;
}

export function renderFleetSummary(f: FleetResult, context: RunContext = {}): string {
  const blocks = [`### ${escapeMarkdown(fleetHeadline(f))}`];
  if (f.cause) {
    const from = f.cause.entry ? ` (${inlineCode(f.cause.entry)})` : '';
    blocks.push(`**Cause**${from}: ${renderMessage(f.cause.message, 2000)}`);
  }
  blocks.push(table(f));
  const waves = wavesLine(f);
  if (waves) blocks.push(waves);
  // An entry that never started has no report of its own: its row says all there is.
  for (const e of f.entries)
    if (e.fate?.kind !== 'not-started') blocks.push(entryDetails(e, context));
  const out = `${blocks.join('\n\n')}\n`;
  return Buffer.byteLength(out) > SUMMARY_MAX_BYTES
    ? `${blocks.slice(0, 4).join('\n\n')}\n\n*Each function's own report was left out to stay within GitHub's size limit.*\n`
    : out;
}
