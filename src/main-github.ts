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
  entryEnvironments,
  entryKey,
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

/** The GitHub deployments of this run's entries (one today: several functions get one each). */
export interface GitHubRecord {
  /** The entry's CodeDeploy deployment exists: its record links to it now. */
  deploying(facts: EntryFacts): void;
  /** The entry's last status; `signal` bounds the wait (the cancel window). Never rejects. */
  finish(facts: EntryFacts, cancelled: boolean, signal?: AbortSignal): Promise<void>;
}

/** Starts the records of a real release with `github-environment`; undefined otherwise. */
export function recordOnGitHub(
  settings: Pick<Settings, 'github' | 'dryRun'>,
  entries: EntryFacts[],
): GitHubRecord | undefined {
  const github = settings.github;
  if (!github || settings.dryRun) return undefined;
  const run = runLinks(process.env);
  if (!run) {
    core.warning(
      'github-environment is set, but GITHUB_REPOSITORY, GITHUB_RUN_ID or GITHUB_SHA is not: no GitHub deployment is recorded outside a workflow run.',
    );
    return undefined;
  }
  const environments = entryEnvironments(github.environment, entries);
  const started = entries.map((f, i) => startEntry(f, environments[i]!));
  const made: NonNullable<ReleaseState['github']> = {};
  const records = new GitHubDeployments(client(github.token), run, log, (key, id) => {
    made[key] = { id, environment: started.find((e) => e.key === key)!.environment };
    // The post step ends the record if main is killed before it does.
    saveRelease({ github: made });
  });
  records.start(started);
  return {
    deploying: (f) => records.update(entryKey(f), deployingStatus(f)),
    finish: (f, cancelled, signal) =>
      records.finish(entryKey(f), finalStatus(f, cancelled), signal),
  };
}

/**
 * The post step, after main was killed: each record main left gets what the post step found
 * and did for its own entry (`reports[i]` is `entries[i]`'s).
 */
export async function finishAfterStep(
  saved: NonNullable<ReleaseState['github']>,
  entries: ReleaseState[],
  reports: (PostReport | undefined)[],
): Promise<void> {
  const token = core.getInput('github-token');
  const run = runLinks(process.env);
  if (!token || !run) return;
  const records = new GitHubDeployments(client(token), run, log);
  const keys = Object.keys(saved);
  records.resume(keys.map((key) => ({ key, ...saved[key]! })));
  await Promise.all(
    keys.map((key) => {
      const i = entries.findIndex((d) => entryKey(d) === key);
      const report = reports[i];
      if (!report) return undefined;
      return records.finish(
        key,
        postStatus({ ...report, previous: report.previous ?? entries[i]!.previous }),
      );
    }),
  );
}
