// on-cancel for one entry of a release (the shell runs every entry's at once, within the
// runner's window): stop its deployment with rollback, return the alias an earlier wave moved,
// or say it never started.
import type { Entry } from '../settings/index.ts';
import { isWhollyOn } from './alias.ts';
import { cancelRelease } from './cancel.ts';
import { returnAlias } from './fate.ts';
import { noteDurable } from './function-kind.ts';
import { endTimeline } from './outcome.ts';
import { ownDeployment } from './own-deployment.ts';
import type { EntryResult, ProgressSink } from './result.ts';

export interface CancelledEntry {
  entry: Entry;
  result: EntryResult;
  /** Its deployment's id, when the release saw it. */
  deploymentId: string | undefined;
  /** Its wave had started: its deployment may exist even if its id was not seen. */
  waveStarted: boolean;
  /** The release has several entries (one entry behaves as a single-function release). */
  several: boolean;
  usingRoleToAssume: boolean;
}

export type CancelDeps = Parameters<typeof cancelRelease>[0] & { progress: ProgressSink };

export async function cancelEntry(
  c: CancelledEntry,
  deps: CancelDeps,
  deadline: number,
): Promise<void> {
  await stopOrReturn(c, deps, deadline);
  noteDurable(c.result);
}

async function stopOrReturn(c: CancelledEntry, deps: CancelDeps, deadline: number): Promise<void> {
  const { entry, result, several } = c;
  const { settings } = entry;
  const moved = (result.status === 'succeeded' || result.status === 'created') && !result.fate;
  if (several && moved) {
    if (settings.onCancel === 'leave') return;
    await returnAlias(
      { result, functionRef: settings.functionName, alias: settings.alias },
      deps,
      'because the workflow run was cancelled',
    );
    return;
  }
  if (several && !c.waveStarted) {
    result.fate = { kind: 'not-started' };
    return;
  }
  const find =
    settings.strategy.kind === 'direct' ? undefined : ownDeployment(settings, result.startedAt);
  const outcome = await cancelRelease(
    deps,
    {
      functionName: settings.functionName,
      alias: settings.alias,
      onCancel: settings.onCancel,
      deploymentId: c.deploymentId,
      find,
      previousVersion: result.previousVersion,
      region: settings.region,
      usingRoleToAssume: c.usingRoleToAssume,
    },
    deadline,
  );
  Object.assign(result, outcome);
  // Its deployment had already succeeded: one fate returns it like an earlier wave's.
  const landed = outcome.finalAlias && isWhollyOn(outcome.finalAlias, result.version ?? '');
  if (several && landed && !outcome.rolledBack && settings.onCancel === 'rollback') {
    result.status = 'succeeded';
    return returnAlias(
      { result, functionRef: settings.functionName, alias: settings.alias },
      deps,
      'because the workflow run was cancelled',
    );
  }
  // The timeline ends where the cancel left traffic.
  if (outcome.finalAlias && result.version && result.timeline.length > 0)
    endTimeline(
      result.timeline,
      outcome.finalAlias,
      result.version,
      deps.clock.now(),
      outcome.rolledBack ? 'cancel' : undefined,
    );
}
