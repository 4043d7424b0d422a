// The `metric-gates` input: each line a condition on the new version's own metrics, parsed by
// src/gates/parse.ts. The alarm count against CodeDeploy's limit needs the group's alarms, so
// preflight checks that; here only what the input alone decides.
import { type Gate, parseGates } from '../gates/parse.ts';
import type { Strategy } from '../strategy.ts';
import type { Reader } from './problems.ts';

export function readMetricGates(r: Reader, strategy: Strategy): { metricGates: Gate[] } {
  const raw = r.get('metric-gates');
  if (raw === '') return { metricGates: [] };
  if (strategy.kind === 'direct') {
    r.problem(
      'metric-gates',
      'cannot be used with `strategy: direct`: the gates are enforced by CodeDeploy, and a direct release has no deployment to stop. ' +
        'Valid: remove them, or use a CodeDeploy strategy such as `Canary10Percent5Minutes`.',
    );
    return { metricGates: [] };
  }
  const parsed = parseGates(raw);
  if (parsed.ok) return { metricGates: parsed.value };
  r.problem('metric-gates', `cannot be read: ${parsed.error}`);
  return { metricGates: [] };
}
