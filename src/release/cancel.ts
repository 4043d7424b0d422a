// Stopping a deployment we started when the run is cancelled (main) or died (post).
import { isTerminal } from '../aws/codedeploy.ts';
import type { AliasInfo } from '../aws/lambda.ts';
import type { Clock, ReleaseDeps } from './deps.ts';

export interface CancelOutcome {
  /** What StopDeployment said: Pending, Succeeded, or 'completed' when it had already ended. */
  stop: string;
  /** The alias as last read. */
  alias?: AliasInfo;
  /** True once the alias is wholly on the previous version. */
  restored: boolean;
}

/**
 * StopDeployment with rollback, then read the alias until it is wholly back on `previous`
 * or `deadline` passes. A deployment that already ended is left alone.
 */
export async function stopAndConfirm(
  deps: Pick<ReleaseDeps, 'lambda' | 'codedeploy'> & { clock: Clock },
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
      const rb = info.rollbackInfo?.rollbackDeploymentId;
      if (info.status === 'Succeeded' || !rb) return { stop, alias, restored };
      if (isTerminal((await deps.codedeploy.getDeployment(rb)).status))
        return { stop, alias, restored };
    }
    if (deps.clock.now() + 500 >= deadline) return { stop, alias, restored };
    await deps.clock.sleep(500);
  }
}
