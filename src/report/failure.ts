// The one-paragraph error annotation for a failed release. It starts with the summary's first
// line, word for word, then adds what that line leaves out: the cause in full, the hook's
// function, every alarm, where traffic is in words, and what a person must do.
import type { NoteKind, ReleaseResult } from '../release/result.ts';
import { codeDeployFix } from './codes.ts';
import { headline, neverGotTraffic } from './headline.ts';
import { formatAliasState, isSplit } from './progress.ts';

/** The notes about where traffic was left that a person must act on. */
const ACTIONABLE: readonly NoteKind[] = ['traffic-split', 'rollback-unfinished', 'rollback-failed'];

/** The cause already says where traffic is (smoke test, timeout): no second sentence. */
const SAYS_TRAFFIC =
  /\bno traffic (was )?moved\b|\btraffic is back on\b|\bis back on version\b|\bstill running\b/i;

function trafficSentence(r: ReleaseResult): string | undefined {
  if (r.cause && SAYS_TRAFFIC.test(r.cause.message)) return undefined;
  if (r.deploymentId) {
    // A BeforeAllowTraffic failure rolls back a deployment that never moved traffic.
    if (r.rolledBack && neverGotTraffic(r))
      return `Traffic stays on the previous version ${r.previousVersion}.`;
    if (r.rolledBack) return `Traffic is back on the previous version ${r.previousVersion}.`;
    if (r.finalAlias)
      return `Traffic was NOT returned to the previous version: alias ${r.alias} is on ${formatAliasState(r.finalAlias)}.`;
    return undefined;
  }
  // Another deployment (a busy group) may have split the alias already: say so, as read.
  if (r.finalAlias && isSplit(r.finalAlias))
    return `No traffic moved by this release: alias ${r.alias} is on ${formatAliasState(r.finalAlias)}, as read before it.`;
  if (r.previousVersion && r.status !== 'started')
    return `No traffic moved: alias ${r.alias} is still on version ${r.previousVersion}.`;
  return undefined;
}

/** AWS's messages may lack the final stop; the next sentence needs one. */
function asSentence(text: string): string {
  const t = text.trimEnd();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

export function failureMessage(r: ReleaseResult): string {
  const parts = [`${headline(r)}.`];
  const c = r.cause;
  // As written: names in backticks, as the log shows them; a list of problems stays a list.
  if (c) parts.push(asSentence(`${c.code ? `${c.code}: ` : ''}${c.message}`));
  const fix = codeDeployFix(c);
  if (fix) parts.push(fix);
  if (c?.gate) parts.push(c.gate);
  if (c?.alarms && c.alarms.length > 1) parts.push(`Alarms that fired: ${c.alarms.join(', ')}.`);
  const hook = r.hooks.find((h) => h.hook === c?.failedHook);
  if (c?.failedHook && hook) parts.push(`Failed hook: ${c.failedHook} (${hook.functionName}).`);
  const traffic = trafficSentence(r);
  if (traffic) parts.push(traffic);
  parts.push(...r.notes.filter((n) => ACTIONABLE.includes(n.kind)).map((n) => n.text));
  return parts.join(' ');
}
