// The CodeDeploy target: `strategy`, `application`, `deployment-group`.
import { parseStrategy, type Strategy } from '../strategy.ts';
import { DEFAULT_STRATEGY } from './limits.ts';
import type { Reader } from './problems.ts';
import type { Settings } from './types.ts';

export function readDeployment(
  r: Reader,
): Pick<Settings, 'strategy' | 'application' | 'deploymentGroup'> {
  const strategy = readStrategy(r);
  if (strategy.kind === 'direct') return { strategy }; // no CodeDeploy: the names are not used
  const application = readGroupName(
    r,
    'application',
    'CodeDeploy application (compute platform Lambda)',
  );
  const deploymentGroup = readGroupName(
    r,
    'deployment-group',
    'deployment group in that application',
  );
  return { strategy, application, deploymentGroup };
}

function readStrategy(r: Reader): Strategy {
  const raw = r.get('strategy') || DEFAULT_STRATEGY;
  const parsed = parseStrategy(raw);
  if (parsed.ok) return parsed.value;
  r.problem('strategy', parsed.error);
  return { kind: 'custom', input: raw, configName: raw };
}

function readGroupName(r: Reader, name: string, what: string): string {
  const value = r.get(name);
  if (value === '') {
    r.problem(
      name,
      `is required unless \`strategy\` is \`direct\`. Valid: the name of the ${what}, 1-100 characters.`,
    );
  } else if (value.length > 100) {
    r.problem(
      name,
      `is ${value.length} characters long, over CodeDeploy's 100. Valid: the name of the ${what}, 1-100 characters.`,
    );
  }
  return value;
}
