// Finding the CodeDeploy deployment config an inline strategy (`canary 25% 15m`) deploys with.
import { isAbort } from '../aws/errors.ts';
import { describeRouting, sameRouting, type TrafficRouting } from '../strategy.ts';
import type { ReleaseDeps } from './deps.ts';
import { ReleaseError } from './errors.ts';

/** Finds a custom config with this routing: our own deterministic name first, then any other. */
export async function findConfig(
  deps: Pick<ReleaseDeps, 'codedeploy'>,
  preferred: string,
  routing: TrafficRouting,
): Promise<string | undefined> {
  const own = await deps.codedeploy.getDeploymentConfig(preferred);
  if (own?.computePlatform === 'Lambda' && own.routing && sameRouting(own.routing, routing))
    return own.name;
  // Reusing someone else's matching config is a nicety: if they cannot be listed, ours is made.
  const names = await deps.codedeploy.listDeploymentConfigs().catch((error: unknown) => {
    if (isAbort(error)) throw error;
    return [] as string[];
  });
  for (const name of names) {
    if (name === preferred || name.startsWith('CodeDeployDefault.')) continue;
    const config = await deps.codedeploy.getDeploymentConfig(name);
    if (
      config?.computePlatform === 'Lambda' &&
      config.routing &&
      sameRouting(config.routing, routing)
    )
      return config.name;
  }
  if (own)
    throw new ReleaseError(
      'STRATEGY_CONFLICT',
      `Deployment config \`${preferred}\` exists with a different traffic routing; it cannot be reused for \`${describeRouting(routing)}\`. Delete it or name a config in \`strategy\`.`,
    );
  return undefined;
}
