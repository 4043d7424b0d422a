// Waiting for Lambda: $LATEST until an update or a creation has been applied, and a published
// version until it is Active (SnapStart versions are Pending for minutes while the snapshot is
// made). See docs/aws-semantics.md "Readiness: CreateFunction, SnapStart and failed updates".
import type { FunctionState } from '../aws/lambda.ts';
import type { ReleaseDeps } from './deps.ts';
import { ReleaseError } from './errors.ts';

/** What an update applied, for the failure message: "the new code", "the configuration". */
export type Applying = 'the new code' | 'the configuration' | 'the new function';

/**
 * FunctionUpdatedV2 / FunctionActiveV2: GetFunction every second (300 tries at most) until
 * $LATEST is neither Pending (being created) nor InProgress (being updated).
 */
export async function waitUntilUpdated(
  fn: string,
  deps: ReleaseDeps,
  known?: FunctionState,
  what: Applying = 'the new code',
): Promise<FunctionState> {
  let state = known;
  for (let attempt = 0; attempt < 300; attempt++) {
    if (state && state.state !== 'Pending' && state.lastUpdateStatus !== 'InProgress') {
      if (state.lastUpdateStatus === 'Failed' || state.state === 'Failed')
        throw new ReleaseError(
          'CODE_UPDATE_FAILED',
          `Lambda could not apply ${what} to \`${fn}\`: ${failureReason(state)}. Nothing was published and no traffic moved.`,
        );
      return state;
    }
    if (state) await deps.clock.sleep(1_000, deps.signal);
    state = await deps.lambda.getFunction(fn);
    if (!state)
      throw new ReleaseError(
        'FUNCTION_NOT_FOUND',
        `Function \`${fn}\` disappeared during the release.`,
      );
  }
  throw new ReleaseError(
    'CODE_UPDATE_TIMEOUT',
    `Lambda was still applying ${what} to \`${fn}\` after 5 minutes.`,
  );
}

function failureReason(state: FunctionState): string {
  const reason =
    state.lastUpdateStatus === 'Failed' ? state.lastUpdateStatusReason : state.stateReason;
  return reason ?? 'no reason given';
}

/**
 * PublishedVersionActive, bounded by the release's deadline: a version is released only once
 * it is Active. A Failed version stops the release with its StateReason before any traffic
 * moves.
 */
export async function waitUntilVersionReady(
  fn: string,
  version: FunctionState,
  deadline: number,
  deps: ReleaseDeps,
): Promise<FunctionState> {
  let state: FunctionState | undefined = version;
  let told = false;
  for (;;) {
    if (state?.state === 'Failed')
      throw new ReleaseError(
        'VERSION_FAILED',
        `Version ${version.version} of \`${fn}\` failed to become active: ${state.stateReason ?? 'no reason given'}. No traffic was moved.`,
      );
    if (state && (state.state === undefined || state.state === 'Active')) {
      if (told) deps.progress({ kind: 'info', message: activeWords(state) });
      return state;
    }
    if (!told && state) {
      deps.progress({
        kind: 'info',
        message: `Version ${version.version} is ${state.state}${state.stateReason ? ` (${state.stateReason})` : ''}; waiting until it is Active before any traffic moves.`,
      });
      told = true;
    }
    const left = deadline - deps.clock.now();
    if (left <= 0)
      throw new ReleaseError(
        'VERSION_NOT_ACTIVE',
        `Version ${version.version} of \`${fn}\` was still ${state?.state ?? 'not found'} when the release's time (\`timeout-minutes\`) ran out. No traffic was moved. With SnapStart a version takes minutes to be ready: raise \`timeout-minutes\`.`,
      );
    await deps.clock.sleep(Math.min(5_000, left), deps.signal);
    state = await deps.lambda.getVersion(fn, version.version);
  }
}

function activeWords(state: FunctionState): string {
  const snap = state.optimizationStatus === 'On' ? ' (SnapStart snapshot ready)' : '';
  return `Version ${state.version} is Active${snap}.`;
}
