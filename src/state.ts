// What main leaves for the post step (GITHUB_STATE → STATE_<name>), typed in one place.
import * as core from '@actions/core';

export interface SavedState {
  isPost: boolean;
  /** JSON of the pieces the post step needs to stop our deployment. */
  deployment?: {
    id: string;
    region: string;
    functionName: string;
    alias: string;
    previous: string;
    onCancel: 'rollback' | 'leave';
  };
  /** Main reached its end (normally or after handling a cancel): nothing left to clean up. */
  finished: boolean;
}

export function loadState(): SavedState {
  const raw = core.getState('deployment');
  return {
    isPost: core.getState('isPost') === 'true',
    deployment: raw ? JSON.parse(raw) : undefined,
    finished: core.getState('finished') === 'true',
  };
}

export function saveIsPost(): void {
  core.saveState('isPost', 'true');
}

export function saveDeployment(d: NonNullable<SavedState['deployment']>): void {
  core.saveState('deployment', JSON.stringify(d));
}

export function saveFinished(): void {
  core.saveState('finished', 'true');
}
