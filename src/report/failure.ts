// The one-paragraph error annotation for a failed release: the cause in CodeDeploy's words,
// the alarms or hook, and where traffic is now.
import type { NoteKind, ReleaseResult } from '../release/result.ts';
import { formatAliasState } from './progress.ts';

/** The notes about where traffic was left that a person must act on. */
const ACTIONABLE: readonly NoteKind[] = ['traffic-split', 'rollback-unfinished', 'rollback-failed'];

export function failureMessage(r: ReleaseResult): string {
  const what =
    r.status === 'stopped'
      ? 'The release was stopped'
      : r.deploymentId
        ? 'The release failed'
        : 'The release did not start';
  const parts = [`${what}${r.deploymentId ? ` (deployment ${r.deploymentId})` : ''}.`];
  if (r.cause) parts.push(`${r.cause.code ? `${r.cause.code}: ` : ''}${r.cause.message}`);
  if (r.cause?.alarms?.length) parts.push(`Alarms that fired: ${r.cause.alarms.join(', ')}.`);
  const hook = r.hooks.find((h) => h.hook === r.cause?.failedHook);
  if (r.cause?.failedHook)
    parts.push(`Failed hook: ${r.cause.failedHook}${hook ? ` (${hook.functionName})` : ''}.`);
  if (r.deploymentId) {
    if (r.rolledBack)
      parts.push(`Traffic is back on the previous version ${r.previousVersion} (rolled back).`);
    else if (r.finalAlias)
      parts.push(
        `Traffic was NOT returned to the previous version: alias ${r.alias} is on ${formatAliasState(r.finalAlias)}.`,
      );
  } else if (r.previousVersion && r.status !== 'started') {
    parts.push(`No traffic moved: alias ${r.alias} is still on version ${r.previousVersion}.`);
  }
  parts.push(...r.notes.filter((n) => ACTIONABLE.includes(n.kind)).map((n) => n.text));
  return parts.join(' ');
}
