// Metric gates during a release: before CreateDeployment, remove gate alarms a killed run
// left behind and create this release's; while traffic moves, log each gate's value; at the
// end, read the canary report and delete the alarms once the deployment can no longer need
// them. CloudWatch errors here never fail a release that CodeDeploy judged (except creating the
// alarms: a gate that cannot be enforced must not be passed off as one).

import type { CloudWatchApi } from '../aws/cloudwatch-types.ts';
import type { AlarmGate } from '../aws/codedeploy.ts';
import { isTerminal } from '../aws/codedeploy.ts';
import { awsError, isAbort } from '../aws/errors.ts';
import { alarmPrefix, alarmRequests, deploymentAlarms, type GateTarget } from '../gates/alarms.ts';
import { readReport, reportQueries } from '../gates/metrics.ts';
import type { Gate } from '../gates/parse.ts';
import { type CanaryReport, canaryReport, formatValue, gateLogLine } from '../gates/report.ts';
import type { CodeDeployService, ReleaseDeps } from './deps.ts';
import { ReleaseError } from './errors.ts';
import type { Plan } from './plan.ts';
import type { Note, ReleaseResult } from './result.ts';

/** What a release with gates carries from creating its alarms to deleting them. */
export interface GateRun {
  gates: Gate[];
  target: GateTarget;
  /** One per gate, in the gates' order. */
  alarmNames: string[];
  cloudwatch: CloudWatchApi;
  deploymentId?: string;
  /** AWS's clock (the deployment's createTime): where the report's minutes start. */
  windowStartMs?: number;
  /** The report's minutes end here at the latest (AWS returns data only up to its now). */
  windowSpanMs: number;
}

type GateDeps = Pick<ReleaseDeps, 'codedeploy' | 'progress' | 'clock'> & {
  onGates?: ReleaseDeps['onGates'];
};

/** The run's gates, their CloudWatch loaded; undefined when the plan has none. */
export async function openGates(
  plan: Plan,
  version: string,
  deps: ReleaseDeps,
): Promise<GateRun | undefined> {
  if (plan.metricGates.length === 0) return undefined;
  if (!deps.cloudwatch) throw new Error('metric gates need a CloudWatch client (deps.cloudwatch)');
  return {
    gates: plan.metricGates,
    target: { functionName: plan.functionName, alias: plan.alias, version },
    alarmNames: [],
    cloudwatch: await deps.cloudwatch(),
    // Past the timeout and an hour of CodeDeploy's own steps: where the release surely ended.
    windowSpanMs: (plan.timeoutMinutes + 60) * 60_000,
  };
}

/** closeGates, its findings put into the result: the report, the notes, the cause's gate. */
export async function closeGatesInto(
  run: GateRun,
  deps: GateDeps,
  result: Pick<ReleaseResult, 'canary' | 'notes' | 'cause'>,
): Promise<void> {
  const closed = await closeGates(run, deps, result.cause?.alarms);
  if (closed.canary) result.canary = closed.canary;
  result.notes.push(...closed.notes);
  const why = gateCause(closed.canary);
  if (why && result.cause) result.cause.gate = why;
}

/** The alarms CodeDeploy would watch without gates: `alarms`, else the group's, else none. */
export function alarmsWithoutGates(gate: AlarmGate, groupAlarms: string[]): string[] {
  if (gate.use === 'these') return gate.names;
  return gate.use === 'group' ? groupAlarms : [];
}

/** Preflight: the gates' alarms fit beside the ones that already apply (CodeDeploy's limit). */
export function checkAlarmCount(gates: Gate[], gate: AlarmGate, groupAlarms: string[]): void {
  if (gates.length === 0) return;
  const placeholders = gates.map((g, i) => `${ALARM_PLACEHOLDER}${i}-${g.metric.name}`);
  const fit = deploymentAlarms(alarmsWithoutGates(gate, groupAlarms), placeholders);
  if (!fit.ok) throw new ReleaseError('TOO_MANY_ALARMS', `\`metric-gates\`: ${fit.error}`);
}
const ALARM_PLACEHOLDER = '\u0000gate';

function cloudWatchError(doing: string, operation: string, error: unknown): ReleaseError {
  const e = awsError(error);
  return new ReleaseError(
    'GATE_ALARMS_FAILED',
    `CloudWatch ${operation} failed while ${doing}: ${e.name}: ${e.message}. The role needs cloudwatch:PutMetricAlarm and cloudwatch:DeleteAlarms on alarm:lgr-gate/*, and cloudwatch:DescribeAlarms (README, statements MetricGateAlarms and MetricGateReads). Nothing was deployed.`,
  );
}

/**
 * Just before CreateDeployment (again after a wait for a busy group, since the version traffic
 * shifts from may have changed): leftovers of an earlier run removed, this run's alarms put.
 * Returns what the deployment watches: the alarms that already applied and the gates'.
 */
export async function armGates(
  run: GateRun,
  previousVersion: string,
  existing: string[],
  app: { application: string; deploymentGroup: string },
  deps: GateDeps,
): Promise<AlarmGate> {
  run.target = { ...run.target, previousVersion };
  const requests = alarmRequests(run.gates, run.target);
  run.alarmNames = requests.map((r) => r.alarmName);
  const fit = deploymentAlarms(existing, run.alarmNames);
  if (!fit.ok) throw new ReleaseError('TOO_MANY_ALARMS', `\`metric-gates\`: ${fit.error}`);
  await removeLeftovers(run, app, deps);
  // Saved before they exist: a run killed between here and the end leaves names to delete.
  deps.onGates?.(run);
  try {
    await run.cloudwatch.putAlarms(requests);
  } catch (error) {
    if (isAbort(error)) throw error;
    throw cloudWatchError('creating the metric-gate alarms', 'PutMetricAlarm', error);
  }
  deps.progress({
    kind: 'info',
    message: `Created ${requests.length} metric-gate alarm${requests.length === 1 ? '' : 's'}: ${run.alarmNames.join(', ')}.`,
  });
  return { use: 'these', names: fit.value };
}

/**
 * Gate alarms of this function's alias not ours: a killed run left them. Only while the group
 * is free, since a running deployment of the same alias may still be watching its own.
 */
async function removeLeftovers(
  run: GateRun,
  app: { application: string; deploymentGroup: string },
  deps: GateDeps,
): Promise<void> {
  const active = await deps.codedeploy.listActiveDeployments(app.application, app.deploymentGroup);
  if (active.length > 0) return;
  const prefix = alarmPrefix(run.target.functionName, run.target.alias);
  let left: string[];
  try {
    left = (await run.cloudwatch.describeAlarms(prefix))
      .map((a) => a.alarmName)
      .filter((n) => !run.alarmNames.includes(n));
    if (left.length > 0) await run.cloudwatch.deleteAlarms(left);
  } catch (error) {
    if (isAbort(error)) throw error;
    throw cloudWatchError(
      'removing gate alarms an earlier run left behind',
      'DescribeAlarms/DeleteAlarms',
      error,
    );
  }
  if (left.length > 0)
    deps.progress({
      kind: 'info',
      message: `Deleted ${left.length} metric-gate alarm${left.length === 1 ? '' : 's'} an earlier run left behind: ${left.join(', ')}.`,
    });
}

/** The deployment's createTime (AWS's clock), read once: the report's first minute. */
async function windowStart(
  run: GateRun,
  codedeploy: CodeDeployService,
): Promise<number | undefined> {
  if (run.windowStartMs === undefined && run.deploymentId)
    run.windowStartMs = (await codedeploy.getDeployment(run.deploymentId)).createTime?.getTime();
  return run.windowStartMs;
}

/** The canary report as CloudWatch has it now; `fired`: the alarms CodeDeploy named. */
export async function readCanary(
  run: GateRun,
  codedeploy: CodeDeployService,
  fired: string[] = [],
): Promise<CanaryReport | undefined> {
  const startMs = await windowStart(run, codedeploy);
  if (startMs === undefined) return undefined;
  const q = reportQueries(run.target, run.gates, { startMs, endMs: startMs + run.windowSpanMs });
  const results = await run.cloudwatch.getMetricData(q.queries, q.window);
  const values = readReport(run.target, run.gates, results);
  return canaryReport(run.gates, run.alarmNames, values, q.window, fired);
}

/**
 * deps whose progress, on each traffic move, also logs every gate's value so far. `flush`
 * waits for the reads still under way; a failed read is logged once and watching goes on.
 */
export function logGatesOnTraffic<D extends ReleaseDeps>(
  run: GateRun,
  deps: D,
): { deps: D; flush: () => Promise<void> } {
  let pending = Promise.resolve();
  let warned = false;
  const log = async () => {
    try {
      const report = await readCanary(run, deps.codedeploy);
      for (const g of report?.gates ?? [])
        deps.progress({ kind: 'info', message: `gate ${gateLogLine(g)}` });
    } catch (error) {
      if (isAbort(error) || warned) return;
      warned = true;
      deps.progress({
        kind: 'warning',
        message: `Could not read the metric gates' values (${awsError(error).name}: ${awsError(error).message}); CodeDeploy still enforces them through their alarms.`,
      });
    }
  };
  const progress: ReleaseDeps['progress'] = (e) => {
    deps.progress(e);
    if (e.kind === 'traffic') pending = pending.then(log);
  };
  return { deps: { ...deps, progress }, flush: () => pending };
}

export interface GatesClosed {
  canary?: CanaryReport;
  notes: Note[];
  /** The alarms are gone (or were never created). */
  deleted: boolean;
}

/**
 * The end of the release, however it ended: the report, then the alarms deleted, unless the
 * deployment still runs (wait: false, on-timeout: leave, lost contact): then CodeDeploy still
 * needs them, and the next release removes them.
 */
export async function closeGates(
  run: GateRun,
  deps: GateDeps,
  fired: string[] = [],
): Promise<GatesClosed> {
  const notes: Note[] = [];
  const warn = (doing: string, error: unknown) =>
    notes.push({
      kind: 'warning',
      text: `Could not ${doing} (CloudWatch: ${awsError(error).name}: ${awsError(error).message}).`,
    });
  let running = false;
  let canary: CanaryReport | undefined;
  try {
    if (run.deploymentId) {
      const info = await deps.codedeploy.getDeployment(run.deploymentId);
      running = !isTerminal(info.status);
      run.windowStartMs ??= info.createTime?.getTime();
    }
    canary = await readCanary(run, deps.codedeploy, fired);
  } catch (error) {
    warn('read the canary report', error);
  }
  if (running) {
    notes.push({
      kind: 'gate-alarms-left',
      text: `Deployment ${run.deploymentId} is still running, so its metric-gate alarms stay for CodeDeploy to enforce (${run.alarmNames.join(', ')}); the next release of this alias deletes them.`,
    });
    return { ...(canary ? { canary } : {}), notes, deleted: false };
  }
  let deleted = true;
  try {
    await run.cloudwatch.deleteAlarms(run.alarmNames);
    deps.progress({
      kind: 'info',
      message: `Deleted the metric-gate alarms: ${run.alarmNames.join(', ')}.`,
    });
    deps.onGates?.(undefined);
  } catch (error) {
    deleted = false;
    warn(
      `delete the metric-gate alarms ${run.alarmNames.join(', ')}; the next release deletes them`,
      error,
    );
  }
  return { ...(canary ? { canary } : {}), notes, deleted };
}

/** The sentence the cause gains when a gate's alarm stopped the deployment. */
export function gateCause(canary: CanaryReport | undefined): string | undefined {
  const g = canary?.stoppedBy;
  if (!g) return undefined;
  const unit = g.gate.metric.unit;
  const threshold =
    g.threshold !== undefined ? ` against a threshold of ${formatValue(unit, g.threshold)}` : '';
  return `Metric gate \`${g.gate.text}\` stopped it: the new version's ${g.gate.metric.name} was ${formatValue(unit, g.value)}${threshold}.`;
}

/**
 * The post step, after a run that did not get to delete its alarms: delete them, unless the
 * deployment still runs (then CodeDeploy needs them). Returns what it did, for the log.
 */
export async function deleteLeftAlarms(
  cloudwatch: CloudWatchApi,
  codedeploy: Pick<CodeDeployService, 'getDeployment'>,
  names: string[],
  deploymentId?: string,
): Promise<string> {
  if (deploymentId && !isTerminal((await codedeploy.getDeployment(deploymentId)).status))
    return `Deployment ${deploymentId} is still running: its metric-gate alarms stay for CodeDeploy to enforce; the next release of this alias deletes them.`;
  await cloudwatch.deleteAlarms(names);
  return `Deleted the metric-gate alarms: ${names.join(', ')}.`;
}
