// The job summary: a pure rendering of one ReleaseResult as GitHub-flavoured Markdown.
// An SRE reads it instead of the AWS console, so it leads with one line of what happened, the
// cause in one bold sentence, one row of facts and the traffic as it moved; everything else
// is folded. It says only what the result says: an unknown fact is left out, not guessed.
// Every string from inputs or AWS is escaped exactly once; every list is capped, so the output
// stays far below GitHub's 1 MiB summary limit.

import { alarmUrl, aliasUrl, deploymentUrl, logGroupUrl, versionUrl } from '../aws/console.ts';
import type { ReleaseResult } from '../release/result.ts';
import { functionNameOf } from '../settings/index.ts';
import { canarySection } from './canary.ts';
import { codeDeployFix, errorCode } from './codes.ts';
import { escapeMarkdown, inlineCode, toSingleLine, truncate } from './escape.ts';
import {
  aliasStateMarkdown,
  endedBeforeTraffic,
  type Headline,
  headline,
  headlineMarkdown,
  headlineOf,
  markdownPiece,
  neverGotTraffic,
} from './headline.ts';
import { link, renderMessage } from './message.ts';
import { bar, capRows, percentText, type TimelineRow, timelineRows } from './timeline.ts';
import { clock, formatBytes, formatDuration, formatMinutes, timestamp } from './words.ts';

export { headline };

/** @deprecated the log's last line: use `headline`. */
export const outcomeLine = headline;

/** GitHub refuses a step summary larger than this. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024;
/** The renderer never returns more than this many bytes (UTF-8). */
export const SUMMARY_MAX_BYTES = 900 * 1024;

const MAX = {
  name: 300,
  version: 60,
  id: 120,
  text: 500,
  message: 4000,
  alarms: 20,
  alarmName: 255,
  hooks: 20,
  planSteps: 50,
  notes: 30,
  item: 1000,
} as const;

/** Where the run happened, from the GITHUB_* variables, for the commit link. */
export interface RunContext {
  serverUrl?: string;
  repository?: string;
  sha?: string;
}

/** The run context from the environment; the shell passes it in, the renderer reads no env. */
export function runContext(env: Record<string, string | undefined>): RunContext {
  return {
    serverUrl: env.GITHUB_SERVER_URL,
    repository: env.GITHUB_REPOSITORY,
    sha: env.GITHUB_SHA,
  };
}

/** Escaped inline text, shortened first. */
function md(s: string, max: number = MAX.text): string {
  return escapeMarkdown(truncate(s, max));
}

/** An inline code span, shortened first. */
function code(s: string, max: number = MAX.name): string {
  return inlineCode(truncate(s, max));
}

/** `v8` for a numbered version, a code span otherwise (`$LATEST`). */
function version(v: string): string {
  return markdownPiece({ version: truncate(v, MAX.version) });
}

function deploymentLink(r: ReleaseResult, id: string): string {
  return link(md(id, MAX.id), deploymentUrl(r.region, id));
}

/** A fenced code block for a command to copy; the fence outgrows any backtick run in it. */
function codeBlock(lang: string, content: string): string {
  const flat = toSingleLine(content);
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}${lang}\n${flat}\n${fence}`;
}

/** POSIX shell quoting, only where needed. */
function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A list of names as `a`, `b` and `c`, capped. */
function names(list: string[], render: (name: string) => string): string {
  const shown = list.slice(0, MAX.alarms).map(render);
  const more = list.length - shown.length;
  if (more > 0) return `${shown.join(', ')} and ${more} more`;
  return shown.length > 1
    ? `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`
    : (shown[0] ?? '');
}

/** How long the new version held its highest share before it fell (or until the end). */
function heldAtPeak(
  r: ReleaseResult,
  rows: TimelineRow[],
): { percent: number; ms: number } | undefined {
  let i = rows.findLastIndex(
    (row, j) => row.percent > 0 && (rows[j + 1]?.percent ?? 0) < row.percent,
  );
  if (i < 0) return undefined;
  const until = rows[i + 1]?.at ?? r.endedAt;
  while (i > 0 && rows[i - 1]!.percent === rows[i]!.percent) i--;
  return { percent: rows[i]!.percent, ms: until - rows[i]!.at };
}

/** The cause in one sentence: what stopped it and when. Empty when nothing failed. */
function causeSentence(r: ReleaseResult, h: Headline): string {
  const c = r.cause;
  if (!c) return '';
  if (c.alarms && c.alarms.length > 0) {
    const list = names(c.alarms, (a) => link(code(a, MAX.alarmName), alarmUrl(r.region, a)));
    const held = heldAtPeak(r, timelineRows(r));
    const v = r.version !== undefined ? version(r.version) : 'the new version';
    const when = held
      ? held.ms >= 1000
        ? ` after ${v} had carried ${percentText(held.percent)} of traffic for ${formatDuration(held.ms)}`
        : ` while ${v} had ${percentText(held.percent)} of traffic`
      : neverGotTraffic(r)
        ? ` before ${v} received traffic`
        : '';
    return `${c.alarms.length === 1 ? 'Alarm' : 'Alarms'} ${list} fired${when}.`;
  }
  if (c.failedHook) {
    const fn = r.hooks.find((x) => x.hook === c.failedHook)?.functionName;
    const where = fn ? ` ${link(code(fn), logGroupUrl(r.region, fn))}` : '';
    const v = r.version !== undefined ? version(r.version) : 'the new version';
    const when =
      c.failedHook === 'BeforeAllowTraffic'
        ? `, before any traffic moved to ${v}`
        : `, after all traffic had moved to ${v}`;
    return `The ${c.failedHook} hook${where} reported Failed${h.kind === 'rolled-back' || h.kind === 'before-traffic' || h.kind === 'not-rolled-back' ? when : ''}.`;
  }
  return c.message ? renderMessage(c.message, MAX.message) : '';
}

/**
 * The cause, bold; a message of several lines (every bad input at once) keeps its list: the
 * first line bold, `- ` lines as a list, any other line as text.
 */
function causeBlocks(r: ReleaseResult, h: Headline): string[] {
  const lines = r.cause?.message.split('\n') ?? [];
  if (lines.length < 2 || r.cause?.alarms?.length || r.cause?.failedHook) {
    const cause = causeSentence(r, h);
    const fix = codeDeployFix(r.cause);
    return [...(cause ? [`**${cause}**`] : []), ...(fix ? [renderMessage(fix, MAX.message)] : [])];
  }
  const blocks = [`**${renderMessage(lines[0]!, MAX.message)}**`];
  const items = lines.filter((l) => l.startsWith('- ')).slice(0, MAX.notes);
  if (items.length > 0)
    blocks.push(items.map((l) => `- ${renderMessage(l.slice(2), MAX.item)}`).join('\n'));
  for (const l of lines.slice(1).filter((l) => l.trim() !== '' && !l.startsWith('- ')))
    blocks.push(renderMessage(l, MAX.message));
  return blocks;
}

/** The command that puts all traffic back on the previous version, when it needs one. */
function fixCommand(r: ReleaseResult, h: Headline): string[] {
  if (h.kind !== 'split' && h.kind !== 'not-rolled-back') return [];
  const back = r.previousVersion ?? r.finalAlias?.version;
  if (back === undefined) return [];
  const command = [
    'aws lambda update-alias',
    `--function-name ${shellQuote(truncate(r.functionName, MAX.name))}`,
    `--name ${shellQuote(truncate(r.alias, MAX.name))}`,
    `--function-version ${shellQuote(truncate(back, MAX.version))}`,
    ...(h.kind === 'split' ? ['--routing-config AdditionalVersionWeights={}'] : []),
    ...(r.region ? [`--region ${shellQuote(truncate(r.region, MAX.id))}`] : []),
  ].join(' ');
  const state =
    h.kind === 'split'
      ? `Alias ${code(r.alias)} sends ${aliasStateMarkdown(r.finalAlias!)}: traffic is **not** on one version, and every later deployment fails until it is.`
      : `Alias ${code(r.alias)} sends all traffic to ${version(r.finalAlias!.version)} although the release did not succeed.`;
  return [state, `To put all traffic back on ${version(back)}:`, codeBlock('sh', command)];
}

/** `canary 10% · 5 min`, `linear +10% every 10 min`, `all at once`: the strategy in short words. */
function shortStrategy(r: ReleaseResult): string {
  const s = r.strategy;
  const words = (s.description || s.input)
    .replace(/^canary: (\S+) for (.+?), then 100%$/, 'canary $1 · $2')
    .replace(/^linear: (\S+) every (.+?), 100% after .*$/, 'linear $1 every $2')
    .replace(/^direct: .*$/, 'direct, no CodeDeploy')
    .replace(/\bminutes?\b/g, 'min')
    .replace(/\bhours?\b/g, 'h');
  return md(words);
}

/** The one row of facts: function, deployment, rollback, strategy, start, duration, commit. */
function factsTable(r: ReleaseResult, h: Headline, context: RunContext): string[] {
  const cols: [string, string][] = [];
  // Plain link text: a code span in a narrow cell breaks at its hyphens. Unknown (bad input): left out.
  if (r.functionName && r.alias && r.region)
    cols.push([
      'Function',
      link(
        md(functionNameOf(r.functionName), MAX.name),
        aliasUrl(r.region, r.functionName, r.alias),
      ),
    ]);
  if (r.deploymentId) cols.push(['Deployment', deploymentLink(r, r.deploymentId)]);
  if (r.rollbackDeploymentId) cols.push(['Rollback', deploymentLink(r, r.rollbackDeploymentId)]);
  // The strategy matters only where traffic shifted (or would).
  if (
    r.deploymentId ||
    r.strategy.direct ||
    h.kind === 'planned' ||
    h.kind === 'promoted' ||
    h.kind === 'released'
  ) {
    if (h.kind !== 'first' && h.kind !== 'skipped') cols.push(['Strategy', shortStrategy(r)]);
  }
  cols.push(['Started', `${clock(r.startedAt)} UTC`]);
  if (h.kind !== 'planned') cols.push(['Took', formatDuration(r.endedAt - r.startedAt)]);
  const commit = commitLink(context);
  if (commit) cols.push(['Commit', commit]);
  return [
    `| ${cols.map(([k]) => k).join(' | ')} |`,
    `|${cols.map(() => '---').join('|')}|`,
    `| ${cols.map(([, v]) => v).join(' | ')} |`,
  ];
}

export function commitLink(c: RunContext): string | undefined {
  const { serverUrl, repository, sha } = c;
  if (!serverUrl || !repository || !sha || !/^[0-9a-f]{7,64}$/i.test(sha)) return undefined;
  if (
    !/^https:\/\/[A-Za-z0-9.-]+(:\d+)?$/.test(serverUrl) ||
    !/^[\w.-]+\/[\w.-]+$/.test(repository)
  )
    return undefined;
  return link(sha.slice(0, 7), `${serverUrl}/${repository}/commit/${sha}`);
}

/** The traffic rows: a sentence for one row, a table for more. */
function timelineSection(r: ReleaseResult): string[] {
  // A skipped release moved nothing; a dry run and `wait: false` watched nothing.
  if (r.status === 'skipped' || r.status === 'planned' || r.status === 'started') return [];
  const rows = timelineRows(r);
  if (rows.length === 0 || r.version === undefined) return [];
  const v = version(r.version);
  const since = (row: TimelineRow) => `+${formatDuration(row.at - r.startedAt)}`;
  if (rows.length === 1) {
    const row = rows[0]!;
    return [
      row.percent >= 100
        ? `All traffic moved to ${v} at ${clock(row.at)} UTC (${since(row)}).`
        : `${v} had ${percentText(row.percent)} of traffic at ${clock(row.at)} UTC (${since(row)}).`,
    ];
  }
  const line = (row: TimelineRow) =>
    `| ${clock(row.at)} | ${since(row)} | ${md(row.event)} | ${bar(row.percent)} ${percentText(row.percent)} |`;
  const { head, skipped, tail } = capRows(rows);
  return [
    `| Time (UTC) | Since start | Event | On ${v} |`,
    '|---|---:|---|---:|',
    ...head.map(line),
    ...(skipped > 0 ? [`| … | … | ${skipped} more changes | … |`] : []),
    ...tail.map(line),
  ];
}

function planSection(r: ReleaseResult): string[] {
  const plan = r.plan;
  if (!plan) return [];
  const steps = plan.steps
    .slice(0, MAX.planSteps)
    .map((s, i) => `${i + 1}. ${renderMessage(s, MAX.item)}`);
  if (plan.steps.length > MAX.planSteps) {
    steps.push(`${MAX.planSteps + 1}. … and ${plan.steps.length - MAX.planSteps} more steps`);
  }
  const shifting =
    plan.shiftMinutes > 0
      ? `Traffic shifting takes ${formatMinutes(plan.shiftMinutes)} by the strategy`
      : 'Traffic moves at once';
  const from =
    plan.timeoutFrom === 'input'
      ? ' (`timeout-minutes`)'
      : plan.timeoutFrom === 'strategy'
        ? ' (derived from the strategy and hooks)'
        : '';
  return [
    steps.length > 0 ? steps.join('\n') : 'Nothing to do.',
    `${shifting}; the release would wait up to ${formatMinutes(plan.timeoutMinutes)}${from} for the deployment.`,
  ];
}

function originText(r: ReleaseResult): string {
  switch (r.origin.kind) {
    case 'alias':
      return ` — promoted from alias ${code(r.origin.alias)}`;
    case 'version':
      return ' — version given';
    case 'published':
      return '';
  }
}

/** The folded facts: everything a person may want but does not need first. */
/** The status row: the step's `status` output, or an entry's status in `releases`. */
export interface StatusRow {
  label: string;
  value: string;
}

function detailRows(r: ReleaseResult, h: Headline, status: StatusRow): [string, string][] {
  const rows: [string, string][] = [];
  const fn = functionNameOf(r.functionName);
  if (r.functionName && r.alias && r.region)
    rows.push(['Alias', link(code(r.alias), aliasUrl(r.region, r.functionName, r.alias))]);
  if (r.version !== undefined) {
    const shown = version(r.version);
    rows.push([
      'Version',
      /^\d+$/.test(r.version) && h.kind !== 'planned'
        ? link(shown, versionUrl(r.region, fn, r.version))
        : shown,
    ]);
  }
  if (r.previousVersion !== undefined && r.previousVersion !== r.version)
    rows.push(['Previous version', version(r.previousVersion)]);
  else if (h.kind === 'first' || r.aliasBefore === null)
    rows.push(['Previous version', `none: alias ${code(r.alias)} did not exist`]);
  if (r.finalAlias && h.kind !== 'planned')
    rows.push(['Alias now', aliasStateMarkdown(r.finalAlias)]);
  if (r.source) rows.push(['Source', `${md(r.source)}${originText(r)}`]);
  if (r.codeSha256) rows.push(['Code SHA-256', code(r.codeSha256, MAX.id)]);
  if (r.codeSize !== undefined) rows.push(['Code size', formatBytes(r.codeSize)]);
  const config = r.strategy.configName ? ` (${code(r.strategy.configName)})` : '';
  // A first release and a skipped one shifted nothing: no strategy applied.
  if (h.kind !== 'first' && h.kind !== 'skipped' && (r.strategy.description || r.strategy.input))
    rows.push(['Strategy', `${md(r.strategy.description || r.strategy.input)}${config}`]);
  for (const hook of r.hooks.slice(0, MAX.hooks)) {
    const status = md(hook.status, MAX.id);
    rows.push([
      `${hook.hook} hook`,
      `${link(code(hook.functionName), logGroupUrl(r.region, hook.functionName))}: ${hook.status === 'Failed' ? `**${status}**` : status}`,
    ]);
  }
  if (r.hooks.length > MAX.hooks) rows.push(['Hooks', `… and ${r.hooks.length - MAX.hooks} more`]);
  if (r.deploymentId && (r.status === 'failed' || r.status === 'stopped'))
    rows.push(['Rolled back', rolledBackText(r)]);
  if (r.cause?.code) {
    // CANCELLED's meaning speaks of stopping the deployment: untrue when none had started.
    const known =
      r.cause.code === 'CANCELLED' && !r.deploymentId ? undefined : errorCode(r.cause.code);
    rows.push([
      'Error code',
      `${code(r.cause.code, MAX.id)}${known ? `: ${renderMessage(known.meaning, MAX.text)}` : ''}`,
    ]);
  }
  // The bold sentence is ours for alarms and hooks; CodeDeploy's own words go here.
  if (r.cause?.message && (r.cause.alarms?.length || r.cause.failedHook))
    rows.push(['CodeDeploy said', renderMessage(r.cause.message, MAX.message)]);
  rows.push(['Started', timestamp(r.startedAt)]);
  rows.push([status.label, code(status.value, MAX.id)]);
  if (r.region) rows.push(['Region', code(r.region, MAX.id)]);
  return rows;
}

/** A deployment CodeDeploy failed before it moved traffic had nothing to roll back. */
function rolledBackText(r: ReleaseResult): string {
  if (endedBeforeTraffic(r)) return 'no rollback needed: no traffic had moved';
  return r.rolledBack ? 'yes' : 'no';
}

/** The folded facts' table and the notes, unfolded. */
function detailBody(r: ReleaseResult, h: Headline, status: StatusRow): string[] {
  const rows = detailRows(r, h, status).map(([k, v]) => `| ${k} | ${v} |`);
  const notes = r.notes.slice(0, MAX.notes).map((n) => `- ${renderMessage(n.text, MAX.item)}`);
  if (r.notes.length > MAX.notes) notes.push(`- … and ${r.notes.length - MAX.notes} more notes`);
  return [
    ['| Fact | Value |', '|---|---|', ...rows].join('\n'),
    ...(notes.length > 0 ? [notes.join('\n')] : []),
  ];
}

/** Cuts at a line boundary so that the result fits in `maxBytes` of UTF-8. */
export function fitToSize(markdown: string, maxBytes: number): string {
  if (Buffer.byteLength(markdown, 'utf8') <= maxBytes) return markdown;
  const notice = '\n\n*The summary was cut to stay within GitHub’s size limit.*\n';
  const budget = maxBytes - Buffer.byteLength(notice, 'utf8');
  const lines = markdown.split('\n');
  const kept: string[] = [];
  let size = 0;
  for (const line of lines) {
    const bytes = Buffer.byteLength(line, 'utf8') + 1;
    if (size + bytes > budget) break;
    kept.push(line);
    size += bytes;
  }
  return `${kept.join('\n')}${notice}`;
}

/** The single report's parts, in order; a release of several functions folds each entry's. */
export interface SummarySections {
  heading: string;
  cause: string[];
  fix: string[];
  facts: string;
  plan: string[];
  timeline: string[];
  canary: string[];
  /** The facts' table and the notes, before they are folded under "Details". */
  detailBody: string[];
}

export function summarySections(
  r: ReleaseResult,
  context: RunContext = {},
  status: StatusRow = { label: 'Status output', value: r.status },
): SummarySections {
  const h = headlineOf(r);
  const timeline = timelineSection(r);
  return {
    heading: `### ${headlineMarkdown(r)}`,
    cause: causeBlocks(r, h),
    fix: fixCommand(r, h),
    facts: factsTable(r, h, context).join('\n'),
    plan: h.kind === 'planned' ? planSection(r) : [],
    timeline: timeline.length > 0 ? [timeline.join('\n')] : [],
    canary: canarySection(r.canary),
    detailBody: detailBody(r, h, status),
  };
}

/** The job summary for one release, as Markdown. Pure: no I/O, no clock, no environment. */
export function renderSummary(result: ReleaseResult, context: RunContext = {}): string {
  const p = summarySections(result, context);
  const blocks = [
    p.heading,
    ...p.cause,
    ...p.fix,
    p.facts,
    ...p.plan,
    ...p.timeline,
    ...p.canary,
    '<details><summary>Details</summary>',
    ...p.detailBody,
    '</details>',
  ];
  return fitToSize(`${blocks.join('\n\n')}\n`, SUMMARY_MAX_BYTES);
}
