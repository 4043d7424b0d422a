// Each gate becomes one CloudWatch alarm on the new version's own metrics, so CodeDeploy stops
// and rolls back by itself even if the runner is lost (docs/aws-semantics.md, CloudWatch).
import type {
  AlarmRequest,
  ComparisonOperator,
  MetricQuery,
  MetricRef,
} from '../aws/cloudwatch-types.ts';
import { MAX_ALARM_NAME_LENGTH, MAX_ALARMS } from '../settings/index.ts';
import type { Gate, GateMetric, GateOperator } from './parse.ts';

export interface GateTarget {
  functionName: string;
  alias: string;
  version: string;
  /** The version the alias served before; required by gates that compare with `previous`. */
  previousVersion?: string;
}

/** Lambda publishes 1-minute datapoints; 60 s is the shortest standard period. */
export const PERIOD_SECONDS = 60;
/**
 * Two bad minutes out of three: one unlucky minute at low traffic (1 error in 3 requests)
 * does not stop a release, two do; and the alarm fires within ~3 minutes, inside the shortest
 * canary interval most teams use (5 minutes).
 */
export const EVALUATION_PERIODS = 3;
export const DATAPOINTS_TO_ALARM = 2;
export const ALARM_PREFIX = 'lgr-gate/';

/** Every gate alarm of a function's alias starts with this: how leftovers are found. */
export function alarmPrefix(functionName: string, alias: string): string {
  return `${ALARM_PREFIX}${functionName}/${alias}/`;
}

export function alarmName(target: GateTarget, gate: Gate, index: number): string {
  const name = `${alarmPrefix(target.functionName, target.alias)}v${target.version}/${index + 1}-${gate.metric.name}`;
  // Function names, aliases and versions are [A-Za-z0-9_-] in Lambda: printable ASCII already.
  if (name.length > MAX_ALARM_NAME_LENGTH || !/^[\x20-\x7e]+$/.test(name))
    throw new Error(`alarm name too long or not printable ASCII: ${name}`);
  return name;
}

/** The alarm fires on the negation of the gate: `error-rate < 1%` breaches at >= 1. */
export function breachingOperator(op: GateOperator): ComparisonOperator {
  if (op === '<') return 'GreaterThanOrEqualToThreshold';
  if (op === '<=' || op === '=') return 'GreaterThanThreshold';
  if (op === '>') return 'LessThanOrEqualToThreshold';
  return 'LessThanThreshold';
}

export function isBreaching(op: ComparisonOperator, value: number, threshold: number): boolean {
  if (op === 'GreaterThanOrEqualToThreshold') return value >= threshold;
  if (op === 'GreaterThanThreshold') return value > threshold;
  if (op === 'LessThanThreshold') return value < threshold;
  return value <= threshold;
}

/** The alarm's threshold, in the space of its expression (a difference or a ratio for `previous`). */
export function alarmThreshold(gate: Gate): number {
  const b = gate.bound;
  if (b.kind === 'constant') return b.value;
  return b.kind === 'previous-plus' ? b.delta : b.factor;
}

export function lambdaMetric(target: GateTarget, metricName: string, version: string): MetricRef {
  return {
    namespace: 'AWS/Lambda',
    metricName,
    // ExecutedVersion is published only for invocations through an alias: the per-version split.
    dimensions: [
      { name: 'FunctionName', value: target.functionName },
      { name: 'Resource', value: `${target.functionName}:${target.alias}` },
      { name: 'ExecutedVersion', value: version },
    ],
  };
}

/** The single (metric, statistic) a gate reads, or undefined for error-rate (two metrics). */
function singleStat(metric: GateMetric): { metricName: string; stat: string } | undefined {
  if (metric.kind === 'errors') return { metricName: 'Errors', stat: 'Sum' };
  if (metric.kind === 'throttles') return { metricName: 'Throttles', stat: 'Sum' };
  if (metric.kind === 'avg-duration') return { metricName: 'Duration', stat: 'Average' };
  if (metric.kind === 'percentile')
    return { metricName: 'Duration', stat: metric.statistic ?? 'p99' };
  return undefined;
}

function stat(id: string, metric: MetricRef, s: string, period: number): MetricQuery {
  return { id, metricStat: { metric, period, stat: s }, returnData: false };
}

/** Queries computing the gate's metric for one version; the last one is its value (id `<p>v`). */
export function versionValueQueries(
  metric: GateMetric,
  target: GateTarget,
  version: string,
  p: string,
  period: number,
): MetricQuery[] {
  const single = singleStat(metric);
  if (single)
    return [stat(`${p}v`, lambdaMetric(target, single.metricName, version), single.stat, period)];
  return [
    stat(`${p}inv`, lambdaMetric(target, 'Invocations', version), 'Sum', period),
    stat(`${p}err`, lambdaMetric(target, 'Errors', version), 'Sum', period),
    {
      id: `${p}v`,
      expression: `100 * ${p}err / ${p}inv`,
      label: 'error rate (%)',
      returnData: false,
    },
  ];
}

/**
 * The queries whose returned series is what the gate's alarm compares with its threshold,
 * per `period`: the new version's value, or its difference / ratio with the previous
 * version's. `prefix` keeps ids apart when several gates share one GetMetricData call.
 */
export function gateQueries(
  gate: Gate,
  target: GateTarget,
  prefix = 'g',
  period = PERIOD_SECONDS,
): MetricQuery[] {
  const fresh = versionValueQueries(gate.metric, target, target.version, `${prefix}n_`, period);
  if (gate.bound.kind === 'constant') {
    const last = fresh[fresh.length - 1]!;
    return [...fresh.slice(0, -1), { ...last, id: prefix, label: gate.text, returnData: true }];
  }
  if (!target.previousVersion)
    throw new Error(`gate \`${gate.text}\` compares with the previous version, but there is none`);
  const old = versionValueQueries(
    gate.metric,
    target,
    target.previousVersion,
    `${prefix}p_`,
    period,
  );
  const op = gate.bound.kind === 'previous-plus' ? '-' : '/';
  const expression = `${prefix}n_v ${op} ${prefix}p_v`;
  return [...fresh, ...old, { id: prefix, expression, label: gate.text, returnData: true }];
}

export function alarmRequest(gate: Gate, index: number, target: GateTarget): AlarmRequest {
  const queries = gateQueries(gate, target);
  const only = queries.length === 1 ? queries[0]?.metricStat : undefined;
  return {
    alarmName: alarmName(target, gate, index),
    alarmDescription: `Metric gate \`${gate.text}\` of the release of ${target.functionName}:${target.alias} version ${target.version} by lambda-gated-release; deleted when the release ends.`,
    actionsEnabled: false,
    ...(only
      ? { metric: only.metric, stat: only.stat, period: only.period }
      : { metrics: queries }),
    evaluationPeriods: EVALUATION_PERIODS,
    datapointsToAlarm: DATAPOINTS_TO_ALARM,
    threshold: alarmThreshold(gate),
    comparisonOperator: breachingOperator(gate.operator),
    // A minute without traffic to the new version is not bad news; the summary reports how
    // much traffic the version served and which gate never had data, so silence is not a pass.
    treatMissingData: 'notBreaching',
  };
}

export function alarmRequests(gates: Gate[], target: GateTarget): AlarmRequest[] {
  return gates.map((g, i) => alarmRequest(g, i, target));
}

/**
 * The alarms for the deployment's overrideAlarmConfiguration: the ones that already applied
 * (the group's, the `alarms` input) plus the gates', without duplicates, or why they cannot fit.
 */
export function deploymentAlarms(
  existing: string[],
  gateAlarms: string[],
): { ok: true; value: string[] } | { ok: false; error: string } {
  const all = [...new Set([...existing, ...gateAlarms])];
  if (all.length <= MAX_ALARMS) return { ok: true, value: all };
  return {
    ok: false,
    error: `${existing.length} alarms already apply (deployment group and \`alarms\` input) and \`metric-gates\` adds ${gateAlarms.length}, but CodeDeploy takes at most ${MAX_ALARMS} per deployment: remove gates or alarms so that at most ${MAX_ALARMS} remain.`,
  };
}
