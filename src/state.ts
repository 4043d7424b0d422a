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
  /**
   * The version this release's deployment (or direct move) put the alias on, once it ended
   * so: a release of several functions returns it if main dies before the release is done.
   */
  released?: string;
  /** github-environment: the GitHub deployments made, by entry key (no token: the post step reads its input). */
  github?: Record<string, { id: number; environment: string }>;
}

export interface SavedState {
  isPost: boolean;
  /** One per entry of the release (one for a single-function step). */
  releases: ReleaseState[];
  /** Main reached its end (normally or after handling a cancel): nothing left to clean up. */
  finished: boolean;
}

export function loadState(): SavedState {
  const raw = core.getState('release');
  return {
    isPost: core.getState('isPost') === 'true',
    releases: raw ? JSON.parse(raw) : [],
    finished: core.getState('finished') === 'true',
  };
}

export function saveIsPost(): void {
  core.saveState('isPost', 'true');
}

const saved: ReleaseState[] = [];

/** Saves entry `index`'s state, merged with what was saved before (the last write wins). */
export function saveRelease(update: Partial<ReleaseState>, index = 0): void {
  saved[index] = { ...(saved[index] as ReleaseState), ...update };
  core.saveState('release', JSON.stringify(saved));
}

/** Saves the same update into every entry. */
export function saveEveryRelease(update: Partial<ReleaseState>): void {
  for (let i = 0; i < saved.length; i++) saved[i] = { ...saved[i]!, ...update };
  core.saveState('release', JSON.stringify(saved));
}

export function saveFinished(): void {
  core.saveState('finished', 'true');
}
