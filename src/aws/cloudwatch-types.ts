// The project's own CloudWatch vocabulary: plain objects mirroring the API's fields, in
// camelCase. Kept apart from the adapter so pure code can use them without loading the SDK.

export interface Dimension {
  name: string;
  value: string;
}

export interface MetricRef {
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
}

/** `Sum`, `Average`, `SampleCount`, `Minimum`, `Maximum` or a percentile such as `p99`. */
export type Statistic = string;

/** One entry of `Metrics` (PutMetricAlarm) or `MetricDataQueries` (GetMetricData). */
export interface MetricQuery {
  /** Starts with a lowercase letter; letters, digits and `_`. */
  id: string;
  metricStat?: { metric: MetricRef; period: number; stat: Statistic; unit?: string };
  expression?: string;
  label?: string;
  /** False for inputs of an expression; exactly one true in an alarm. */
  returnData: boolean;
}

export type ComparisonOperator =
  | 'GreaterThanOrEqualToThreshold'
  | 'GreaterThanThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold';

export type TreatMissingData = 'missing' | 'notBreaching' | 'breaching' | 'ignore';

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** PutMetricAlarm: either a single metric (`metric` + `stat` + `period`) or `metrics`. */
export interface AlarmRequest {
  alarmName: string;
  alarmDescription?: string;
  actionsEnabled: boolean;
  metric?: MetricRef;
  /** For the single-metric form: a statistic or a percentile (sent as ExtendedStatistic). */
  stat?: Statistic;
  period?: number;
  unit?: string;
  metrics?: MetricQuery[];
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  comparisonOperator: ComparisonOperator;
  treatMissingData: TreatMissingData;
}

export interface AlarmInfo {
  alarmName: string;
  state: AlarmStateValue;
  stateReason?: string;
  /** Epoch ms. */
  stateUpdatedAt?: number;
}

/** One GetMetricData result, all pages joined. Timestamps in epoch ms, oldest first. */
export interface MetricSeries {
  id: string;
  label?: string;
  timestamps: number[];
  values: number[];
}

/** Epoch ms; GetMetricData's StartTime is inclusive, EndTime exclusive. */
export interface TimeWindow {
  startMs: number;
  endMs: number;
}

/** What the release asks of CloudWatch (src/aws/cloudwatch.ts implements it). */
export interface CloudWatchApi {
  /** Creates or replaces each alarm (PutMetricAlarm, one call each). */
  putAlarms(requests: AlarmRequest[]): Promise<void>;
  /** Deletes the alarms; names that do not exist are ignored, as DeleteAlarms does. */
  deleteAlarms(names: string[]): Promise<void>;
  /** Every metric alarm whose name starts with the prefix, all pages. */
  describeAlarms(prefix: string): Promise<AlarmInfo[]>;
  /** The state of each named alarm that exists. */
  alarmStates(names: string[]): Promise<Record<string, AlarmStateValue>>;
  /** One series per query with returnData, all pages joined, oldest first. */
  getMetricData(queries: MetricQuery[], window: TimeWindow): Promise<MetricSeries[]>;
}
