// The CodeDeploy deployment config a deployment uses: found for an inline strategy
// (`canary 25% 15m`), created when missing, and checked to hold exactly the requested
// routing wherever one is reused: CodeDeploy takes a config by name only, so a config of
// that name with other routing would shift traffic in a way nobody asked for.
import type { DeploymentConfigInfo } from '../aws/codedeploy.ts';
import { isAbort, isAwsError } from '../aws/errors.ts';
import { describeRouting, sameRouting, type TrafficRouting } from '../strategy.ts';
import type { ReleaseDeps } from './deps.ts';
import { ReleaseError } from './errors.ts';
import type { DeploymentPlan } from './plan.ts';

/** AWS's own configs: they cannot be created, deleted or changed by anyone. */
const PREDEFINED = 'CodeDeployDefault.';

/** A Lambda config whose traffic routing is exactly `routing`. */
export function fits(config: DeploymentConfigInfo | undefined, routing: TrafficRouting): boolean {
  return (
    config?.computePlatform === 'Lambda' && !!config.routing && sameRouting(config.routing, routing)
  );
}

/** What a config holds, in words, for a refusal. */
function holds(config: DeploymentConfigInfo): string {
  if (config.computePlatform !== 'Lambda')
    return `a config for the ${config.computePlatform ?? 'unknown'} compute platform`;
  return config.routing
    ? describeRouting(config.routing)
    : 'a traffic routing this action cannot read';
}

export function configConflict(
  name: string,
  config: DeploymentConfigInfo | undefined,
  routing: TrafficRouting,
  when: string,
): ReleaseError {
  const held = config ? `holds ${holds(config)}` : 'no longer exists';
  return new ReleaseError(
    'STRATEGY_CONFLICT',
    `Deployment config \`${name}\` ${held}${when}, not the requested ${describeRouting(routing)}; deploying with it would shift traffic in a way nobody asked for, so no deployment was created. Delete or rename that config, or name a config in \`strategy\`, then run again.`,
  );
}

/** Finds a custom config with this routing: our own deterministic name first, then any other. */
export async function findConfig(
  deps: Pick<ReleaseDeps, 'codedeploy'>,
  preferred: string,
  routing: TrafficRouting,
): Promise<string | undefined> {
  const own = await deps.codedeploy.getDeploymentConfig(preferred);
  if (fits(own, routing)) return own!.name;
  // Reusing someone else's matching config is a nicety: if they cannot be listed, ours is made.
  const names = await deps.codedeploy.listDeploymentConfigs().catch((error: unknown) => {
    if (isAbort(error)) throw error;
    return [] as string[];
  });
  for (const name of names) {
    if (name === preferred || name.startsWith(PREDEFINED)) continue;
    const config = await deps.codedeploy.getDeploymentConfig(name);
    if (fits(config, routing)) return config!.name;
  }
  if (own) throw configConflict(preferred, own, routing, '');
  return undefined;
}

/**
 * Right before CreateDeployment: creates the config when preflight found none, and otherwise
 * reads it again. Another run (or person) may have created a config of that name in
 * between (AlreadyExists), or deleted and recreated a reused one; it is used only when it
 * still holds exactly the routing the plan was made with.
 */
export async function ensureConfig(d: DeploymentPlan, deps: ReleaseDeps): Promise<void> {
  if (d.configName.startsWith(PREDEFINED)) return;
  if (d.createConfig) {
    try {
      await deps.codedeploy.createDeploymentConfig(d.configName, d.routing);
      deps.progress({ kind: 'info', message: `Created deployment config ${d.configName}.` });
      return;
    } catch (error) {
      // Also our own create, when its answer was lost and the SDK sent it again.
      if (!isAwsError(error, 'DeploymentConfigAlreadyExistsException')) throw error;
    }
  }
  const now = await deps.codedeploy.getDeploymentConfig(d.configName);
  if (!fits(now, d.routing))
    throw configConflict(
      d.configName,
      now,
      d.routing,
      d.createConfig ? ' (someone else created it after preflight found none)' : ' now',
    );
}
