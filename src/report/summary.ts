// The job summary: a pure rendering of one ReleaseResult as GitHub-flavoured Markdown.
// SREs read this instead of the AWS console, so it leads with what happened and where the
// traffic is now. Every string that came from inputs or AWS is escaped, and every list is
// capped, so the output stays far below GitHub's 1 MiB summary limit.

import { aliasUrl, deploymentUrl } from '../aws/console.ts';
import type { AliasState, Origin, ReleaseResult, TrafficPoint } from '../release/result.ts';
import { functionNameOf } from '../settings/index.ts';
import { canarySection } from './canary.ts';
import { escapeMarkdown, inlineCode, toSingleLine, truncate } from './escape.ts';
import { formatAliasState, formatDuration, formatPercent, isSplit } from './progress.ts';

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
  timelineHead: 20,
  timelineTail: 20,
  hooks: 20,
  planSteps: 50,
  notes: 30,
  item: 1000,
} as const;

/** Escaped inline text, shortened first. */
function md(s: string, max: number = MAX.text): string {
  return escapeMarkdown(truncate(s, max));
}

/** An inline code span, shortened first. */
function code(s: string, max: number = MAX.name): string {
  return inlineCode(truncate(s, max));
}

/** A Markdown link; `url` comes from aws/console.ts, so it is already percent-encoded. */
function link(text: string, url: string): string {
  return `[${text}](${url.replace(/[\s()<>]/g, (c) => encodeURIComponent(c))})`;
}

/** `v8` for a numbered version, a code span otherwise (`$LATEST`). */
function version(v: string | undefined, unknown = 'a new version'): string {
  if (v === undefined || v === '') return unknown;
  const t = truncate(v, MAX.version);
  return /^\d+$/.test(t) ? `v${t}` : inlineCode(t);
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function validTime(ms: number): boolean {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15;
}

/** `HH:MM:SS` in UTC. */
function clock(ms: number): string {
  if (!validTime(ms)) return '?';
  const d = new Date(ms);
  return `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

/** `2025-06-01 12:00:05 UTC`. */
function timestamp(ms: number): string {
  if (!validTime(ms)) return '?';
  return `${new Date(ms).toISOString().slice(0, 10)} ${clock(ms)} UTC`;
}

function minutes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return 'an unknown number of minutes';
  const rounded = Math.round(n * 10) / 10;
  const words = `${rounded} minute${rounded === 1 ? '' : 's'}`;
  return rounded >= 60 ? `${words} (${formatDuration(rounded * 60_000)})` : words;
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

function headlineWord(r: ReleaseResult): string {
  switch (r.status) {
    case 'succeeded':
      return 'Released';
    case 'failed':
      return r.rolledBack ? 'Rolled back' : 'Failed';
    case 'stopped':
      return r.rolledBack ? 'Rolled back' : 'Stopped';
    case 'skipped':
      return 'Skipped — nothing new to release';
    case 'created':
      return 'Alias created';
    case 'started':
      return 'Started';
    case 'planned':
      return 'Planned (dry run)';
  }
}

function transition(r: ReleaseResult): string {
  if (r.status === 'skipped' || r.previousVersion === undefined) {
    return version(r.version ?? r.previousVersion);
  }
  return `${version(r.previousVersion)} → ${version(r.version)}`;
}

/** The outcome in one plain line, for the log: "Released: orders alias live, v7 → v8". */
export function outcomeLine(r: ReleaseResult): string {
  return `${headlineWord(r)}: ${r.functionName} alias ${r.alias}, ${transition(r)}${r.deploymentId ? ` (deployment ${r.deploymentId})` : ''}`;
}

function failed(r: ReleaseResult): boolean {
  return r.status === 'failed' || r.status === 'stopped';
}

/** The alias as read back, in words, and the command that puts it right when it needs it. */
function describeFinalAlias(r: ReleaseResult): { text: string; fix?: string } {
  const a: AliasState | undefined = r.finalAlias;
  if (a === undefined) {
    return { text: 'unknown: the alias could not be read back; check it in the console' };
  }
  const back = r.previousVersion ?? a.version;
  const fix = (routing: boolean): string =>
    [
      'aws lambda update-alias',
      `--function-name ${shellQuote(truncate(r.functionName, MAX.name))}`,
      `--name ${shellQuote(truncate(r.alias, MAX.name))}`,
      `--function-version ${shellQuote(truncate(back, MAX.version))}`,
      ...(routing ? ['--routing-config AdditionalVersionWeights={}'] : []),
      ...(r.region ? [`--region ${shellQuote(truncate(r.region, MAX.id))}`] : []),
    ].join(' ');
  if (isSplit(a)) {
    return {
      text: `split: ${md(formatAliasState(a), MAX.text)} — traffic is **not** fully on one version; every later deployment will fail until the alias is cleared`,
      fix: fix(true),
    };
  }
  const v = version(a.version);
  if (r.previousVersion !== undefined && a.version === r.previousVersion) {
    return {
      text: `100% on ${v} (previous version): ${r.rolledBack ? 'traffic is back on the previous version' : 'traffic is on the previous version'}`,
    };
  }
  if (r.version !== undefined && a.version === r.version) {
    if (failed(r) && r.previousVersion !== undefined) {
      return {
        text: `100% on ${v} (new version): the new version carries all traffic although the release did not succeed`,
        fix: fix(false),
      };
    }
    return { text: `100% on ${v} (new version)` };
  }
  const known = [
    r.previousVersion !== undefined ? `previous ${version(r.previousVersion)}` : undefined,
    r.version !== undefined ? `new ${version(r.version)}` : undefined,
  ].filter((x) => x !== undefined);
  return {
    text: `100% on ${v}${known.length > 0 ? `: neither the ${known.join(' nor the ')} version` : ''}`,
  };
}

function lead(r: ReleaseResult): string {
  const alias = code(r.alias);
  const deployment = r.deploymentId
    ? link(code(r.deploymentId, MAX.id), deploymentUrl(r.region, r.deploymentId))
    : undefined;
  switch (r.status) {
    case 'succeeded':
      return `Alias ${alias} sends all traffic to ${version(r.version)}.`;
    case 'failed':
    case 'stopped': {
      const what = deployment
        ? `Deployment ${deployment} ${r.status === 'failed' ? 'failed' : 'was stopped'}`
        : `The release ${r.status === 'failed' ? 'failed' : 'was stopped'}`;
      if (r.rolledBack) {
        const rolled = r.status === 'failed' ? 'and was rolled back' : 'and rolled back';
        return `${what} ${rolled}: all traffic is on ${version(r.previousVersion)} again.`;
      }
      return `${what}. Alias ${alias} now: ${describeFinalAlias(r).text}.`;
    }
    case 'skipped':
      return `Alias ${alias} already points at ${version(r.version ?? r.previousVersion)}: nothing was deployed.`;
    case 'created':
      return `Alias ${alias} did not exist; it was created on ${version(r.version)} with all traffic (no traffic shifting on a first release).`;
    case 'started':
      return `${deployment ? `Deployment ${deployment}` : 'The deployment'} started; the action did not wait for it to end (\`wait: false\`). Follow it in the console.`;
    case 'planned':
      return 'Dry run: everything was checked and nothing was changed.';
  }
}

function originText(origin: Origin): string {
  switch (origin.kind) {
    case 'alias':
      return ` — promoted from alias ${code(origin.alias)}`;
    case 'version':
      return ' — version given';
    case 'published':
      return '';
  }
}

function detailsTable(r: ReleaseResult): string[] {
  const fn = functionNameOf(r.functionName);
  const rows: [string, string][] = [];
  rows.push(['Function', link(code(fn), aliasUrl(r.region, r.functionName, r.alias))]);
  rows.push(['Alias', code(r.alias)]);
  rows.push(['Previous version', version(r.previousVersion, 'none (the alias did not exist)')]);
  rows.push([
    'New version',
    r.status === 'skipped'
      ? `${version(r.version ?? r.previousVersion)} (unchanged)`
      : version(r.version, r.status === 'planned' ? 'published when the release runs' : 'none'),
  ]);
  rows.push(['Source', `${md(r.source)}${originText(r.origin)}`]);
  const config = r.strategy.configName
    ? ` (${code(r.strategy.configName)})`
    : r.strategy.direct
      ? ' (no CodeDeploy deployment)'
      : '';
  rows.push(['Strategy', `${md(r.strategy.description || r.strategy.input)}${config}`]);
  if (r.deploymentId) {
    rows.push([
      'Deployment',
      link(code(r.deploymentId, MAX.id), deploymentUrl(r.region, r.deploymentId)),
    ]);
  }
  if (r.rollbackDeploymentId) {
    rows.push([
      'Rollback deployment',
      link(code(r.rollbackDeploymentId, MAX.id), deploymentUrl(r.region, r.rollbackDeploymentId)),
    ]);
  }
  rows.push(['Started', timestamp(r.startedAt)]);
  rows.push(['Duration', formatDuration(r.endedAt - r.startedAt)]);
  if (r.codeSha256) rows.push(['Code SHA-256', code(r.codeSha256, MAX.id)]);
  rows.push(['Status', code(r.status, MAX.id)]);
  if (failed(r) || r.rollbackDeploymentId) rows.push(['Rolled back', r.rolledBack ? 'yes' : 'no']);
  if (r.finalAlias) rows.push(['Alias now', md(formatAliasState(r.finalAlias))]);
  if (r.region) rows.push(['Region', code(r.region, MAX.id)]);
  return ['| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)];
}

function causeSection(r: ReleaseResult): string[] {
  const out = ['### Cause', ''];
  const c = r.cause;
  if (c) {
    const message = c.message ? md(c.message, MAX.message) : 'no message';
    out.push(c.code ? `${code(c.code, MAX.id)}: ${message}` : message, '');
  } else {
    out.push('No cause was reported.', '');
  }
  const items: string[] = [];
  if (c?.alarms && c.alarms.length > 0) {
    const shown = c.alarms.slice(0, MAX.alarms).map((a) => code(a, MAX.alarmName));
    const more = c.alarms.length - shown.length;
    items.push(`Alarms that fired: ${shown.join(', ')}${more > 0 ? `, and ${more} more` : ''}`);
  }
  if (c?.failedHook) {
    const hook = r.hooks.find((h) => h.hook === c.failedHook);
    items.push(
      `Failed hook: ${code(c.failedHook, MAX.id)}${hook ? ` (function ${code(hook.functionName)})` : ''}`,
    );
  }
  const alias = describeFinalAlias(r);
  items.push(`Alias ${code(r.alias)} now: ${alias.text}`);
  const rollback = r.rollbackDeploymentId
    ? ` (rollback deployment ${link(code(r.rollbackDeploymentId, MAX.id), deploymentUrl(r.region, r.rollbackDeploymentId))})`
    : '';
  items.push(`Rolled back: ${r.rolledBack ? 'yes' : 'no'}${rollback}`);
  out.push(...items.map((i) => `- ${i}`));
  if (alias.fix) {
    out.push(
      '',
      'To put all traffic back on the previous version:',
      '',
      codeBlock('sh', alias.fix),
    );
  }
  return out;
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

function timelineSection(r: ReleaseResult): string[] {
  const points = collapse(r.timeline);
  if (points.length === 0) return [];
  const row = (p: TrafficPoint): string => {
    const pct = Number.isFinite(p.newPercent) ? `${formatPercent(p.newPercent)}%` : '?';
    return `| ${clock(p.at)} | +${formatDuration(p.at - r.startedAt)} | ${pct} |`;
  };
  const head = MAX.timelineHead;
  const tail = MAX.timelineTail;
  const rows =
    points.length <= head + tail + 1
      ? points.map(row)
      : [
          ...points.slice(0, head).map(row),
          `| … | … | ${points.length - head - tail} more changes |`,
          ...points.slice(-tail).map(row),
        ];
  return [
    '### Traffic',
    '',
    `| Time (UTC) | Since start | On ${version(r.version, 'the new version')} |`,
    '|---|---|---|',
    ...rows,
  ];
}

function hooksSection(r: ReleaseResult): string[] {
  if (r.hooks.length === 0) return [];
  const shown = r.hooks.slice(0, MAX.hooks);
  const rows = shown.map((h) => {
    const status = md(h.status, MAX.id);
    return `| ${code(h.hook, MAX.id)} | ${code(h.functionName)} | ${h.status === 'Failed' ? `**${status}**` : status} |`;
  });
  if (r.hooks.length > shown.length) rows.push(`| … | … | ${r.hooks.length - shown.length} more |`);
  return ['### Hooks', '', '| Hook | Function | Status |', '|---|---|---|', ...rows];
}

function planSection(r: ReleaseResult): string[] {
  const plan = r.plan;
  if (!plan) return ['### Plan', '', 'No plan was made.'];
  const steps = plan.steps.slice(0, MAX.planSteps).map((s, i) => `${i + 1}. ${md(s, MAX.item)}`);
  if (plan.steps.length > MAX.planSteps) {
    steps.push(`${MAX.planSteps + 1}. … and ${plan.steps.length - MAX.planSteps} more steps`);
  }
  const shifting =
    plan.shiftMinutes > 0
      ? `Traffic shifting takes about ${minutes(plan.shiftMinutes)} by the strategy`
      : 'Traffic moves at once';
  return [
    '### Plan',
    '',
    ...(steps.length > 0 ? steps : ['Nothing to do.']),
    '',
    `${shifting}; the action would wait up to ${minutes(plan.timeoutMinutes)} for the deployment.`,
  ];
}

function notesSection(r: ReleaseResult): string[] {
  if (r.notes.length === 0) return [];
  const items = r.notes.slice(0, MAX.notes).map((n) => `- ${md(n.text, MAX.item)}`);
  if (r.notes.length > MAX.notes) items.push(`- … and ${r.notes.length - MAX.notes} more notes`);
  return ['### Notes', '', ...items];
}

/** Cuts at a line boundary so that the result fits in `maxBytes` of UTF-8. */
function fitToSize(markdown: string, maxBytes: number): string {
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

/** The job summary for one release, as Markdown. Pure: no I/O, no clock. */
export function renderSummary(result: ReleaseResult): string {
  const r = result;
  const title = `## ${headlineWord(r)}: ${code(functionNameOf(r.functionName))} alias ${code(r.alias)}, ${transition(r)}`;
  const sections: string[][] = [[title, '', lead(r)]];
  if (failed(r)) sections.push(causeSection(r));
  if (r.status === 'planned') sections.push(planSection(r));
  sections.push(detailsTable(r));
  sections.push(timelineSection(r));
  sections.push(canarySection(r.canary));
  sections.push(hooksSection(r));
  sections.push(notesSection(r));
  const markdown = `${sections
    .filter((s) => s.length > 0)
    .map((s) => s.join('\n'))
    .join('\n\n')}\n`;
  return fitToSize(markdown, SUMMARY_MAX_BYTES);
}
