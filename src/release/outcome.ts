// A terminal deployment → what happened to traffic. `rolled-back` comes from the alias as
// Lambda reports it afterwards, never from CodeDeploy's intent.
import { isTerminal } from '../aws/codedeploy.ts';
import { deploymentUrl } from '../aws/console.ts';
import { describeAwsError, isAbort } from '../aws/errors.ts';
import type { AliasInfo } from '../aws/lambda.ts';
import { clearWeightsCommand, isWhollyOn } from './alias.ts';
import type { Group, ReleaseDeps } from './deps.ts';
import type { DeploymentPlan, Plan } from './plan.ts';
import type {
  AliasState,
  Cause,
  HookName,
  Note,
  ReleaseStatus,
  TrafficEvent,
  TrafficPoint,
} from './result.ts';
import { timeoutWords } from './steps.ts';
import {
  newPercentOf,
  outageWords,
  type WatchState,
  type WatchTarget,
  watchDeployment,
} from './watch.ts';

export interface Outcome {
  status: ReleaseStatus;
  cause?: Cause;
  rolledBack: boolean;
  rollbackDeploymentId?: string;
  finalAlias?: AliasState;
  notes: Note[];
}

const ALARMS = /Activated alarms?:\s*(.*)$/s;

/**
 * Alarm names from CodeDeploy's ALARM_ACTIVE message ("... Activated alarms: <a> <b>"). The
 * names we know (the release's and the group's) are matched whole first, since a name may
 * itself hold `<`, `>` or spaces.
 */
export function alarmsIn(message: string | undefined, known: string[] = []): string[] {
  const list = message && ALARMS.exec(message)?.[1];
  if (!list) return [];
  const named = known.filter((name) => list.includes(`<${name}>`));
  if (named.length) return named;
  const bracketed = [...list.matchAll(/<([^>]*)>/g)].map((m) => m[1] ?? '');
  return bracketed.length ? bracketed : list.split(/\s+/).filter(Boolean);
}

export function aliasState(a: AliasInfo): AliasState {
  return { version: a.version, weights: a.weights };
}

function causeOf(state: WatchState, knownAlarms: string[]): Cause {
  const err = state.info.error;
  const failedHook =
    state.hooks.find((h) => h.status === 'Failed')?.hook ??
    (err?.code === 'HOOK_EXECUTION_FAILURE' ? inferFailedHook(state) : undefined);
  const alarms = alarmsIn(err?.message, knownAlarms);
  return {
    code: err?.code,
    message: err?.message ?? `The deployment ended ${state.info.status} without an error message.`,
    ...(alarms.length ? { alarms } : {}),
    ...(failedHook ? { failedHook } : {}),
  };
}

/**
 * When the lifecycle events could not be read: the only hook there is, or, with both, the
 * after-traffic one once traffic was seen on the new version (BeforeAllowTraffic had passed
 * by then). Otherwise it stays unnamed rather than guessed.
 */
function inferFailedHook(state: WatchState): HookName | undefined {
  if (state.hooks.length === 1) return state.hooks[0]!.hook;
  const before = state.hooks.find((h) => h.hook === 'BeforeAllowTraffic');
  const trafficMoved = state.timeline.some((p) => p.newPercent > 0);
  if (state.hooks.length === 2 && (before?.status === 'Succeeded' || trafficMoved))
    return 'AfterAllowTraffic';
  return undefined;
}

/** What moved traffic back, from the cause. */
function eventOf(cause: Cause): TrafficEvent {
  if (cause.alarms?.length) return 'alarm';
  return cause.failedHook ? 'hook' : 'rollback';
}

/** The timeline ends where traffic is now: the alias as read after the rollback (or cancel). */
export function endTimeline(
  timeline: TrafficPoint[],
  alias: AliasState,
  targetVersion: string,
  at: number,
  event: TrafficEvent | undefined,
): void {
  const newPercent = newPercentOf(alias, targetVersion);
  const last = timeline.at(-1);
  if (newPercent !== last?.newPercent) {
    timeline.push({ at, newPercent, ...(event ? { event } : {}) });
    return;
  }
  // The last poll already saw traffic fall here: that fall is what `event` names.
  const before = timeline.at(-2);
  if (event && !last.event && before && before.newPercent > newPercent) last.event = event;
}

/** How long we follow a rollback deployment once it exists (CodeDeploy's take about 2 s). */
const ROLLBACK_WAIT_MS = 10 * 60_000;

/**
 * Failed or Stopped: find the rollback deployment, follow it until it ends, then read the
 * alias back and say where traffic is.
 */
export async function settleFailure(
  w: WatchTarget,
  state: WatchState,
  autoRollbackExpected: boolean,
  maxIntervalMs: number,
  deps: ReleaseDeps,
  /** What stopped it, when the release did (a timeout). */
  stopEvent?: TrafficEvent,
): Promise<Outcome> {
  const notes: Note[] = [];
  let info = state.info;
  // rollbackInfo can appear a moment after the terminal status; look again briefly.
  for (let i = 0; autoRollbackExpected && !info.rollbackDeploymentId && i < 5; i++) {
    await deps.clock.sleep(2_000, deps.signal);
    info = await deps.codedeploy.getDeployment(w.deploymentId);
  }
  const rollbackId = info.rollbackDeploymentId;
  let rollbackStatus: string | undefined;
  if (rollbackId) {
    deps.progress({ kind: 'info', message: `Following rollback deployment ${rollbackId}.` });
    const rb = await watchDeployment(
      { ...w, deploymentId: rollbackId, hooks: [], routing: { type: 'AllAtOnce' } },
      deps.clock.now() + ROLLBACK_WAIT_MS,
      Math.min(maxIntervalMs, 5_000),
      { ...deps, progress: () => {} },
    );
    rollbackStatus = rb.info.status;
    if (!isTerminal(rollbackStatus))
      notes.push({
        kind: 'rollback-unfinished',
        text: `Rollback deployment ${rollbackId} had not ended after 10 minutes.`,
      });
    else if (rollbackStatus !== 'Succeeded')
      notes.push({
        kind: 'rollback-failed',
        text: `Rollback deployment ${rollbackId} ended ${rollbackStatus}: ${rb.info.error?.code ?? ''} ${rb.info.error?.message ?? ''}`.trim(),
      });
  }
  const alias = await deps.lambda.getAlias(w.functionName, w.alias);
  const rolledBack = isWhollyOn(alias, w.currentVersion);
  const cause = causeOf({ ...state, info }, w.alarms);
  const event = rolledBack ? (stopEvent ?? eventOf(cause)) : undefined;
  if (alias) endTimeline(state.timeline, alias, w.targetVersion, deps.clock.now(), event);
  if (alias && !rolledBack && Object.keys(alias.weights).length > 0) {
    notes.push({
      kind: 'traffic-split',
      text: `Traffic is split between versions ${alias.version} and ${Object.keys(alias.weights).join(', ')}. Every later deployment fails until the alias points at one version: \`${clearWeightsCommand(w.functionName, w.alias, w.currentVersion)}\` returns all traffic to version ${w.currentVersion}.`,
    });
  } else if (alias && !rolledBack) {
    notes.push({
      kind: 'alias-elsewhere',
      text: `Alias ${w.alias} is on version ${alias.version}, not on the previous version ${w.currentVersion}.`,
    });
  }
  return {
    status: state.info.status === 'Stopped' ? 'stopped' : 'failed',
    cause,
    rolledBack,
    rollbackDeploymentId: rollbackId,
    finalAlias: alias && aliasState(alias),
    notes,
  };
}

export async function settleSuccess(w: WatchTarget, deps: ReleaseDeps): Promise<Outcome> {
  const alias = await deps.lambda.getAlias(w.functionName, w.alias);
  if (isWhollyOn(alias, w.targetVersion))
    return {
      status: 'succeeded',
      rolledBack: false,
      finalAlias: alias && aliasState(alias),
      notes: [],
    };
  return {
    status: 'failed',
    rolledBack: isWhollyOn(alias, w.currentVersion),
    finalAlias: alias && aliasState(alias),
    cause: {
      code: 'ALIAS_MISMATCH',
      message: `CodeDeploy reports the deployment Succeeded, but alias ${w.alias} is ${alias ? `on version ${alias.version}${Object.keys(alias.weights).length ? ' with weights' : ''}` : 'missing'}, not wholly on version ${w.targetVersion}. Something else changed the alias.`,
    },
    notes: [],
  };
}

/** The watch ended (or gave up): what happened to traffic, and why; the outages ridden out. */
export async function settle(...args: Parameters<typeof settleWatched>): Promise<Outcome> {
  const state = args[3];
  const outcome = await settleWatched(...args);
  const lost: Note[] = state.outages.map((o) => ({
    kind: 'lost-contact',
    text: `${outageWords(o)}.`,
  }));
  return { ...outcome, notes: [...lost, ...outcome.notes] };
}

async function settleWatched(
  pre: Plan,
  d: DeploymentPlan,
  target: WatchTarget,
  state: WatchState,
  deps: ReleaseDeps,
  group: Group,
): Promise<Outcome> {
  if (state.info.status === 'Succeeded') return settleSuccess(target, deps);
  if (isTerminal(state.info.status))
    return group('Rollback', () =>
      settleFailure(target, state, d.autoRollback, pre.pollIntervalMs, deps),
    );
  if (state.lostContact) return lostContact(pre, target, state);
  return group('Timeout', () => settleTimeout(pre, d, target, state, deps));
}

/** The deployment goes on without us: traffic is where it was last seen. */
function leftRunning(state: WatchState, code: string, message: string): Outcome {
  return {
    status: 'failed',
    rolledBack: false,
    finalAlias: state.lastAlias && aliasState(state.lastAlias),
    cause: { code, message },
    notes: [],
  };
}

function lostContact(pre: Plan, target: WatchTarget, state: WatchState): Outcome {
  const url = deploymentUrl(pre.region, target.deploymentId);
  return leftRunning(
    state,
    'LOST_CONTACT',
    `Lost contact with AWS while watching deployment ${target.deploymentId} (${state.lostContact}), and timeout-minutes (${pre.timeoutMinutes}) passed before it came back. The deployment was left running, not stopped: CodeDeploy's own alarms and automatic rollback still guard it; its outcome is in the console: ${url}`,
  );
}

/** How long we follow a deployment we stopped on timeout until it has rolled back. */
const STOP_WAIT_MS = 10 * 60_000;

/** timeout-minutes passed: leave the deployment running, or stop it with rollback (on-timeout). */
async function settleTimeout(
  pre: Plan,
  d: DeploymentPlan,
  target: WatchTarget,
  state: WatchState,
  deps: ReleaseDeps,
): Promise<Outcome> {
  const within = `Deployment ${target.deploymentId} did not finish within ${timeoutWords(pre)}`;
  const url = deploymentUrl(pre.region, target.deploymentId);
  if (d.onTimeout === 'leave')
    return leftRunning(
      state,
      'TIMEOUT',
      `${within}; it was left running (on-timeout: leave): ${url}`,
    );
  try {
    await deps.codedeploy.stopDeployment(target.deploymentId, true);
  } catch (error) {
    if (isAbort(error) || deps.signal?.aborted) throw error;
    // Still running, and nobody stopped it: say so, and let the post step try again.
    const why = describeAwsError(error).message;
    return leftRunning(
      state,
      'TIMEOUT_STOP_FAILED',
      // The second line is AWS's part: the summary shows it under the bold first.
      `${within}, and stopping it failed: it is still running. The post step tries to stop it again; follow it in the console: ${url}\n${why}`,
    );
  }
  deps.progress({
    kind: 'info',
    message: `Stopping deployment ${target.deploymentId} with rollback.`,
  });
  const stopped = await watchDeployment(
    target,
    deps.clock.now() + STOP_WAIT_MS,
    Math.min(pre.pollIntervalMs, 5_000),
    deps,
    state,
  );
  // It may have finished on its own just before the stop landed.
  if (stopped.info.status === 'Succeeded') return settleSuccess(target, deps);
  const outcome = await settleFailure(target, stopped, true, pre.pollIntervalMs, deps, 'timeout');
  return {
    ...outcome,
    status: 'stopped',
    cause: {
      code: 'TIMEOUT',
      message: `${within}, so the action stopped it with rollback (on-timeout: rollback). ${outcome.rolledBack ? `Traffic is back on version ${target.currentVersion}.` : 'Traffic is NOT confirmed back on the previous version.'}`,
    },
  };
}
