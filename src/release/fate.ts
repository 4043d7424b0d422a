// One fate's two moves on an entry when the release failed elsewhere: stop its running
// deployment with rollback, or point its alias back at the previous version, pinned to the
// RevisionId read just before so an alias someone else moved meanwhile is left alone.
import { describeAwsError } from '../aws/errors.ts';
import { formatAliasState } from '../report/progress.ts';
import { isWhollyOn, pointAliasPinned } from './alias.ts';
import { stopAndConfirm } from './cancel.ts';
import type { Clock } from './deps.ts';
import { ReleaseError } from './errors.ts';
import { aliasState, endTimeline } from './outcome.ts';
import type { EntryResult, Fate, ProgressSink } from './result.ts';
import type { EntryRun } from './run.ts';

/** How long a stop may take to show the alias back on the previous version. */
const STOP_CONFIRM_MS = 5 * 60_000;

/** Its deployment was running when the release failed elsewhere: StopDeployment with rollback. */
export async function stopRunning(run: EntryRun, because: string): Promise<void> {
  const r = run.result;
  const plan = run.release!.plan;
  const id = r.deploymentId!;
  const previous = r.previousVersion ?? '';
  const { lambda, codedeploy, clock } = run.deps;
  try {
    const out = await stopAndConfirm(
      { lambda, codedeploy, clock },
      {
        deploymentId: id,
        functionName: plan.functionRef,
        alias: plan.alias,
        previous,
        rollback: true,
      },
      clock.now() + STOP_CONFIRM_MS,
    );
    r.status = 'stopped';
    r.rolledBack = out.restored;
    if (out.alias) {
      r.finalAlias = aliasState(out.alias);
      if (r.version) endTimeline(r.timeline, r.finalAlias, r.version, clock.now(), 'rollback');
    }
    const where = out.restored
      ? `alias ${plan.alias} is back on version ${previous}`
      : `alias ${plan.alias} is on ${out.alias ? formatAliasState(out.alias) : 'an unknown version'}, not yet back on version ${previous}`;
    r.cause = {
      code: 'STOPPED_BY_RELEASE',
      message: `Deployment ${id} was stopped with rollback ${because}; ${where}.`,
    };
    r.fate = { kind: 'stopped', restored: out.restored };
  } catch (error) {
    const why = describeAwsError(error, `stopping deployment ${id} ${because}`).message;
    r.fate = { kind: 'left', why: `its deployment ${id} could not be stopped: ${why}` };
  }
  tell(r, run.deps);
}

/** Where an alias this release moved is, and who it belongs to. */
/** What returning an alias reads of its entry and records on it. */
export type Returnable = Pick<
  EntryResult,
  | 'alias'
  | 'version'
  | 'previousVersion'
  | 'status'
  | 'finalAlias'
  | 'rolledBack'
  | 'timeline'
  | 'notes'
  | 'endedAt'
  | 'fate'
  | 'cause'
>;

export interface MovedAlias {
  result: Returnable;
  functionRef: string;
  alias: string;
}

type AliasDeps = Parameters<typeof pointAliasPinned>[0];

/** Its alias moved to this release's version (an earlier wave, or a sibling that finished). */
export async function returnAlias(m: MovedAlias, deps: AliasDeps, because: string): Promise<void> {
  const r = m.result;
  r.fate = await returned(m, deps, because);
  tell(r, deps);
}

async function returned(m: MovedAlias, deps: AliasDeps, because: string): Promise<Fate> {
  const { result: r, alias } = m;
  const version = r.version ?? '';
  const previous = r.previousVersion;
  if (!previous || r.status === 'created')
    return {
      kind: 'left',
      why: `this release created alias ${alias} on version ${version}; there is no previous version to return it to`,
    };
  try {
    const now = await deps.lambda.getAlias(m.functionRef, alias);
    if (!now || !isWhollyOn(now, version)) {
      if (now) {
        r.finalAlias = aliasState(now);
        endTimeline(r.timeline, r.finalAlias, version, deps.clock.now(), 'other');
      }
      return {
        kind: 'left',
        why: `someone else moved alias ${alias} after this release put it on version ${version}; it is on ${now ? formatAliasState(now) : 'nothing (it was deleted)'}`,
      };
    }
    const back = await pointAliasPinned(deps, { ...m, current: now }, previous);
    r.finalAlias = aliasState(back);
    r.rolledBack = true;
    endTimeline(r.timeline, r.finalAlias, version, deps.clock.now(), 'rollback');
    return { kind: 'returned' };
  } catch (error) {
    const why =
      error instanceof ReleaseError && error.code === 'ALIAS_MOVED'
        ? error.message
        : describeAwsError(error, `returning alias ${alias} to version ${previous} ${because}`)
            .message;
    return { kind: 'left', why };
  }
}

/** The log line and the entry's note: what one fate did to it. */
function tell(r: Returnable, { progress, clock }: { progress: ProgressSink; clock: Clock }): void {
  const text = fateWords(r);
  r.endedAt = clock.now();
  progress({ kind: r.rolledBack ? 'info' : 'warning', message: text });
  r.notes.push({ kind: 'fate', text });
}

/** What one fate did to the entry, in a sentence. */
export function fateWords(r: Returnable): string {
  const f = r.fate;
  if (!f) return '';
  switch (f.kind) {
    case 'not-started':
      return 'Not started; no traffic moved.';
    case 'stopped':
      return r.cause?.message ?? 'Stopped.';
    case 'returned':
      return `Alias ${r.alias} returned to version ${r.previousVersion}: this release had put it on version ${r.version}, and the release failed elsewhere.`;
    case 'left':
      return `Alias ${r.alias} left as it is: ${f.why}.`;
  }
}
