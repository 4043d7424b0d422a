// The canary report, ready for the summary renderer and the log: per version metrics, each
// gate's threshold, value and verdict, and which gate stopped the release.
import type { TimeWindow } from '../aws/cloudwatch-types.ts';
import { evaluateGate, type GateResult } from './evaluate.ts';
import type { ReportValues, VersionMetrics } from './metrics.ts';
import type { Gate, GateUnit } from './parse.ts';

export interface GateReport extends GateResult {
  alarmName: string;
  /** CodeDeploy named this gate's alarm when it stopped the deployment. */
  stoppedRelease: boolean;
}

export interface CanaryReport {
  window: TimeWindow;
  newVersion: VersionMetrics;
  previousVersion?: VersionMetrics;
  gates: GateReport[];
  /** The first gate whose alarm stopped the release. */
  stoppedBy?: GateReport;
  /** Alarms that stopped the release and are not gates (the group's, the `alarms` input). */
  otherAlarmsFired: string[];
  /** The new version served no invocation: no gate could judge it. */
  noTraffic: boolean;
  /** Gates that never had a datapoint: neither passed nor failed. */
  gatesWithoutData: GateReport[];
}

/** Alarm names in CodeDeploy's ALARM_ACTIVE message: `Activated alarms: <a> <b>`. */
export function alarmsInMessage(message: string | undefined): string[] {
  return [...(message ?? '').matchAll(/<([^<>]+)>/g)].map((m) => m[1] ?? '');
}

export function canaryReport(
  gates: Gate[],
  alarmNames: string[],
  values: ReportValues,
  window: TimeWindow,
  firedAlarms: string[] = [],
): CanaryReport {
  const reports = gates.map((gate, i): GateReport => {
    const result = evaluateGate(
      gate,
      values.gateSeries[i],
      values.newVersion,
      values.previousVersion,
    );
    const alarmName = alarmNames[i] ?? '';
    const stoppedRelease = firedAlarms.includes(alarmName);
    // The alarm is the enforcement: when CodeDeploy says it fired, the gate failed, whatever
    // the minutes read afterwards show.
    return {
      ...result,
      ...(stoppedRelease ? { verdict: 'fail' as const } : {}),
      alarmName,
      stoppedRelease,
    };
  });
  const stoppedBy = reports.find((r) => r.stoppedRelease);
  return {
    window,
    newVersion: values.newVersion,
    ...(values.previousVersion ? { previousVersion: values.previousVersion } : {}),
    gates: reports,
    ...(stoppedBy ? { stoppedBy } : {}),
    otherAlarmsFired: firedAlarms.filter((a) => !alarmNames.includes(a)),
    noTraffic: values.newVersion.requests === 0,
    gatesWithoutData: reports.filter((r) => r.verdict === 'no-data'),
  };
}

function trim(n: number, digits: number): string {
  return String(Number(n.toFixed(digits)));
}

/** A gate or metric value in its unit: `0.83%`, `812 ms`, `1.52 s`, `3`. */
export function formatValue(unit: GateUnit, value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return 'no data';
  if (unit === 'percent') return `${trim(value, 2)}%`;
  if (unit === 'count') return trim(value, 0);
  return value >= 1000 ? `${trim(value / 1000, 2)} s` : `${trim(value, value >= 10 ? 0 : 1)} ms`;
}

/** The log line for a gate as traffic moves: `error-rate < 1%: 0.4% over 3 minutes (pass)`. */
export function gateLogLine(r: GateResult): string {
  const unit = r.gate.metric.unit;
  if (r.verdict === 'no-data') return `${r.gate.text}: no data yet`;
  const bound = r.threshold !== undefined ? ` (threshold ${formatValue(unit, r.threshold)})` : '';
  const minutes = `${r.minutes} minute${r.minutes === 1 ? '' : 's'}`;
  return `${r.gate.text}: ${formatValue(unit, r.value)}${bound} over ${minutes}: ${r.verdict}`;
}
