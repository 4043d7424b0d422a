// `github-environment` and `github-token`: recording the release as a GitHub deployment.
import { type Reader, show } from './problems.ts';

export interface GitHubSettings {
  /** The GitHub environment the deployment is recorded in (one entry: as given). */
  environment: string;
  token: string;
}

/** GitHub refuses environment names longer than this. */
const MAX_ENVIRONMENT = 255;

export function readGitHub(r: Reader): { github?: GitHubSettings } {
  const environment = r.get('github-environment');
  // github-token alone is ignored: the runner passes its default (the job's token) always.
  if (!environment) return {};
  if (environment.length > MAX_ENVIRONMENT || /[\r\n\t]/.test(environment))
    r.problem(
      'github-environment',
      `${show(environment)} is not a GitHub environment name. Valid: at most ${MAX_ENVIRONMENT} characters on one line with no tabs, e.g. \`production\`; leave it empty to record no GitHub deployment.`,
    );
  const token = r.get('github-token');
  if (!token)
    r.problem(
      'github-token',
      "is empty, but `github-environment` needs a token to record the deployment. Valid: leave it unset for the job's own token (the job needs `permissions: deployments: write`), or a token with that permission from a secret.",
    );
  return { github: { environment, token } };
}
