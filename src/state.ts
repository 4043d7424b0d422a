// What main leaves for the post step (GITHUB_STATE → STATE_<name>), typed in one place.
import * as core from '@actions/core';

/** What the post step needs to find and stop this release's deployment. */
export interface ReleaseState {
  region: string;
  functionName: string;
  alias: string;
  onCancel: 'rollback' | 'leave';
  /** To find a deployment whose id main never saw (killed while CreateDeployment was in flight). */
  application?: string;
  deploymentGroup?: string;
  description: string;
  /** epoch ms, with leeway for clock skew */
  since: number;
  /** The version the alias was on before, once known. */
  previous?: string;
  deploymentId?: string;
  /** role-to-assume (no secrets: the post step gets its own credentials with it). */
  role?: { roleArn: string; sessionName: string; audience: string; durationSeconds: number };
  /** Metric-gate alarms that exist (or are being created) and are not deleted yet. */
  gateAlarms?: string[];
  /** github-environment: the GitHub deployments made, by entry key (no token: the post step reads its input). */
  github?: Record<string, { id: number; environment: string }>;
}

export interface SavedState {
  isPost: boolean;
  release?: ReleaseState;
  /** Main reached its end (normally or after handling a cancel): nothing left to clean up. */
  finished: boolean;
}

export function loadState(): SavedState {
  const raw = core.getState('release');
  return {
    isPost: core.getState('isPost') === 'true',
    release: raw ? JSON.parse(raw) : undefined,
    finished: core.getState('finished') === 'true',
  };
}

export function saveIsPost(): void {
  core.saveState('isPost', 'true');
}

let saved: ReleaseState | undefined;

/** Saves the release state, merged with what was saved before (the last write wins). */
export function saveRelease(update: Partial<ReleaseState>): void {
  saved = { ...(saved as ReleaseState), ...update };
  core.saveState('release', JSON.stringify(saved));
}

export function saveFinished(): void {
  core.saveState('finished', 'true');
}
