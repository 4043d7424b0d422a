// The shell's side of `github-environment`: the run's links from the runner's variables, the
// log, and the GitHub client, loaded only when the input is used.
import * as core from '@actions/core';
import { GitHubDeployments, runLinks } from './github/deployments.ts';
import { deployingStatus, type EntryFacts, finalStatus, startEntry } from './github/statuses.ts';
import type { Settings } from './settings/index.ts';

/** The GitHub deployment of this run's one entry. */
export interface GitHubRecord {
  /** The CodeDeploy deployment exists: the record links to it now. */
  deploying(facts: EntryFacts): void;
  /** The last status; `signal` bounds the wait (the cancel window). Never rejects. */
  finish(facts: EntryFacts, cancelled: boolean, signal?: AbortSignal): Promise<void>;
}

/** Starts the record of a real release with `github-environment`; undefined otherwise. */
export function recordOnGitHub(settings: Settings, facts: EntryFacts): GitHubRecord | undefined {
  const github = settings.github;
  if (!github || settings.dryRun) return undefined;
  const run = runLinks(process.env);
  if (!run) {
    core.warning(
      'github-environment is set, but GITHUB_REPOSITORY, GITHUB_RUN_ID or GITHUB_SHA is not: no GitHub deployment is recorded outside a workflow run.',
    );
    return undefined;
  }
  core.setSecret(github.token);
  const repository = process.env.GITHUB_REPOSITORY ?? '';
  const api = import('./github/octokit.ts').then((m) =>
    m.octokitDeployments(github.token, repository),
  );
  const records = new GitHubDeployments(api, run, {
    info: (m) => core.info(m),
    warning: (m) => core.warning(m),
  });
  const entry = startEntry(facts, github.environment);
  records.start([entry]);
  return {
    deploying: (f) => records.update(entry.key, deployingStatus(f)),
    finish: (f, cancelled, signal) => records.finish(entry.key, finalStatus(f, cancelled), signal),
  };
}
