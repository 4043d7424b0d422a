// A terminal deployment → what happened to traffic. `rolled-back` comes from the alias as
// Lambda reports it afterwards, never from CodeDeploy's intent.
import { isTerminal } from '../aws/codedeploy.ts';
import type { AliasInfo } from '../aws/lambda.ts';
import type { ReleaseDeps } from './deps.ts';
import { clearWeightsCommand } from './preflight.ts';
import type { AliasState, Cause, HookName, ReleaseStatus } from './result.ts';
import { type WatchState, type WatchTarget, watchDeployment } from './watch.ts';

export interface Outcome {
  status: ReleaseStatus;
  cause?: Cause;
  rolledBack: boolean;
  rollbackDeploymentId?: string;
  finalAlias?: AliasState;
  notes: string[];
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

function isWhollyOn(a: AliasInfo | undefined, version: string): boolean {
  return !!a && a.version === version && Object.keys(a.weights).length === 0;
}

function causeOf(state: WatchState, knownAlarms: string[]): Cause {
  const err = state.info.errorInformation;
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
): Promise<Outcome> {
  const notes: string[] = [];
  let info = state.info;
  // rollbackInfo can appear a moment after the terminal status; look again briefly.
  for (let i = 0; autoRollbackExpected && !info.rollbackInfo?.rollbackDeploymentId && i < 5; i++) {
    await deps.clock.sleep(2_000, deps.signal);
    info = await deps.codedeploy.getDeployment(w.deploymentId);
  }
  const rollbackId = info.rollbackInfo?.rollbackDeploymentId;
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
      notes.push(`Rollback deployment ${rollbackId} had not ended after 10 minutes.`);
    else if (rollbackStatus !== 'Succeeded')
      notes.push(
        `Rollback deployment ${rollbackId} ended ${rollbackStatus}: ${rb.info.errorInformation?.code ?? ''} ${rb.info.errorInformation?.message ?? ''}`.trim(),
      );
  }
  const alias = await deps.lambda.getAlias(w.functionName, w.alias);
  const rolledBack = isWhollyOn(alias, w.currentVersion);
  if (alias && !rolledBack && Object.keys(alias.weights).length > 0) {
    notes.push(
      `Traffic is split between versions ${alias.version} and ${Object.keys(alias.weights).join(', ')}. Every later deployment fails until the alias points at one version: \`${clearWeightsCommand(w.functionName, w.alias, w.currentVersion)}\` returns all traffic to version ${w.currentVersion}.`,
    );
  } else if (alias && !rolledBack) {
    notes.push(
      `Alias ${w.alias} is on version ${alias.version}, not on the previous version ${w.currentVersion}.`,
    );
  }
  return {
    status: state.info.status === 'Stopped' ? 'stopped' : 'failed',
    cause: causeOf({ ...state, info }, w.alarms),
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
