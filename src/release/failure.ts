// A release that ended on an error: the cause as a person reads it (the AWS call, what the
// action was doing, the fix), and what is known about traffic when nothing had moved it.
import { describeAwsError } from '../aws/errors.ts';
import { ReleaseError } from './errors.ts';
import type { Cause, ReleaseResult } from './result.ts';

/** What the action was doing in each phase (the runner's group names), for error messages. */
const DOING: Record<string, string> = {
  Preflight: 'checking the function, alias and deployment group before any change',
  'Wait for the active deployment': "waiting for the deployment group's active deployment to end",
  'Upload code': 'uploading the new code to $LATEST',
  'Wait for $LATEST': 'waiting for an update of $LATEST already in progress to finish',
  'Publish version': 'publishing the new version',
  'Smoke test': 'invoking the new version with smoke-test-payload',
  'Create alias': 'creating the alias on the new version',
  'Move alias': 'moving the alias to the new version',
  'Start deployment': 'starting the CodeDeploy deployment',
  'Watch deployment': 'watching the deployment',
  Rollback: 'following the rollback',
  Timeout: 'stopping the deployment after timeout-minutes',
};

/** The phases that leave the alias as preflight read it. */
const BEFORE_ALIAS = new Set([
  'Preflight',
  'Wait for the active deployment',
  'Upload code',
  'Wait for $LATEST',
  'Publish version',
  'Smoke test',
]);

export function doingIn(phase: string | undefined): string | undefined {
  if (phase === undefined) return undefined;
  return DOING[phase] ?? `in the ${phase.toLowerCase()} step`;
}

export function causeOfError(error: unknown, phase: string | undefined): Cause {
  if (error instanceof ReleaseError) return { code: error.code, message: error.message };
  return describeAwsError(error, doingIn(phase));
}

/**
 * The alias is where preflight read it when the release failed before touching it, so the
 * summary can say where traffic is now instead of leaving it unknown.
 */
export function aliasUntouched(result: ReleaseResult, phase: string | undefined): void {
  if (result.finalAlias || !result.aliasBefore) return;
  if (phase === undefined || BEFORE_ALIAS.has(phase)) result.finalAlias = result.aliasBefore;
}

/**
 * The result of a run whose inputs were refused: nothing was read or changed in AWS. What is
 * known comes from the raw inputs (shown escaped, never trusted).
 */
export function invalidInputResult(
  error: unknown,
  input: (name: string) => string,
  env: Record<string, string | undefined>,
  now: number,
): ReleaseResult {
  const message = error instanceof Error ? error.message : String(error);
  return {
    status: 'failed',
    region: input('region') || env.AWS_REGION || env.AWS_DEFAULT_REGION || '',
    functionName: input('function-name'),
    alias: input('alias'),
    source: '',
    origin: { kind: 'published' },
    strategy: { input: '', description: '', direct: false },
    rolledBack: false,
    startedAt: now,
    endedAt: now,
    timeline: [],
    hooks: [],
    notes: [],
    cause: {
      code: 'INVALID_INPUT',
      message: `${message}\nNothing was changed in AWS: the action checks every input before its first AWS call.`,
    },
  };
}
