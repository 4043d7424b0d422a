// The shell's side of `github-environment`: the run's links from the runner's variables, the
// log, and the GitHub client, loaded only when the input is used.
import * as core from '@actions/core';
import {
  type DeploymentsApi,
  GitHubDeployments,
  type Log,
  runLinks,
} from './github/deployments.ts';
import {
  deployingStatus,
  type EntryFacts,
  finalStatus,
  postStatus,
  startEntry,
} from './github/statuses.ts';
import type { PostReport } from './report/post-summary.ts';
import type { Settings } from './settings/index.ts';
import { type ReleaseState, saveRelease } from './state.ts';

const log: Log = { info: (m) => core.info(m), warning: (m) => core.warning(m) };

/** The GitHub client, loaded now (it is large: only runs with github-environment load it). */
function client(token: string): Promise<DeploymentsApi> {
  core.setSecret(token);
  const repository = process.env.GITHUB_REPOSITORY ?? '';
  return import('./github/octokit.ts').then((m) => m.octokitDeployments(token, repository));
}

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
  const ids: Record<string, number> = {};
  const records = new GitHubDeployments(client(github.token), run, log, (key, id) => {
    ids[key] = id;
    // The post step ends the record if main is killed before it does.
    saveRelease({ github: { environment: github.environment, ids } });
  });
  const entry = startEntry(facts, github.environment);
  records.start([entry]);
  return {
    deploying: (f) => records.update(entry.key, deployingStatus(f)),
    finish: (f, cancelled, signal) => records.finish(entry.key, finalStatus(f, cancelled), signal),
  };
}

/** The post step, after main was killed: each record main left gets what the post step found. */
export async function finishAfterStep(d: ReleaseState, report: PostReport): Promise<void> {
  const saved = d.github;
  const token = core.getInput('github-token');
  const run = runLinks(process.env);
  if (!saved || !token || !run) return;
  const records = new GitHubDeployments(client(token), run, log);
  const keys = Object.keys(saved.ids);
  records.resume(keys.map((key) => ({ key, environment: saved.environment, id: saved.ids[key]! })));
  const status = postStatus({ ...report, previous: report.previous ?? d.previous });
  await Promise.all(keys.map((key) => records.finish(key, status)));
}
