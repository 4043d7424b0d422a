// The job summary of a release of several functions: one headline for the release, the cause
// once, a row per entry, the traffic wave by wave, the canary report of each function with
// metric gates, then each entry's own report folded. Pure, like the single report whose parts
// it reuses; every string from inputs or AWS is escaped once; capped below GitHub's limit.
import { entryStatus } from '../release/outputs.ts';
import type { EntryResult, FleetResult } from '../release/result.ts';
import { canarySection } from './canary.ts';
import { escapeHtml, inlineCode, truncate } from './escape.ts';
import { fleetHeadlineMarkdown, shape } from './fleet-headline.ts';
import { byWave, entryTable, outcomePieces, ownSpan } from './fleet-table.ts';
import { perWaveTimeline } from './fleet-timeline.ts';
import { plainPiece } from './headline.ts';
import { renderMessage } from './message.ts';
import {
  commitLink,
  fitToSize,
  type RunContext,
  SUMMARY_MAX_BYTES,
  summarySections,
} from './summary.ts';
import { clock, formatDuration, formatMinutes } from './words.ts';

export { fleetFailureMessage, fleetHeadline } from './fleet-headline.ts';

const MAX_KEY = 200;

/** The cause, once: in the words the single report gives it, for the entry it came from. */
function causeBlocks(f: FleetResult): string[] {
  const c = f.cause;
  if (!c) return [];
  const entry = f.entries.find((e) => e.key === c.entry);
  // The bake's own sentence says when and which alarm; the single report knows no bake.
  if (!entry || c.code?.startsWith('BAKE_')) return [`**${renderMessage(c.message, 4000)}**`];
  const own = summarySections({ ...entry, cause: c });
  return [...own.cause, ...own.fix];
}

/** How the release ran, in a sentence or two: waves, bake, when, how long, the commit. */
function factsLine(f: FleetResult, context: RunContext): string {
  const waves = f.waves.length;
  const bake =
    waves > 1 && f.bakeMinutes > 0
      ? `, with a ${formatMinutes(f.bakeMinutes)} bake between waves`
      : '';
  const commit = commitLink(context);
  const planned = f.status === 'planned';
  const took = planned ? '' : `, took ${formatDuration(f.endedAt - f.startedAt)}`;
  // Said only where a wave ran: a refused release prepared nothing and timed no wave.
  const ran = f.entries.some((e) => e.deploymentId || (e.strategy.direct && ownSpan(e, f)));
  const how = planned
    ? 'Nothing was changed: each function’s plan is in its own report below.'
    : ran
      ? 'Every function is checked and its version prepared before wave 1; *Took* counts from the start of its wave to the end of its deployment.'
      : '';
  return `${shape(f)}${bake}. Started ${clock(f.startedAt)} UTC${took}${commit ? `; commit ${commit}` : ''}. ${how}`.trimEnd();
}

function canaryReports(f: FleetResult): string[] {
  return byWave(f).flatMap((e) =>
    canarySection(e.canary).map((md) =>
      md.replace(
        /^#### Canary report/,
        `#### Canary report: ${inlineCode(truncate(e.key, MAX_KEY))}`,
      ),
    ),
  );
}

/**
 * One entry's own report, folded: its facts, plan, hooks, notes and the command that puts its
 * alias back where one is needed. Its headline and timeline are left out: the table says what
 * became of it in the release, the traffic section when its traffic moved. The cause of the
 * release is said once, above. The summary line is HTML (GitHub reads no Markdown there).
 */
function entryFold(e: EntryResult, f: FleetResult): string {
  // Its Started and Took as the table counts them; the commit is said once, above.
  const span = ownSpan(e, f);
  const status = { label: 'Status in `releases`', value: entryStatus(e) };
  const own = summarySections(
    span ? { ...e, startedAt: span.from, endedAt: span.to } : e,
    {},
    status,
  );
  const isCause = f.cause?.entry === e.key;
  const cause = isCause || e.fate ? [] : [...own.cause, ...own.fix];
  const title = `${truncate(e.key, MAX_KEY)}: ${outcomePieces(e).map(plainPiece).join('')}`;
  return [
    `<details><summary>${escapeHtml(title)}</summary>`,
    ...cause,
    own.facts,
    ...own.plan,
    ...own.detailBody,
    '</details>',
  ].join('\n\n');
}

function joined(blocks: string[]): string {
  return `${blocks.join('\n\n')}\n`;
}

export function renderFleetSummary(f: FleetResult, context: RunContext = {}): string {
  const top = [
    `### ${fleetHeadlineMarkdown(f)}`,
    ...causeBlocks(f),
    entryTable(f),
    factsLine(f, context),
  ];
  const traffic = perWaveTimeline(f);
  const timeline = traffic.length > 0 ? ['#### Traffic', ...traffic] : [];
  const canaries = canaryReports(f);
  // An entry that never started has no report of its own: its row says all there is.
  const folds = byWave(f)
    .filter((e) => e.fate?.kind !== 'not-started')
    .map((e) => entryFold(e, f));
  return capped(top, timeline, canaries, folds);
}

/**
 * Within GitHub's limit: the folded reports go first, from the last, then the canary reports,
 * then the traffic; the headline, the cause and the table stay (cut only as a last resort).
 */
function capped(top: string[], timeline: string[], canaries: string[], folds: string[]): string {
  const size = (blocks: string[]) => Buffer.byteLength(joined(blocks));
  const notice = (what: string) => `*${what} left out to stay within GitHub’s size limit.*`;
  const whole = [...top, ...timeline, ...canaries, ...folds];
  if (size(whole) <= SUMMARY_MAX_BYTES) return joined(whole);
  const room = SUMMARY_MAX_BYTES - 200;
  let kept = folds.length;
  const base = [...top, ...timeline, ...canaries];
  let total = size(base) + folds.reduce((n, b) => n + Buffer.byteLength(b) + 2, 0);
  while (kept > 0 && total > room) total -= Buffer.byteLength(folds[--kept]!) + 2;
  const cut = notice(`The own reports of ${folds.length - kept} of ${folds.length} functions were`);
  if (kept > 0) return joined([...base, ...folds.slice(0, kept), cut]);
  for (const shorter of [
    [...top, ...timeline, notice('Every function’s own report and canary report were')],
    [...top, notice('The traffic, every canary report and every function’s own report were')],
  ])
    if (size(shorter) <= room) return joined(shorter);
  return fitToSize(joined(top), SUMMARY_MAX_BYTES);
}
