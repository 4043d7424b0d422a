// The GitHub REST calls of deployment records, through @actions/github's octokit (its base URL
// is GITHUB_API_URL, so GitHub Enterprise Server and test stand-ins work). Loaded only when
// `github-environment` is set: the client is large and start-up time matters. What GitHub does
// with these calls: docs/aws-semantics.md, "GitHub deployments".
import { getOctokit } from '@actions/github';
import type { DeploymentsApi } from './deployments.ts';

/** `repository` is `owner/name` (GITHUB_REPOSITORY). */
export function octokitDeployments(token: string, repository: string): DeploymentsApi {
  const octokit = getOctokit(token);
  const [owner = '', repo = ''] = repository.split('/');
  return {
    async createDeployment(d, signal) {
      const res = await octokit.rest.repos.createDeployment({
        owner,
        repo,
        ref: d.ref,
        environment: d.environment,
        description: d.description,
        // Only a record: no merge of the default branch into the ref, no commit checks waited for.
        auto_merge: false,
        required_contexts: [],
        // An alias stays after the run; the environment is not torn down.
        transient_environment: false,
        production_environment: d.production,
        payload: d.payload,
        request: { signal },
      });
      // 202 is GitHub's answer when it merged instead (never with auto_merge: false).
      if (res.status !== 201 || !('id' in res.data))
        throw new Error(`GitHub made no deployment (HTTP ${res.status}).`);
      return res.data.id;
    },
    async createStatus(id, s, signal) {
      await octokit.rest.repos.createDeploymentStatus({
        owner,
        repo,
        deployment_id: id,
        state: s.state,
        description: s.description,
        environment_url: s.url,
        log_url: s.logUrl,
        request: { signal },
      });
    },
  };
}
