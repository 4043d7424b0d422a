// What the production alias must look like for CodeDeploy to shift it, and how to fix it.
import type { AliasInfo } from '../aws/lambda.ts';
import { ReleaseError } from './errors.ts';

export function describeWeights(alias: AliasInfo): string {
  const extra = Object.entries(alias.weights)
    .map(([v, w]) => `${Math.round(w * 1000) / 10}% on version ${v}`)
    .join(', ');
  const rest = 100 - Object.values(alias.weights).reduce((a, w) => a + w * 100, 0);
  return `${Math.round(rest * 10) / 10}% on version ${alias.version}, ${extra}`;
}

export function clearWeightsCommand(fn: string, alias: string, version: string): string {
  return `aws lambda update-alias --function-name ${fn} --name ${alias} --function-version ${version} --routing-config 'AdditionalVersionWeights={}'`;
}

/** Refuses an alias CodeDeploy cannot shift from: split between versions, or on $LATEST. */
export function checkAlias(
  alias: AliasInfo | undefined,
  name: string,
  functionName: string,
  direct: boolean,
): void {
  if (!alias) return;
  if (Object.keys(alias.weights).length > 0)
    throw new ReleaseError(
      'ALIAS_WEIGHTED',
      `Alias \`${name}\` is split between versions (${describeWeights(alias)}), as a deployment that was stopped without rollback leaves it; CodeDeploy fails every deployment from that state. Point it at one version first, e.g. \`${clearWeightsCommand(functionName, name, alias.version)}\`, then run again.`,
    );
  if (alias.version === '$LATEST' && !direct)
    throw new ReleaseError(
      'ALIAS_ON_LATEST',
      `Alias \`${name}\` points at $LATEST; CodeDeploy can shift traffic only between published versions. Point it at a published version first (\`aws lambda update-alias --function-name ${functionName} --name ${name} --function-version <N>\`), or move it with \`strategy: direct\`.`,
    );
}
