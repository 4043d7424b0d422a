// The CodeDeploy target: `strategy`, `application`, `deployment-group`.
import { checkRole, quote } from '../function-config/checks.ts';
import { parseStrategy, type Strategy } from '../strategy.ts';
import { DEFAULT_STRATEGY } from './limits.ts';
import type { Reader } from './problems.ts';
import type { Settings } from './types.ts';

export function readDeployment(
  r: Reader,
): Pick<Settings, 'strategy' | 'application' | 'deploymentGroup' | 'codedeployRole'> {
  const strategy = readStrategy(r);
  const codedeployRole = readCodeDeployRole(r);
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
  return { strategy, application, deploymentGroup, ...(codedeployRole ? { codedeployRole } : {}) };
}

/**
 * The service role CodeDeploy gets when the action creates the deployment group. The same
 * check as src/function-config's (one role ARN form for both roles).
 */
function readCodeDeployRole(r: Reader): string | undefined {
  const role = r.get('codedeploy-role');
  if (role === '') return undefined;
  const error = checkRole(role);
  if (error) r.problem('codedeploy-role', `${quote(role)} ${error}`);
  return role;
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
