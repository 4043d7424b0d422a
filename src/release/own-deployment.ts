// How this run's deployment is recognised when its id was never seen (killed while
// CreateDeployment was in flight): its group, its description and when it can have been made.
// Small on purpose: the shell saves it before the release code is loaded.

/** Leeway for the clock difference between this runner and AWS, when matching create times. */
export const CLOCK_SKEW_MS = 30_000;

/** CodeDeploy's older documented limit is 100 characters. */
export function deploymentDescription(settings: { versionDescription: string }): string {
  return settings.versionDescription.slice(0, 100);
}

export interface OwnDeployment {
  application: string;
  deploymentGroup: string;
  /** Our deployment's description: it names the run. */
  description: string;
  /** epoch ms, CLOCK_SKEW_MS before we could have created it; deployments created earlier are not ours */
  since: number;
}

export function ownDeployment(
  settings: { application?: string; deploymentGroup?: string; versionDescription: string },
  startedAt: number,
): OwnDeployment {
  return {
    application: settings.application!,
    deploymentGroup: settings.deploymentGroup!,
    description: deploymentDescription(settings),
    since: startedAt - CLOCK_SKEW_MS,
  };
}
