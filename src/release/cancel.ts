// Stopping a deployment we started when the run is cancelled (main) or died (post).
import { isTerminal } from '../aws/codedeploy.ts';
import { deploymentUrl } from '../aws/console.ts';
import { expiredCredentialsError, isExpiredCredentials } from '../aws/credential-errors.ts';
import { describeAwsError } from '../aws/errors.ts';
import type { AliasInfo } from '../aws/lambda.ts';
import { formatAliasState } from '../report/progress.ts';
import type { OnEvent } from '../settings/index.ts';
import { findOwnDeployment, type OwnDeploymentQuery } from './deploy.ts';
import type { Clock, ReleaseDeps } from './deps.ts';
import { aliasState } from './outcome.ts';
import type { AliasState, Cause, ReleaseStatus } from './result.ts';

export interface CancelOutcome {
  /** What StopDeployment said: Pending, Succeeded, or 'completed' when it had already ended. */
  stop: string;
  /** The alias as last read. */
  alias?: AliasInfo;
  /** True once the alias is wholly on the previous version. */
  restored: boolean;
}

type StopDeps = Pick<ReleaseDeps, 'lambda' | 'codedeploy'> & { clock: Clock };

/**
 * StopDeployment with rollback, then read the alias until it is wholly back on `previous`
 * or `deadline` passes. A deployment that already ended is left alone.
 */
export async function stopAndConfirm(
  deps: StopDeps,
  p: {
    deploymentId: string;
    functionName: string;
    alias: string;
    previous: string;
    rollback: boolean;
  },
  deadline: number,
): Promise<CancelOutcome> {
  const stop = await deps.codedeploy.stopDeployment(p.deploymentId, p.rollback);
  let alias: AliasInfo | undefined;
  for (;;) {
    alias = await deps.lambda.getAlias(p.functionName, p.alias);
    const restored =
      !!alias && alias.version === p.previous && Object.keys(alias.weights).length === 0;
    if (restored || !p.rollback) return { stop, alias, restored };
    if (stop === 'completed') {
      // It ended before our stop: if it failed, CodeDeploy may still be rolling back.
      const info = await deps.codedeploy.getDeployment(p.deploymentId);
      const rb = info.rollbackDeploymentId;
      if (info.status === 'Succeeded' || !rb) return { stop, alias, restored };
      if (isTerminal((await deps.codedeploy.getDeployment(rb)).status))
        return { stop, alias, restored };
    }
    if (deps.clock.now() + 500 >= deadline) return { stop, alias, restored };
    await deps.clock.sleep(500);
  }
}

/** What a cancelled release knew when the signal came. */
export interface Cancelled {
  functionName: string;
  alias: string;
  onCancel: OnEvent;
  /** Our deployment's id, when it was seen. */
  deploymentId?: string;
  /** How to find our deployment when its id was not seen; absent for strategy: direct. */
  find?: OwnDeploymentQuery;
  previousVersion?: string;
  /** For the console link when the deployment must be left to CodeDeploy. */
  region?: string;
  usingRoleToAssume?: boolean;
}

/** What the cancel did, for the result. */
export interface CancelResult {
  status: ReleaseStatus;
  cause: Cause;
  deploymentId?: string;
  rolledBack?: boolean;
  finalAlias?: AliasState;
}

/** on-cancel: stop our deployment with rollback and confirm the alias, before `deadline`. */
export async function cancelRelease(
  deps: StopDeps,
  c: Cancelled,
  deadline: number,
): Promise<CancelResult> {
  const cause: Cause = { code: 'CANCELLED', message: 'The workflow run was cancelled.' };
  const find = c.find;
  const id =
    c.deploymentId ??
    (find && (await findOwnDeployment(deps.codedeploy, find).catch(() => undefined)));
  if (!id) return nothingStarted(deps, c, cause);
  if (c.onCancel === 'leave') {
    cause.message += ` Deployment ${id} was left running (on-cancel: leave).`;
    return { status: 'failed', cause, deploymentId: id };
  }
  const out: CancelResult = { status: 'stopped', cause, deploymentId: id };
  try {
    const stopped = await stopAndConfirm(
      deps,
      {
        deploymentId: id,
        functionName: c.functionName,
        alias: c.alias,
        previous: c.previousVersion ?? '',
        rollback: true,
      },
      deadline,
    );
    out.rolledBack = stopped.restored;
    if (stopped.alias)
      out.finalAlias = { version: stopped.alias.version, weights: stopped.alias.weights };
    cause.message += stopMessage(id, c, stopped);
  } catch (error) {
    if (isExpiredCredentials(error)) {
      out.status = 'failed';
      cause.message += ` Deployment ${id} could not be stopped: ${expiredMessage(error, id, c)}`;
    } else
      cause.message += ` ${describeAwsError(error, `stopping deployment ${id} on cancel`).message} The post step checks again.`;
  }
  return out;
}

/** The expired-credentials cause, for a deployment that goes on without us. */
export function expiredMessage(
  error: unknown,
  id: string,
  c: { region?: string; usingRoleToAssume?: boolean },
): string {
  return expiredCredentialsError(error, {
    deploymentId: id,
    consoleUrl: c.region ? deploymentUrl(c.region, id) : undefined,
    usingRoleToAssume: c.usingRoleToAssume ?? false,
  }).message;
}

/**
 * No deployment to stop: where the alias is, read once (best effort). A direct move may
 * have landed just before the cancel, and a split the run found is still there.
 */
async function nothingStarted(deps: StopDeps, c: Cancelled, cause: Cause): Promise<CancelResult> {
  const alias = await deps.lambda.getAlias(c.functionName, c.alias).catch(() => undefined);
  const unmoved =
    !alias || (alias.version === c.previousVersion && Object.keys(alias.weights).length === 0);
  const split = alias && Object.keys(alias.weights).length > 0 ? ', split between versions' : '';
  cause.message += unmoved
    ? ' No deployment had started; no traffic moved.'
    : ` No deployment had started; alias ${c.alias} is on ${formatAliasState(alias)}${split}.`;
  return { status: 'stopped', cause, ...(alias ? { finalAlias: aliasState(alias) } : {}) };
}

function stopMessage(id: string, c: Cancelled, out: CancelOutcome): string {
  if (out.restored)
    return ` Deployment ${id} was stopped with rollback; alias ${c.alias} is back on version ${c.previousVersion}.`;
  if (out.stop === 'completed') return ` Deployment ${id} had already ended.`;
  return ` Deployment ${id} was stopped with rollback, but the alias was not yet back on version ${c.previousVersion}${out.alias ? ` (now ${formatAliasState(out.alias)})` : ''}; the post step checks again.`;
}
