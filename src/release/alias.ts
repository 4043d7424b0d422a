// What the production alias must look like for CodeDeploy to shift it, how to fix it, and
// the alias writes that do without CodeDeploy (a first release's CreateAlias, a direct move).
import { awsError, isAwsError } from '../aws/errors.ts';
import type { AliasInfo } from '../aws/lambda.ts';
import type { ReleaseDeps } from './deps.ts';
import { ReleaseError } from './errors.ts';
import type { AliasState } from './result.ts';
import { retryWhile } from './retry.ts';

export function describeWeights(alias: AliasState): string {
  const extra = Object.entries(alias.weights)
    .map(([v, w]) => `${Math.round(w * 1000) / 10}% on version ${v}`)
    .join(', ');
  const rest = 100 - Object.values(alias.weights).reduce((a, w) => a + w * 100, 0);
  return `${Math.round(rest * 10) / 10}% on version ${alias.version}, ${extra}`;
}

export function isSplit(alias: AliasState | undefined): boolean {
  return !!alias && Object.keys(alias.weights).length > 0;
}

/** Wholly on `version`: no weights left on any other. */
export function isWhollyOn(alias: AliasState | undefined, version: string): boolean {
  return !!alias && alias.version === version && !isSplit(alias);
}

export function clearWeightsCommand(fn: string, alias: string, version: string): string {
  return `aws lambda update-alias --function-name ${fn} --name ${alias} --function-version ${version} --routing-config 'AdditionalVersionWeights={}'`;
}

/**
 * Refuses an alias CodeDeploy cannot shift from: split between versions, or on $LATEST. A
 * direct move takes both: its one UpdateAlias with empty weights is the fix for a split.
 */
export function checkAlias(
  alias: AliasInfo | undefined,
  name: string,
  functionName: string,
  direct: boolean,
): void {
  if (!alias || direct) return;
  if (isSplit(alias))
    throw new ReleaseError(
      'ALIAS_WEIGHTED',
      `Alias \`${name}\` is split between versions (${describeWeights(alias)}), as a deployment that was stopped without rollback leaves it; CodeDeploy fails every deployment from that state. Point it at one version first, e.g. \`${clearWeightsCommand(functionName, name, alias.version)}\`, then run again; or release with \`strategy: direct\`, whose one alias update clears the split.`,
    );
  if (alias.version === '$LATEST')
    throw new ReleaseError(
      'ALIAS_ON_LATEST',
      `Alias \`${name}\` points at $LATEST; CodeDeploy can shift traffic only between published versions. Point it at a published version first (\`aws lambda update-alias --function-name ${functionName} --name ${name} --function-version <N>\`), or move it with \`strategy: direct\`.`,
    );
}

export function aliasMoved(alias: string, now: AliasInfo | undefined, when: string): ReleaseError {
  const where = now
    ? isSplit(now)
      ? `split between versions (${describeWeights(now)})`
      : `version ${now.version}`
    : 'nowhere (it was deleted)';
  return new ReleaseError(
    'ALIAS_MOVED',
    `Someone else changed alias ${alias} ${when}; it is now on ${where}. The release does not overwrite a change it did not make: no traffic was moved. Run it again once the other change is done.`,
  );
}

type AliasDeps = Pick<ReleaseDeps, 'lambda' | 'clock' | 'progress' | 'signal'>;

/** 409 "An update is in progress" (not "Alias already exists"): it clears, so wait. */
function updateInProgress(error: unknown): boolean {
  return (
    isAwsError(error, 'ResourceConflictException') && /in progress/i.test(awsError(error).message)
  );
}

/**
 * UpdateAlias pinned to the RevisionId preflight read, so a change made since is refused
 * (412) instead of overwritten. A 412 can also be our own update whose answer was lost and
 * which the SDK sent again: then the alias already is wholly on our version.
 */
export async function pointAliasPinned(
  deps: AliasDeps,
  p: { functionRef: string; alias: string; current?: AliasInfo },
  version: string,
): Promise<AliasInfo> {
  try {
    return await retryWhile(deps, 'UpdateAlias', updateInProgress, () =>
      deps.lambda.pointAlias(p.functionRef, p.alias, version, p.current?.revisionId),
    );
  } catch (error) {
    if (!isAwsError(error, 'PreconditionFailedException')) throw error;
    const now = await deps.lambda.getAlias(p.functionRef, p.alias);
    if (now && isWhollyOn(now, version)) return now;
    throw aliasMoved(p.alias, now, 'since preflight read it');
  }
}

/** CreateAlias; a 409 is either our own lost-answer retry (on our version) or someone else's alias. */
export async function createAliasOnce(
  deps: AliasDeps,
  p: { functionRef: string; alias: string },
  version: string,
): Promise<AliasInfo> {
  try {
    return await retryWhile(deps, 'CreateAlias', updateInProgress, () =>
      deps.lambda.createAlias(p.functionRef, p.alias, version),
    );
  } catch (error) {
    if (!isAwsError(error, 'ResourceConflictException') || updateInProgress(error)) throw error;
    const now = await deps.lambda.getAlias(p.functionRef, p.alias);
    if (!now) throw error;
    if (isWhollyOn(now, version)) return now;
    throw aliasMoved(p.alias, now, 'by creating it after preflight found none');
  }
}

/** A direct move off a split alias: what it cleared, for the log and the summary. */
export function splitCleared(alias: string, was: AliasState, version: string): string {
  return `Alias ${alias} was split between versions (${describeWeights(was)}); strategy: direct moved all traffic to version ${version} and cleared that split.`;
}
