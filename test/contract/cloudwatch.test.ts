// The emulated CloudWatch driven by the real @aws-sdk/client-cloudwatch, through a small
// node:http front over its API handler (the emulator's server registers it later).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  PutMetricAlarmCommand,
  type PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCloudWatch } from '../../src/aws/cloudwatch.ts';
import type { CloudWatchApi } from '../../src/aws/cloudwatch-types.ts';
import { alarmPrefix, alarmRequests } from '../../src/gates/alarms.ts';
import { readReport, reportQueries } from '../../src/gates/metrics.ts';
import { canaryReport } from '../../src/gates/report.ts';
import { cloudWatchHandler, respond } from '../emulator/cloudwatch/api.ts';
import { CloudWatchModel } from '../emulator/cloudwatch/model.ts';
import { gates, target } from '../gates-fixtures.ts';
import { lambdaMinuteSum } from './helpers.ts';

const START = Date.UTC(2025, 0, 6, 12, 0, 0);
const MINUTE = 60_000;
let now = START;
const weights = new Map<string, Record<string, number>>();
const model = new CloudWatchModel({
  now: () => now,
  aliasWeights: (fn, alias) => weights.get(`${fn}:${alias}`),
  seed: 42,
});
const seen: IncomingHttpHeaders[] = [];
let server: Server;
let client: CloudWatchClient;
let cw: CloudWatchApi;

beforeAll(async () => {
  const handler = cloudWatchHandler(model);
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      seen.push(req.headers);
      const out = respond(handler, String(req.headers['x-amz-target'] ?? ''), body);
      res.writeHead(out.status, out.headers).end(out.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const config = {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
  };
  client = new CloudWatchClient(config);
  cw = createCloudWatch(config);
});

afterAll(async () => {
  client.destroy();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  now = START;
  model.reset(42);
  weights.clear();
  seen.length = 0;
});

/** A canary: 10% of 1000 requests a minute on version 8, which fails 20% of them. */
function canary(): void {
  weights.set('orders:live', { '7': 0.9, '8': 0.1 });
  model.setVersionBehaviour('orders', '7', { errorRate: 0.002, medianMs: 80, p99Ms: 200 });
  model.setVersionBehaviour('orders', '8', { errorRate: 0.2, medianMs: 120, p99Ms: 400 });
  model.setTraffic('orders', 'live', { requestsPerMinute: 1000 });
}

function advance(minutes: number): void {
  now += minutes * MINUTE;
}

describe('CloudWatch alarms over the SDK', () => {
  it('speaks AWS JSON 1.0 with the Granite target, query-compatible', async () => {
    await cw.describeAlarms('x');
    expect(seen[0]?.['x-amz-target']).toBe('GraniteServiceVersion20100801.DescribeAlarms');
    expect(seen[0]?.['content-type']).toBe('application/x-amz-json-1.0');
    expect(seen[0]?.['x-amzn-query-mode']).toBe('true');
  });

  it('creates gate alarms in INSUFFICIENT_DATA, finds them by prefix and deletes them', async () => {
    const requests = alarmRequests(gates('error-rate < 1%\np99-duration < 800ms'), target);
    await cw.putAlarms(requests);
    const found = await cw.describeAlarms(alarmPrefix('orders', 'live'));
    expect(found.map((a) => [a.alarmName, a.state, a.stateUpdatedAt])).toEqual([
      ['lgr-gate/orders/live/v8/1-error-rate', 'INSUFFICIENT_DATA', START],
      ['lgr-gate/orders/live/v8/2-p99-duration', 'INSUFFICIENT_DATA', START],
    ]);
    const raw = await client.send(
      new DescribeAlarmsCommand({ AlarmNames: [requests[0]!.alarmName] }),
    );
    const alarm = raw.MetricAlarms?.[0];
    expect(alarm?.Metrics?.find((m) => m.ReturnData)?.Expression).toBe('100 * gn_err / gn_inv');
    expect(alarm?.TreatMissingData).toBe('notBreaching');
    expect(alarm?.AlarmConfigurationUpdatedTimestamp?.getTime()).toBe(START);
    // DeleteAlarms ignores names that do not exist.
    await cw.deleteAlarms([...found.map((a) => a.alarmName), 'never-existed']);
    expect(await cw.describeAlarms('lgr-gate/')).toEqual([]);
  });

  it('pages DescribeAlarms and filters by state', async () => {
    for (const n of ['a', 'b', 'c', 'd', 'e'])
      await client.send(new PutMetricAlarmCommand(simpleAlarm(`p-${n}`, 'breaching')));
    const first = await client.send(
      new DescribeAlarmsCommand({ AlarmNamePrefix: 'p-', MaxRecords: 2 }),
    );
    expect(first.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['p-a', 'p-b']);
    const second = await client.send(
      new DescribeAlarmsCommand({
        AlarmNamePrefix: 'p-',
        MaxRecords: 2,
        NextToken: first.NextToken,
      }),
    );
    expect(second.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['p-c', 'p-d']);
    expect((await cw.describeAlarms('p-')).length).toBe(5);
    advance(1);
    const inAlarm = await client.send(new DescribeAlarmsCommand({ StateValue: 'ALARM' }));
    expect(inAlarm.MetricAlarms?.length).toBe(5);
    expect(await cw.alarmStates(['p-a', 'nope'])).toEqual({ 'p-a': 'ALARM' });
  });

  it('refuses bad alarms with the errors the SDK knows', async () => {
    const bad = async (input: PutMetricAlarmCommandInput) => {
      const e = await client.send(new PutMetricAlarmCommand(input)).catch((x: unknown) => x);
      return [
        (e as Error).name,
        (e as { Code?: string }).Code,
        (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode,
      ];
    };
    expect(await bad({ ...simpleAlarm('x'), Period: 30 })).toEqual([
      'InvalidParameterValueException',
      'InvalidParameterValue',
      400,
    ]);
    expect(
      await bad({ ...simpleAlarm('x'), Metrics: [{ Id: 'm', Expression: '1', ReturnData: true }] }),
    ).toEqual(['InvalidParameterCombinationException', 'InvalidParameterCombination', 400]);
    const {
      Namespace: _n,
      MetricName: _m,
      Statistic: _s,
      Period: _p,
      Dimensions: _d,
      ...noMetric
    } = simpleAlarm('x');
    expect(
      await bad({
        ...noMetric,
        Metrics: [
          { Id: 'a', Expression: 'b * 2', ReturnData: true },
          { Id: 'c', Expression: '1', ReturnData: true },
        ],
      }),
    ).toEqual(['ValidationException', 'ValidationError', 400]);
    expect(await bad({ ...simpleAlarm('x'), DatapointsToAlarm: 5 })).toEqual([
      'ValidationException',
      'ValidationError',
      400,
    ]);
    expect(await cw.describeAlarms('x')).toEqual([]);
  });

  it('treats missing data as the alarm says', async () => {
    await client.send(new PutMetricAlarmCommand(simpleAlarm('missing', 'missing')));
    await client.send(new PutMetricAlarmCommand(simpleAlarm('quiet', 'notBreaching')));
    await client.send(new PutMetricAlarmCommand(simpleAlarm('loud', 'breaching')));
    advance(3);
    expect(await cw.alarmStates(['missing', 'quiet', 'loud'])).toEqual({
      missing: 'INSUFFICIENT_DATA',
      quiet: 'OK',
      loud: 'ALARM',
    });
  });
});

describe('Lambda metrics from synthetic traffic', () => {
  it('splits requests by the alias weights, per version, with errors and durations', async () => {
    canary();
    advance(5);
    const g = gates('error-rate < 1%\np99-duration < previous * 1.5');
    const { queries, window } = reportQueries(target, g, { startMs: START, endMs: now });
    const values = readReport(target, g, await cw.getMetricData(queries, window));
    const fresh = values.newVersion;
    const old = values.previousVersion!;
    expect(fresh.requests + old.requests).toBe(5000);
    expect(fresh.requests).toBeGreaterThan(400);
    expect(fresh.requests).toBeLessThan(600);
    expect(fresh.errorRate).toBeGreaterThan(15);
    expect(fresh.errorRate).toBeLessThan(25);
    expect(old.errorRate).toBeLessThan(1);
    expect(fresh.percentiles['p99']).toBeGreaterThan(old.percentiles['p99'] ?? Infinity);
    expect(fresh.avgDuration).toBeGreaterThan(old.avgDuration ?? Infinity);
    expect(fresh.throttles).toBe(0);
    // Each gate's series has one datapoint a minute.
    expect(values.gateSeries[0]?.timestamps).toEqual(
      [0, 1, 2, 3, 4].map((i) => START + i * MINUTE),
    );
  });

  it('publishes nothing for a minute without requests, and the same traffic for the same seed', async () => {
    weights.set('orders:live', { '7': 1 });
    const only7 = { functionName: 'orders', alias: 'live', version: '7' };
    const query = () => reportQueries(only7, [], { startMs: START, endMs: now });
    expect(
      await cw.getMetricData(query().queries, { startMs: START, endMs: START + MINUTE }),
    ).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'n_inv', values: [] })]));
    model.setTraffic('orders', 'live', { requestsPerMinute: 50, throttleRate: 0.1 });
    advance(2);
    const q = query();
    const a = readReport(only7, [], await cw.getMetricData(q.queries, q.window));
    now = START;
    model.reset(42);
    model.setTraffic('orders', 'live', { requestsPerMinute: 50, throttleRate: 0.1 });
    advance(2);
    const b = readReport(only7, [], await cw.getMetricData(q.queries, q.window));
    expect(b).toEqual(a);
    // Throttled requests count in Throttles, in neither Invocations nor Errors.
    expect(a.newVersion.requests + a.newVersion.throttles).toBe(100);
    expect(a.newVersion.throttles).toBeGreaterThan(0);
  });

  it('puts the error-rate gate of a version failing 20% in ALARM, and CodeDeploy can see it', async () => {
    canary();
    const g = gates('error-rate < 1%');
    const [fresh] = alarmRequests(g, target);
    const [healthy] = alarmRequests(g, { ...target, version: '7' });
    await cw.putAlarms([fresh!, healthy!]);
    advance(1);
    // One bad minute of the three: not yet.
    expect(model.isInAlarm(fresh!.alarmName)).toBe(false);
    advance(1);
    expect(model.alarmState(fresh!.alarmName)).toEqual({
      state: 'ALARM',
      since: START + 2 * MINUTE,
    });
    expect(await cw.alarmStates([fresh!.alarmName, healthy!.alarmName])).toEqual({
      [fresh!.alarmName]: 'ALARM',
      [healthy!.alarmName]: 'OK',
    });
    const { queries, window } = reportQueries(target, g, { startMs: START, endMs: now });
    const values = readReport(target, g, await cw.getMetricData(queries, window));
    const report = canaryReport(g, [fresh!.alarmName], values, window, [fresh!.alarmName]);
    expect(report.stoppedBy?.gate.text).toBe('error-rate < 1%');
    expect(report.gates[0]?.verdict).toBe('fail');
    expect(report.gates[0]?.value).toBeGreaterThan(10);
  });
});

describe('metric math in GetMetricData', () => {
  it('combines series on shared timestamps with precedence, and refuses functions', async () => {
    weights.set('orders:live', { '8': 1 });
    model.setTraffic('orders', 'live', { requestsPerMinute: 10 });
    advance(2);
    const inv = lambdaMinuteSum('Invocations', 'orders');
    const out = await client.send(
      new GetMetricDataCommand({
        StartTime: new Date(START),
        EndTime: new Date(now),
        ScanBy: 'TimestampAscending',
        MetricDataQueries: [
          { Id: 'm', MetricStat: inv, ReturnData: false },
          { Id: 'e', Expression: '1 + m * 2 - (m - 4) / 2', ReturnData: true },
          { Id: 'z', Expression: 'm / (m - 10)', ReturnData: true },
        ],
      }),
    );
    expect(
      out.MetricDataResults?.map((r) => [r.Id, r.Values, r.Timestamps?.map((t) => t.getTime())]),
    ).toEqual([
      ['e', [18, 18], [START, START + MINUTE]],
      // Division by zero gives no datapoint.
      ['z', [], []],
    ]);
    const refused = await client
      .send(
        new GetMetricDataCommand({
          StartTime: new Date(START),
          EndTime: new Date(now),
          MetricDataQueries: [{ Id: 'f', Expression: 'FILL(m, 0)' }],
        }),
      )
      .catch((e: unknown) => e as Error);
    expect((refused as Error).name).toBe('ValidationException');
  });
});

function simpleAlarm(
  name: string,
  treat: 'missing' | 'notBreaching' | 'breaching' = 'notBreaching',
): PutMetricAlarmCommandInput {
  return {
    AlarmName: name,
    Namespace: 'AWS/Lambda',
    MetricName: 'Errors',
    Dimensions: [{ Name: 'FunctionName', Value: 'idle' }],
    Statistic: 'Sum',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 0,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: treat,
  };
}
