// The poll loop: GetDeployment on the strategy's schedule, the live traffic split from the
// alias, the hooks' lifecycle events; progress events whenever something changes.
import { type DeploymentState, isTerminal, type LifecycleEvent } from '../aws/codedeploy.ts';
import { awsError, isAbort } from '../aws/errors.ts';
import type { AliasInfo } from '../aws/lambda.ts';
import type { TrafficRouting } from '../strategy.ts';
import type { ReleaseDeps } from './deps.ts';
import type { Hook, Plan } from './plan.ts';
import type { HookResult, TrafficPoint } from './result.ts';
import { isTransient } from './retry.ts';
import { PollSchedule } from './schedule.ts';

export interface WatchTarget {
  deploymentId: string;
  functionName: string;
  alias: string;
  currentVersion: string;
  targetVersion: string;
  routing?: TrafficRouting;
  hooks: Hook[];
  /** The alarms that can stop it (the release's and the deployment group's), by name. */
  alarms: string[];
}

/** What to watch: `deploymentId` shifting the alias from `currentVersion` to `targetVersion`. */
export function watchTarget(
  pre: Plan,
  targetVersion: string,
  deploymentId: string,
  currentVersion = pre.current?.version ?? '',
): WatchTarget {
  return {
    deploymentId,
    functionName: pre.functionRef,
    alias: pre.alias,
    currentVersion,
    targetVersion,
    routing: pre.deployment?.routing,
    hooks: pre.hooks,
    alarms: pre.alarms,
  };
}

export interface WatchState {
  info: DeploymentState;
  timeline: TrafficPoint[];
  hooks: HookResult[];
  lastAlias?: AliasInfo;
  /** Set when the deadline passed before the deployment ended. */
  timedOut: boolean;
  /** Set when AWS could not be reached for longer than the retry budget. */
  lostContact?: string;
}

/** Share of the alias's traffic on `target`, from what Lambda reports. */
export function newPercentOf(
  alias: Pick<AliasInfo, 'version' | 'weights'>,
  target: string,
): number {
  if (alias.version === target) {
    const others = Object.values(alias.weights).reduce((a, w) => a + w, 0);
    return Math.round((1 - others) * 1000) / 10;
  }
  return Math.round((alias.weights[target] ?? 0) * 1000) / 10;
}

export function hookResults(events: LifecycleEvent[] | undefined, w: WatchTarget): HookResult[] {
  return w.hooks.map(({ hook, functionName }) => ({
    hook,
    functionName,
    status: events?.find((e) => e.name === hook)?.status ?? 'Pending',
  }));
}

/**
 * Hook statuses and the traffic split only inform the report: if reading them fails for a
 * reason other than throttling or the network, watching goes on without them.
 */
async function bestEffort<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (isTransient(error) || isAbort(error)) throw error;
    return undefined;
  }
}

/** Consecutive failed polls (after the SDK's own retries) before we give up watching. */
const LOST_CONTACT_POLLS = 8;

/** One poll: the status, then (once it runs) the hooks and the traffic split; what changed. */
async function poll(
  w: WatchTarget,
  state: WatchState,
  deps: ReleaseDeps,
): Promise<{ changed: boolean; newPercent?: number }> {
  let changed = false;
  const info = await deps.codedeploy.getDeployment(w.deploymentId);
  if (info.status !== state.info.status) {
    changed = true;
    deps.progress({ kind: 'status', deploymentId: w.deploymentId, status: info.status ?? '?' });
  }
  state.info = info;
  if (info.status !== 'InProgress' && !isTerminal(info.status)) return { changed };
  const events = w.hooks.length
    ? await bestEffort(deps.codedeploy.getLambdaTarget(w.deploymentId))
    : undefined;
  if (events) {
    const hooks = hookResults(events, w);
    hooks.forEach((h, i) => {
      if (h.status !== state.hooks[i]?.status) {
        changed = true;
        deps.progress({ kind: 'hook', ...h, hook: h.hook });
      }
    });
    // In place: the release's result shares this list, so a cancel still has the hooks seen.
    state.hooks.splice(0, state.hooks.length, ...hooks);
  }
  const alias = await bestEffort(deps.lambda.getAlias(w.functionName, w.alias));
  if (!alias) return { changed };
  state.lastAlias = alias;
  const pct = newPercentOf(alias, w.targetVersion);
  // The schedule judges traffic changes itself (an announced step needs no burst).
  if (pct !== state.timeline.at(-1)?.newPercent) {
    state.timeline.push({ at: deps.clock.now(), newPercent: pct });
    deps.progress({
      kind: 'traffic',
      newVersion: w.targetVersion,
      oldVersion: w.currentVersion,
      newPercent: pct,
    });
  }
  return { changed, newPercent: pct };
}

export async function watchDeployment(
  w: WatchTarget,
  deadline: number,
  maxIntervalMs: number,
  deps: ReleaseDeps,
  previous?: Partial<WatchState>,
): Promise<WatchState> {
  const { clock } = deps;
  const schedule = new PollSchedule(clock.now(), { routing: w.routing, maxIntervalMs });
  const state: WatchState = {
    info: previous?.info ?? {},
    timeline: previous?.timeline ?? [],
    hooks: previous?.hooks ?? hookResults(undefined, w),
    lastAlias: previous?.lastAlias,
    timedOut: false,
  };
  let failures = 0;
  for (;;) {
    try {
      schedule.observe(clock.now(), await poll(w, state, deps));
      failures = 0;
      if (isTerminal(state.info.status)) return state;
    } catch (error) {
      if (!isTransient(error)) throw error;
      failures++;
      if (failures >= LOST_CONTACT_POLLS) {
        state.lostContact = `${awsError(error).name}: ${awsError(error).message}`;
        return state;
      }
      deps.progress({
        kind: 'retry',
        operation: 'GetDeployment',
        reason: awsError(error).name,
        attempt: failures + 1,
        delayMs: schedule.nextDelay(clock.now()),
      });
    }
    const now = clock.now();
    if (now >= deadline) {
      state.timedOut = true;
      return state;
    }
    await clock.sleep(Math.min(schedule.nextDelay(now), Math.max(deadline - now, 0)), deps.signal);
  }
}
