// Waiting for Lambda: $LATEST until an update or a creation has been applied, and a published
// version until it is Active (SnapStart versions are Pending for minutes while the snapshot is
// made). See docs/aws-semantics.md "Readiness: CreateFunction, SnapStart and failed updates".
import type { FunctionState } from '../aws/lambda.ts';
import type { ReleaseDeps } from './deps.ts';
import { ReleaseError } from './errors.ts';
import {
  describeState,
  latestMeaning,
  type StateMeaning,
  stateWords,
  versionMeaning,
} from './states.ts';

/** What an update applied, for the failure message: "the new code", "the configuration". */
export type Applying = 'the new code' | 'the configuration' | 'the new function';

/**
 * FunctionUpdatedV2 / FunctionActiveV2, with every state deliberate (states.ts): GetFunction
 * every second (300 tries at most) until $LATEST is in a ready state and not InProgress.
 * A passing or unknown state is waited out and named; Failed and Deleting are refused.
 */
export async function waitUntilUpdated(
  fn: string,
  deps: ReleaseDeps,
  known?: FunctionState,
  what: Applying = 'the new code',
): Promise<FunctionState> {
  let state = known;
  let told = false;
  for (let attempt = 0; attempt < 300; attempt++) {
    if (state) {
      const meaning = latestMeaning(state.state);
      const updating = state.lastUpdateStatus === 'InProgress';
      if (state.state === 'Failed' || (!updating && state.lastUpdateStatus === 'Failed'))
        throw new ReleaseError(
          'CODE_UPDATE_FAILED',
          `Lambda could not apply ${what} to \`${fn}\`: ${failureReason(state)}. Nothing was published and no traffic moved.`,
        );
      if (meaning === 'final') throw deletingError(fn, state);
      if (meaning === 'ready' && !updating) return state;
      if (!told && meaning !== 'ready') {
        deps.progress({
          kind: 'info',
          message: `\`${fn}\` is ${stateWords(state, meaning)}; waiting until Lambda reports it ready for the next step.`,
        });
        told = true;
      }
      await deps.clock.sleep(1_000, deps.signal);
    }
    state = await deps.lambda.getFunction(fn);
    if (!state)
      throw new ReleaseError(
        'FUNCTION_NOT_FOUND',
        `Function \`${fn}\` disappeared during the release.`,
      );
  }
  throw new ReleaseError(
    'CODE_UPDATE_TIMEOUT',
    `Lambda was still applying ${what} to \`${fn}\` after 5 minutes: State ${stateWords(state!, latestMeaning(state!.state))}, LastUpdateStatus ${state!.lastUpdateStatus ?? 'not reported'}.`,
  );
}

/** Deleting (or a final state to come): the function is going away under the release. */
export function deletingError(fn: string, state: FunctionState): ReleaseError {
  return new ReleaseError(
    'FUNCTION_DELETING',
    `\`${fn}\` is ${describeState(state)}: Lambda is deleting it (or it cannot come back), so it cannot be released. No traffic was moved.`,
  );
}

function failureReason(state: FunctionState): string {
  const failed = state.lastUpdateStatus === 'Failed';
  const code = failed ? state.lastUpdateStatusReasonCode : state.stateReasonCode;
  const reason = (failed ? state.lastUpdateStatusReason : state.stateReason) ?? 'no reason given';
  return code ? `${code}: ${reason}` : reason;
}

/**
 * PublishedVersionActive, bounded by the release's deadline: a version is released only once
 * it is Active. A Failed or Deleting version stops the release with its reason before any
 * traffic moves; any other state (known or not) is waited out and named.
 */
export async function waitUntilVersionReady(
  fn: string,
  version: FunctionState,
  deadline: number,
  deps: ReleaseDeps,
): Promise<FunctionState> {
  let state: FunctionState | undefined = version;
  let told: string | undefined;
  for (let poll = 0; ; poll++) {
    const meaning = versionMeaning(state?.state);
    if (state && meaning === 'final')
      throw new ReleaseError(
        'VERSION_FAILED',
        `Version ${version.version} of \`${fn}\` cannot become active: it is ${describeState(state)}. No traffic was moved.`,
      );
    if (state && meaning === 'ready') {
      if (told) deps.progress({ kind: 'info', message: activeWords(state) });
      return state;
    }
    // Said again when the state changes: Pending, then an unknown state, is news.
    if (state && told !== state.state) {
      deps.progress({ kind: 'info', message: waitingWords(version.version, state, meaning) });
      told = state.state;
    }
    const left = deadline - deps.clock.now();
    if (left <= 0)
      throw new ReleaseError(
        'VERSION_NOT_ACTIVE',
        `Version ${version.version} of \`${fn}\` was still ${state ? stateWords(state, meaning) : 'not found'} when the release's time (\`timeout-minutes\`) ran out. No traffic was moved. ${slowHint(version)}`,
      );
    await deps.clock.sleep(Math.min(VERSION_POLL_MS[poll] ?? 5_000, left), deps.signal);
    state = await deps.lambda.getVersion(fn, version.version);
  }
}

/**
 * Sooner than PublishedVersionActive's 5 s at first: a version Pending only briefly is released
 * seconds earlier, and a SnapStart snapshot (minutes) costs two reads more.
 */
const VERSION_POLL_MS = [1_000, 2_000];

/** What the wait is for, in the words of what the version is. */
function waitingWords(v: string, state: FunctionState, meaning: StateMeaning): string {
  const what = state.capacityProviderArn
    ? `its execution environments on capacity provider ${state.capacityProviderArn} to start (Lambda Managed Instances: up to 15 minutes)`
    : 'it to be Active';
  return `Version ${v} is ${stateWords(state, meaning)}; waiting for ${what} before any smoke test or traffic.`;
}

function slowHint(version: FunctionState): string {
  if (version.capacityProviderArn)
    return 'A Managed Instances version takes up to 15 minutes to start its execution environments: raise `timeout-minutes`.';
  return 'With SnapStart a version takes minutes to be ready: raise `timeout-minutes`.';
}

function activeWords(state: FunctionState): string {
  const snap = state.optimizationStatus === 'On' ? ' (SnapStart snapshot ready)' : '';
  return `Version ${state.version} is Active${snap}.`;
}
