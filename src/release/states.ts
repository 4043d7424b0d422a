// What each function State means for the step that waits on it. Lambda added states in 2025
// (ActiveNonInvocable, Deactivating, Deactivated, Deleting) and may add more: a state not
// named here is never taken for ready. See docs/aws-semantics.md "Function states".
import type { FunctionState } from '../aws/lambda.ts';

/**
 * ready: the next step may go; passing: wait it out, naming it; final: refuse with its reason;
 * unknown: a state this action does not know, waited out like a passing one and named.
 */
export type StateMeaning = 'ready' | 'passing' | 'final' | 'unknown';

/** $LATEST, before an update or a publish. */
const FOR_LATEST: Readonly<Record<string, StateMeaning>> = {
  Active: 'ready',
  // A Managed Instances function's $LATEST is ActiveNonInvocable for good: never Active.
  ActiveNonInvocable: 'ready',
  // An idle function; updating it is how it comes back.
  Inactive: 'ready',
  Pending: 'passing',
  // Unverified what these mean for $LATEST: waited out, never taken for ready.
  Deactivating: 'passing',
  Deactivated: 'passing',
  Failed: 'final',
  Deleting: 'final',
};

/** A published version, before any smoke test or traffic: only Active serves. */
const FOR_VERSION: Readonly<Record<string, StateMeaning>> = {
  Active: 'ready',
  // Environments starting (Managed Instances, up to 15 minutes), a SnapStart snapshot, ...
  Pending: 'passing',
  ActiveNonInvocable: 'passing',
  Inactive: 'passing',
  Deactivating: 'passing',
  Deactivated: 'passing',
  Failed: 'final',
  Deleting: 'final',
};

/** An absent State (older answers, other emulators) is taken as Lambda's default, Active. */
export function latestMeaning(state: string | undefined): StateMeaning {
  return state === undefined ? 'ready' : (FOR_LATEST[state] ?? 'unknown');
}

export function versionMeaning(state: string | undefined): StateMeaning {
  return state === undefined ? 'ready' : (FOR_VERSION[state] ?? 'unknown');
}

/** `Pending (Creating: The function is being created.)`: the state with its reason code and reason. */
export function describeState(
  s: Pick<FunctionState, 'state' | 'stateReason' | 'stateReasonCode'>,
): string {
  const why = [s.stateReasonCode, s.stateReason].filter((x) => x).join(': ');
  return `${s.state ?? 'Active'}${why ? ` (${why})` : ''}`;
}

/** A state this action does not know, said as such so the log does not read as a bug. */
export function stateWords(s: FunctionState, meaning: StateMeaning): string {
  const described = describeState(s);
  return meaning === 'unknown'
    ? `${described}, a state this action does not know and never takes for ready`
    : described;
}
