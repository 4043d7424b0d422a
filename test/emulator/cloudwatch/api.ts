// CloudWatch's API over the model, as the SDK v3 (3.1164) speaks it: AWS JSON 1.0 with
// `X-Amz-Target: GraniteServiceVersion20100801.<Op>`, timestamps as epoch seconds, errors in
// the query-compatible form (errors.ts). `respond` is what the server routes a request to.
import { isRecord } from '../util.ts';
import {
  CloudWatchError,
  errorResponse,
  invalidCombination,
  invalidNextToken,
  invalidValue,
  unknownOperation,
  type WireResponse,
} from './errors.ts';
import type { AlarmRecord, CloudWatchModel } from './model.ts';
import { alarmConfig, num, queries, str, strings, timestamp } from './validate.ts';

export const CLOUDWATCH_TARGET_PREFIX = 'GraniteServiceVersion20100801.';
export const CLOUDWATCH_MUTATING = new Set(['PutMetricAlarm', 'DeleteAlarms']);

type Body = Record<string, unknown>;
const seconds = (ms: number) => ms / 1000;

function alarmToWire(model: CloudWatchModel, a: AlarmRecord): Body {
  const c = a.config;
  return {
    ...c,
    AlarmArn: `arn:aws:cloudwatch:${model.region}:${model.accountId}:alarm:${c.AlarmName}`,
    AlarmConfigurationUpdatedTimestamp: seconds(a.configuredAt),
    OKActions: [],
    AlarmActions: [],
    InsufficientDataActions: [],
    StateValue: a.state,
    StateReason: a.stateReason,
    StateUpdatedTimestamp: seconds(a.stateSince),
    StateTransitionedTimestamp: seconds(a.stateSince),
  };
}

/** DescribeAlarms: by names or by prefix (not both), optionally by state; pages of MaxRecords. */
function describeAlarms(model: CloudWatchModel, b: Body): Body {
  const names = strings(b, 'AlarmNames');
  const prefix = str(b, 'AlarmNamePrefix');
  if (names && prefix !== undefined)
    throw invalidCombination('AlarmNames and AlarmNamePrefix cannot be given together.');
  if (names && names.length > 100) throw invalidValue('AlarmNames must hold at most 100 names.');
  const state = str(b, 'StateValue');
  if (state !== undefined && !['OK', 'ALARM', 'INSUFFICIENT_DATA'].includes(state))
    throw invalidValue(`The StateValue ${state} is not valid.`);
  const types = strings(b, 'AlarmTypes');
  const max = num(b, 'MaxRecords') ?? 50;
  if (!Number.isInteger(max) || max < 1 || max > 100)
    throw invalidValue('MaxRecords must be between 1 and 100.');
  const token = str(b, 'NextToken');
  const after = token === undefined ? undefined : decodeToken(token);
  const all = model
    .alarms()
    .filter((a) => !names || names.includes(a.config.AlarmName))
    .filter((a) => prefix === undefined || a.config.AlarmName.startsWith(prefix))
    .filter((a) => state === undefined || a.state === state)
    .filter(() => !types || types.includes('MetricAlarm'))
    .filter((a) => after === undefined || a.config.AlarmName > after);
  const page = all.slice(0, max);
  const last = page[page.length - 1];
  return {
    MetricAlarms: page.map((a) => alarmToWire(model, a)),
    CompositeAlarms: [],
    ...(all.length > max && last
      ? { NextToken: Buffer.from(last.config.AlarmName).toString('base64') }
      : {}),
  };
}

function decodeToken(token: string): string {
  const name = Buffer.from(token, 'base64').toString('utf8');
  if (name === '' || Buffer.from(name).toString('base64') !== token) throw invalidNextToken();
  return name;
}

/** GetMetricData: every series with ReturnData, newest first unless ScanBy says otherwise. */
function getMetricData(model: CloudWatchModel, b: Body): Body {
  const qs = queries(b['MetricDataQueries'], 'MetricDataQueries', 500);
  const startMs = timestamp(b, 'StartTime');
  const endMs = timestamp(b, 'EndTime');
  if (startMs >= endMs)
    throw invalidValue('The parameter StartTime must be less than the parameter EndTime.');
  const scan = str(b, 'ScanBy') ?? 'TimestampDescending';
  if (!['TimestampDescending', 'TimestampAscending'].includes(scan))
    throw invalidValue(`The ScanBy ${scan} is not valid.`);
  if (str(b, 'NextToken') !== undefined) throw invalidNextToken();
  // 1-minute data: the range starts on a whole minute.
  const start = Math.floor(startMs / 60_000) * 60_000;
  const series = model.runQueries(qs, start, endMs);
  const results = qs
    .filter((q) => q.ReturnData)
    .map((q) => {
      const points = [...(series.get(q.Id) ?? new Map<number, number>())].sort((x, y) =>
        scan === 'TimestampAscending' ? x[0] - y[0] : y[0] - x[0],
      );
      return {
        Id: q.Id,
        Label: q.Label ?? q.MetricStat?.Metric.MetricName ?? q.Id,
        Timestamps: points.map(([t]) => seconds(t)),
        Values: points.map(([, v]) => v),
        StatusCode: 'Complete',
        Messages: [],
      };
    });
  return { MetricDataResults: results, Messages: [] };
}

/** The API: an operation and its parsed JSON body in, the response body out, or a CloudWatchError. */
export function cloudWatchHandler(
  model: CloudWatchModel,
): (operation: string, body: unknown) => unknown {
  return (operation, raw) => {
    const b: Body = isRecord(raw) ? raw : {};
    if (operation === 'PutMetricAlarm') {
      model.putAlarm(alarmConfig(b));
      return {};
    }
    if (operation === 'DeleteAlarms') {
      const names = strings(b, 'AlarmNames');
      if (!names || names.length === 0 || names.length > 100)
        throw invalidValue('AlarmNames must hold 1 to 100 names.');
      model.deleteAlarms(names);
      return {};
    }
    if (operation === 'DescribeAlarms') return describeAlarms(model, b);
    if (operation === 'GetMetricData') return getMetricData(model, b);
    throw unknownOperation(operation);
  };
}

/** One HTTP request: the X-Amz-Target header and the raw body, to the wire response. */
export function respond(
  handler: (operation: string, body: unknown) => unknown,
  target: string,
  rawBody: string,
): WireResponse {
  try {
    if (!target.startsWith(CLOUDWATCH_TARGET_PREFIX)) throw unknownOperation(target);
    let body: unknown = {};
    try {
      body = rawBody.trim() === '' ? {} : JSON.parse(rawBody);
    } catch {
      throw new CloudWatchError(
        400,
        'SerializationException',
        'SerializationException',
        'The request body is not valid JSON.',
      );
    }
    const out = handler(target.slice(CLOUDWATCH_TARGET_PREFIX.length), body);
    return {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.0' },
      body: JSON.stringify(out),
    };
  } catch (e) {
    if (e instanceof CloudWatchError) return errorResponse(e);
    throw e;
  }
}
