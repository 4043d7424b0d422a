// Checks of CloudWatch request bodies (awsJson1_0: the API's field names; timestamps are
// epoch seconds as JSON numbers). Where AWS's exact error is unverified, the stricter refusal.
import { isRecord } from '../util.ts';
import { invalidCombination, invalidValue, missingParameter, validationError } from './errors.ts';
import { references } from './math.ts';
import { PERCENTILE, type WireMetric } from './metrics.ts';
import type { AlarmConfig, Comparison, WireQuery } from './model.ts';

type Body = Record<string, unknown>;

export function str(body: Body, name: string, required = false): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) {
    if (required) throw missingParameter(name);
    return undefined;
  }
  if (typeof v !== 'string') throw invalidValue(`The parameter ${name} must be a string.`);
  return v;
}

export function num(body: Body, name: string, required = false): number | undefined {
  const v = body[name];
  if (v === undefined || v === null) {
    if (required) throw missingParameter(name);
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw invalidValue(`The parameter ${name} must be a number.`);
  return v;
}

export function strings(body: Body, name: string): string[] | undefined {
  const v = body[name];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string'))
    throw invalidValue(`The parameter ${name} must be a list of strings.`);
  return v;
}

/** Epoch seconds (the SDK's serialization) to epoch ms. */
export function timestamp(body: Body, name: string): number {
  const v = num(body, name, true) ?? 0;
  return Math.round(v * 1000);
}

function period(v: number | undefined, where: string): number {
  // Standard-resolution Lambda metrics: 60 s or a multiple (high resolution is not modelled).
  if (v === undefined || !Number.isInteger(v) || v < 60 || v % 60 !== 0)
    throw invalidValue(`The parameter ${where} must be a multiple of 60 seconds.`);
  return v;
}

export function metric(v: unknown, where: string): WireMetric {
  if (!isRecord(v)) throw missingParameter(where);
  const Namespace = str(v, 'Namespace', true) ?? '';
  const MetricName = str(v, 'MetricName', true) ?? '';
  return { Namespace, MetricName, Dimensions: dimensions(v['Dimensions'], `${where}.Dimensions`) };
}

export function dimensions(v: unknown, where: string): WireMetric['Dimensions'] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.length > 30)
    throw invalidValue(`The parameter ${where} must be a list of at most 30 dimensions.`);
  return v.map((d) => {
    if (!isRecord(d)) throw invalidValue(`The parameter ${where} must hold {Name, Value}.`);
    return { Name: str(d, 'Name', true) ?? '', Value: str(d, 'Value', true) ?? '' };
  });
}

function stat(s: string | undefined, where: string): string {
  const known = ['Sum', 'Average', 'SampleCount', 'Minimum', 'Maximum'];
  if (s === undefined) throw missingParameter(where);
  if (!known.includes(s) && !PERCENTILE.test(s))
    throw invalidValue(`The statistic ${s} is not supported.`);
  return s;
}

const ID = /^[a-z][a-zA-Z0-9_]{0,254}$/;

function query(v: unknown, where: string): WireQuery {
  if (!isRecord(v)) throw invalidValue(`The parameter ${where} must be a structure.`);
  const Id = str(v, 'Id', true) ?? '';
  if (!ID.test(Id))
    throw validationError(
      `The value ${Id} for parameter ${where}.Id is not valid: start with a lowercase letter; letters, digits and underscores only.`,
    );
  const ms = v['MetricStat'];
  const Expression = str(v, 'Expression');
  if ((ms === undefined) === (Expression === undefined))
    throw validationError(`Exactly one of MetricStat and Expression must be given in ${where}.`);
  const Label = str(v, 'Label');
  const ReturnData = v['ReturnData'] === undefined ? true : v['ReturnData'] === true;
  const base = { Id, ReturnData, ...(Label !== undefined ? { Label } : {}) };
  if (Expression !== undefined) return { ...base, Expression };
  if (!isRecord(ms)) throw invalidValue(`The parameter ${where}.MetricStat must be a structure.`);
  return {
    ...base,
    MetricStat: {
      Metric: metric(ms['Metric'], `${where}.MetricStat.Metric`),
      Period: period(num(ms, 'Period', true), `${where}.MetricStat.Period`),
      Stat: stat(str(ms, 'Stat'), `${where}.MetricStat.Stat`),
    },
  };
}

/** MetricDataQueries / Metrics: ids unique, expressions referring to known ids only. */
export function queries(v: unknown, where: string, max: number): WireQuery[] {
  if (!Array.isArray(v) || v.length === 0) throw missingParameter(where);
  if (v.length > max)
    throw validationError(`The parameter ${where} must hold at most ${max} entries.`);
  const out = v.map((q, i) => query(q, `${where}.member.${i + 1}`));
  const ids = new Set<string>();
  for (const q of out) {
    if (ids.has(q.Id)) throw validationError(`The Id ${q.Id} is used more than once in ${where}.`);
    ids.add(q.Id);
  }
  for (const q of out)
    for (const ref of q.Expression ? references(q.Expression) : [])
      if (!ids.has(ref))
        throw validationError(`Error in expression ${q.Id}: Unrecognized token ${ref}`);
  return out;
}

const COMPARISONS: Comparison[] = [
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
];
const MISSING = ['missing', 'notBreaching', 'breaching', 'ignore'] as const;

/** The metric part of PutMetricAlarm: a single metric or `Metrics`, never both. */
function alarmMetric(b: Body): Partial<AlarmConfig> {
  const single = [
    'MetricName',
    'Namespace',
    'Statistic',
    'ExtendedStatistic',
    'Period',
    'Dimensions',
  ].filter((k) => b[k] !== undefined);
  if (b['Metrics'] !== undefined) {
    if (single.length > 0)
      throw invalidCombination(`Metrics cannot be given with ${single.join(', ')}.`);
    const Metrics = queries(b['Metrics'], 'Metrics', 10);
    if (Metrics.filter((q) => q.ReturnData).length !== 1)
      throw validationError('Metrics must hold exactly one entry with ReturnData true.');
    return { Metrics };
  }
  const m = metric(b, 'MetricName');
  const Statistic = str(b, 'Statistic');
  const ExtendedStatistic = str(b, 'ExtendedStatistic');
  if ((Statistic === undefined) === (ExtendedStatistic === undefined))
    throw invalidCombination('Exactly one of Statistic and ExtendedStatistic must be given.');
  if (ExtendedStatistic !== undefined && !PERCENTILE.test(ExtendedStatistic))
    throw invalidValue(`The ExtendedStatistic ${ExtendedStatistic} is not valid.`);
  if (Statistic !== undefined) stat(Statistic, 'Statistic');
  return {
    ...m,
    ...(Statistic !== undefined ? { Statistic } : { ExtendedStatistic }),
    Period: period(num(b, 'Period', true), 'Period'),
  };
}

export function alarmConfig(b: Body): AlarmConfig {
  const AlarmName = str(b, 'AlarmName', true) ?? '';
  if (AlarmName.length < 1 || AlarmName.length > 255 || !/^[\x20-\x7e]+$/.test(AlarmName))
    throw validationError('AlarmName must be 1 to 255 printable ASCII characters.');
  const EvaluationPeriods = num(b, 'EvaluationPeriods', true) ?? 0;
  if (!Number.isInteger(EvaluationPeriods) || EvaluationPeriods < 1)
    throw invalidValue('EvaluationPeriods must be at least 1.');
  const DatapointsToAlarm = num(b, 'DatapointsToAlarm') ?? EvaluationPeriods;
  if (
    !Number.isInteger(DatapointsToAlarm) ||
    DatapointsToAlarm < 1 ||
    DatapointsToAlarm > EvaluationPeriods
  )
    throw validationError('DatapointsToAlarm must be between 1 and EvaluationPeriods.');
  const op = str(b, 'ComparisonOperator', true) as Comparison;
  if (!COMPARISONS.includes(op))
    throw invalidValue(`The ComparisonOperator ${op} is not supported.`);
  const tmd = (str(b, 'TreatMissingData') ?? 'missing') as AlarmConfig['TreatMissingData'];
  if (!MISSING.includes(tmd)) throw invalidValue(`The TreatMissingData ${tmd} is not valid.`);
  const desc = str(b, 'AlarmDescription');
  const metricPart = alarmMetric(b);
  const periodS =
    metricPart.Period ?? metricPart.Metrics?.find((q) => q.MetricStat)?.MetricStat?.Period ?? 60;
  // CloudWatch evaluates at most one day of periods (stricter for longer periods: unverified).
  if (EvaluationPeriods * periodS > 86_400)
    throw validationError('EvaluationPeriods times Period must not exceed 86400 seconds.');
  return {
    AlarmName,
    ...(desc !== undefined ? { AlarmDescription: desc } : {}),
    ActionsEnabled: b['ActionsEnabled'] !== false,
    ...metricPart,
    EvaluationPeriods,
    DatapointsToAlarm,
    Threshold: num(b, 'Threshold', true) ?? 0,
    ComparisonOperator: op,
    TreatMissingData: tmd,
  };
}
