// Thin CloudWatch adapter: project types in, project types out. The release loads this module
// with `await import()` only when metric gates are used, so the SDK is not read otherwise.
import {
  CloudWatchClient,
  type CloudWatchClientConfig,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandInput,
  GetMetricDataCommand,
  type MetricAlarm,
  type MetricDataQuery,
  type MetricStat,
  PutMetricAlarmCommand,
  type PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch';
import type {
  AlarmInfo,
  AlarmRequest,
  AlarmStateValue,
  CloudWatchApi,
  MetricQuery,
  MetricRef,
  MetricSeries,
  TimeWindow,
} from './cloudwatch-types.ts';
import { withErrorContext } from './errors.ts';

/** DeleteAlarms and DescribeAlarms take at most 100 names a call. */
const NAMES_PER_CALL = 100;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function metricToAws(m: MetricRef) {
  return {
    Namespace: m.namespace,
    MetricName: m.metricName,
    Dimensions: m.dimensions.map((d) => ({ Name: d.name, Value: d.value })),
  };
}

function queryToAws(q: MetricQuery): MetricDataQuery {
  const s = q.metricStat;
  const stat: MetricStat | undefined = s && {
    Metric: metricToAws(s.metric),
    Period: s.period,
    Stat: s.stat,
    ...(s.unit ? { Unit: s.unit as MetricStat['Unit'] } : {}),
  };
  return {
    Id: q.id,
    ...(stat ? { MetricStat: stat } : {}),
    ...(q.expression !== undefined ? { Expression: q.expression } : {}),
    ...(q.label !== undefined ? { Label: q.label } : {}),
    ReturnData: q.returnData,
  };
}

export function alarmToAws(r: AlarmRequest): PutMetricAlarmCommandInput {
  const single = r.metric && r.stat !== undefined;
  const percentile = single && /^p\d/.test(r.stat ?? '');
  return {
    AlarmName: r.alarmName,
    ...(r.alarmDescription !== undefined ? { AlarmDescription: r.alarmDescription } : {}),
    ActionsEnabled: r.actionsEnabled,
    ...(single && r.metric ? { ...metricToAws(r.metric), Period: r.period } : {}),
    ...(single
      ? percentile
        ? { ExtendedStatistic: r.stat }
        : { Statistic: r.stat as 'Sum' }
      : {}),
    ...(r.unit ? { Unit: r.unit as PutMetricAlarmCommandInput['Unit'] } : {}),
    ...(r.metrics ? { Metrics: r.metrics.map(queryToAws) } : {}),
    EvaluationPeriods: r.evaluationPeriods,
    DatapointsToAlarm: r.datapointsToAlarm,
    Threshold: r.threshold,
    ComparisonOperator: r.comparisonOperator,
    TreatMissingData: r.treatMissingData,
  };
}

function alarmFromAws(a: MetricAlarm): AlarmInfo {
  return {
    alarmName: a.AlarmName ?? '',
    state: (a.StateValue ?? 'INSUFFICIENT_DATA') as AlarmStateValue,
    ...(a.StateReason ? { stateReason: a.StateReason } : {}),
    ...(a.StateUpdatedTimestamp ? { stateUpdatedAt: a.StateUpdatedTimestamp.getTime() } : {}),
  };
}

class CloudWatchAdapter implements CloudWatchApi {
  readonly #client: CloudWatchClient;
  readonly #signal: AbortSignal | undefined;
  constructor(client: CloudWatchClient, signal?: AbortSignal) {
    this.#client = client;
    this.#signal = signal;
  }

  get #opts() {
    return { abortSignal: this.#signal };
  }

  async putAlarms(requests: AlarmRequest[]): Promise<void> {
    for (const r of requests)
      await this.#client.send(new PutMetricAlarmCommand(alarmToAws(r)), this.#opts);
  }

  async deleteAlarms(names: string[]): Promise<void> {
    for (const batch of chunks(names, NAMES_PER_CALL))
      await this.#client.send(new DeleteAlarmsCommand({ AlarmNames: batch }), this.#opts);
  }

  async #describe(input: DescribeAlarmsCommandInput): Promise<AlarmInfo[]> {
    const out: AlarmInfo[] = [];
    let token: string | undefined;
    do {
      const page = await this.#client.send(
        new DescribeAlarmsCommand({
          ...input,
          MaxRecords: 100,
          ...(token ? { NextToken: token } : {}),
        }),
        this.#opts,
      );
      out.push(...(page.MetricAlarms ?? []).map(alarmFromAws));
      token = page.NextToken;
    } while (token);
    return out;
  }

  describeAlarms(prefix: string): Promise<AlarmInfo[]> {
    return this.#describe({ AlarmNamePrefix: prefix });
  }

  async alarmStates(names: string[]): Promise<Record<string, AlarmStateValue>> {
    const states: Record<string, AlarmStateValue> = {};
    for (const batch of chunks(names, NAMES_PER_CALL))
      for (const a of await this.#describe({ AlarmNames: batch })) states[a.alarmName] = a.state;
    return states;
  }

  async getMetricData(queries: MetricQuery[], window: TimeWindow): Promise<MetricSeries[]> {
    const byId = new Map<string, MetricSeries>();
    let token: string | undefined;
    do {
      const page = await this.#client.send(
        new GetMetricDataCommand({
          MetricDataQueries: queries.map(queryToAws),
          StartTime: new Date(window.startMs),
          EndTime: new Date(window.endMs),
          ScanBy: 'TimestampAscending',
          ...(token ? { NextToken: token } : {}),
        }),
        this.#opts,
      );
      for (const r of page.MetricDataResults ?? []) {
        const id = r.Id ?? '';
        const s = byId.get(id) ?? {
          id,
          ...(r.Label ? { label: r.Label } : {}),
          timestamps: [],
          values: [],
        };
        s.timestamps.push(...(r.Timestamps ?? []).map((t) => t.getTime()));
        s.values.push(...(r.Values ?? []));
        byId.set(id, s);
      }
      token = page.NextToken;
    } while (token);
    return [...byId.values()];
  }
}

/**
 * The adapter over a client built from `config`: the caller passes the settings it gives its
 * other clients (region, retries, timeouts), so CloudWatch calls behave the same.
 */
export function createCloudWatch(
  config: CloudWatchClientConfig,
  signal?: AbortSignal,
): CloudWatchApi {
  return new CloudWatchAdapter(withErrorContext(new CloudWatchClient(config)), signal);
}
