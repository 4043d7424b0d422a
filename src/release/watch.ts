// The poll loop: GetDeployment on the strategy's schedule, the live traffic split from the
// alias, the hooks' lifecycle events; progress events whenever something changes.
import { type DeploymentState, isTerminal, type LifecycleEvent } from '../aws/codedeploy.ts';
import { isExpiredCredentials } from '../aws/credential-errors.ts';
import { awsError } from '../aws/errors.ts';
import type { AliasInfo } from '../aws/lambda.ts';
import { formatDuration } from '../report/progress.ts';
import type { TrafficRouting } from '../strategy.ts';
import type { CodeDeployService, ReleaseDeps } from './deps.ts';
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
  /** Set when the deadline passed while AWS could not be reached: the last error. */
  lostContact?: string;
  /** Spells in which AWS could not be reached and watching rode it out. */
  outages: Outage[];
}

/** A spell without contact: from the last answer before it to the first after it. */
export interface Outage {
  /** epoch ms */
  from: number;
  to: number;
  /** Share of traffic on the new version when contact was lost, if seen by then. */
  newPercent?: number;
  /** The last error seen, e.g. `TimeoutError`. */
  reason: string;
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

const HOOK_ENDED = new Set(['Succeeded', 'Failed', 'Skipped']);

/**
 * Whether the lifecycle events are worth reading: a configured hook has not ended and can be
 * moving now. BeforeAllowTraffic runs before any traffic moves; AfterAllowTraffic only once
 * all of it has (CodeDeploy runs it after the last shift), so the shift's minutes in between
 * need no target reads. At the end, whatever is still open is read once for the report.
 */
function hooksPending(state: WatchState): boolean {
  const allMoved = (state.timeline.at(-1)?.newPercent ?? 0) >= 100;
  return state.hooks.some(
    (h) =>
      !HOOK_ENDED.has(h.status) &&
      (h.hook === 'BeforeAllowTraffic' || allMoved || isTerminal(state.info.status)),
  );
}

/**
 * Whether traffic may have moved since the alias was last read, by the deployment's own
 * progress: it just started or changed (status, a hook), it ended, the strategy's next shift
 * is due, or one that was due has not shown yet. Otherwise the alias is not read.
 */
function aliasDue(state: WatchState, seen: PollSeen, schedule: PollSchedule, now: number): boolean {
  if (seen.changed || isTerminal(state.info.status)) return true;
  if (seen.awaitingShift) return true;
  const before = state.hooks.find((h) => h.hook === 'BeforeAllowTraffic');
  // Until the first shift is seen, every poll (once BeforeAllowTraffic has passed): it comes
  // moments after the start, and the strategy's later shifts are timed from it.
  if (!state.timeline.some((p) => p.newPercent > 0))
    return !before || HOOK_ENDED.has(before.status);
  return schedule.shiftDue(seen.aliasReadAt ?? 0, now);
}

/** What one poll carries over to the next. */
interface PollSeen {
  changed: boolean;
  /** epoch ms of the last alias read */
  aliasReadAt?: number;
  /** A shift was due and the alias has not shown it yet. */
  awaitingShift: boolean;
  /** The endpoint cannot read deployment targets: hooks are judged from the deployment alone. */
  noTargets?: boolean;
}

/**
 * The hooks' lifecycle events. They only inform the report, so an endpoint that cannot read
 * targets (an unknown operation, say) is not asked again and the watch goes on without them;
 * what no later poll can fix either (denied, expired, throttling and the network) goes up.
 */
async function lifecycleEvents(
  codedeploy: Pick<CodeDeployService, 'getLambdaTarget'>,
  id: string,
  seen: PollSeen,
): Promise<LifecycleEvent[] | undefined> {
  try {
    return await codedeploy.getLambdaTarget(id);
  } catch (error) {
    const name = awsError(error).name;
    if (isTransient(error) || isExpiredCredentials(error) || /AccessDenied|Abort/.test(name))
      throw error;
    seen.noTargets = true;
    return undefined;
  }
}

/** One poll: the status; the hooks while one is pending; the alias when traffic may have moved. */
async function poll(
  w: WatchTarget,
  state: WatchState,
  deps: ReleaseDeps,
  schedule: PollSchedule,
  seen: PollSeen,
): Promise<{ changed: boolean; newPercent?: number }> {
  let changed = false;
  const aws = deps.polling ?? deps;
  const info = await aws.codedeploy.getDeployment(w.deploymentId);
  if (info.status !== state.info.status) {
    changed = true;
    deps.progress({ kind: 'status', deploymentId: w.deploymentId, status: info.status ?? '?' });
  }
  state.info = info;
  if (info.status !== 'InProgress' && !isTerminal(info.status)) return { changed };
  const events =
    w.hooks.length && !seen.noTargets && hooksPending(state)
      ? await lifecycleEvents(aws.codedeploy, w.deploymentId, seen)
      : undefined;
  const ended: HookResult[] = [];
  if (events) {
    const hooks = hookResults(events, w);
    hooks.forEach((h, i) => {
      const before = state.hooks[i];
      if (h.status !== before?.status) {
        changed = true;
        deps.progress({ kind: 'hook', ...h, hook: h.hook });
        if (HOOK_ENDED.has(h.status)) ended.push(Object.assign(h, { seenAt: deps.clock.now() }));
      } else if (before.seenAt !== undefined) h.seenAt = before.seenAt;
    });
    // In place: the release's result shares this list, so a cancel still has the hooks seen.
    state.hooks.splice(0, state.hooks.length, ...hooks);
  }
  const newPercent = await readTraffic(w, state, deps, schedule, seen, changed);
  // AfterAllowTraffic runs once all traffic has moved: seen ending in the same poll as the
  // last shift, it ended after it.
  const lastAt = state.timeline.at(-1)?.at ?? 0;
  for (const h of ended) if (h.hook === 'AfterAllowTraffic') h.seenAt = Math.max(h.seenAt!, lastAt);
  return newPercent === undefined ? { changed } : { changed, newPercent };
}

/** The alias, when traffic may have moved: a timeline point and a progress event on a change. */
async function readTraffic(
  w: WatchTarget,
  state: WatchState,
  deps: ReleaseDeps,
  schedule: PollSchedule,
  seen: PollSeen,
  /** This poll saw the deployment or a hook change. */
  changed: boolean,
): Promise<number | undefined> {
  const aws = deps.polling ?? deps;
  const now = deps.clock.now();
  if (!aliasDue(state, { ...seen, changed: changed || seen.changed }, schedule, now)) return;
  const alias = await aws.lambda.getAlias(w.functionName, w.alias);
  seen.aliasReadAt = now;
  if (!alias) return;
  state.lastAlias = alias;
  const pct = newPercentOf(alias, w.targetVersion);
  const last = state.timeline.at(-1)?.newPercent;
  // Due but not moved yet: look again next poll until it shows (CodeDeploy is never early).
  seen.awaitingShift = !changed && !seen.changed && pct === last && pct < 100 && last !== undefined;
  if (pct !== last) {
    seen.awaitingShift = false;
    state.timeline.push({ at: deps.clock.now(), newPercent: pct });
    deps.progress({
      kind: 'traffic',
      newVersion: w.targetVersion,
      oldVersion: w.currentVersion,
      newPercent: pct,
    });
  }
  return pct;
}

/** After a failed poll: 1 s, 2 s, 4 s... never longer than poll-interval. */
function outageDelay(failures: number, maxIntervalMs: number): number {
  return Math.min(1000 * 2 ** Math.min(failures - 1, 16), maxIntervalMs);
}

export async function watchDeployment(
  w: WatchTarget,
  deadline: number,
  maxIntervalMs: number,
  deps: ReleaseDeps,
  previous?: Partial<WatchState>,
): Promise<WatchState> {
  const { clock } = deps;
  const schedule = new PollSchedule(clock.now(), {
    routing: w.routing,
    maxIntervalMs,
    random: deps.polling?.jitter,
  });
  const state: WatchState = {
    info: previous?.info ?? {},
    timeline: previous?.timeline ?? [],
    hooks: previous?.hooks ?? hookResults(undefined, w),
    lastAlias: previous?.lastAlias,
    timedOut: false,
    outages: previous?.outages ?? [],
  };
  const seen: PollSeen = { changed: false, awaitingShift: false };
  let lastContact = clock.now();
  let failures = 0;
  let lastError = '';
  for (;;) {
    let delay: number;
    try {
      const polled = await poll(w, state, deps, schedule, seen);
      seen.changed = false;
      schedule.observe(clock.now(), polled);
      if (failures > 0) endOutage(state, deps, lastContact, lastError);
      failures = 0;
      lastContact = clock.now();
      if (isTerminal(state.info.status)) return state;
      delay = schedule.nextDelay(clock.now());
    } catch (error) {
      // Denied, expired, not found...: no later poll can do better; the cause goes up as it is.
      if (!isTransient(error)) throw error;
      failures++;
      seen.changed = true; // what was missed is looked at in full once contact is back
      lastError = awsError(error).name;
      delay = outageDelay(failures, maxIntervalMs);
      deps.progress({
        kind: 'retry',
        operation: 'GetDeployment',
        reason: lastError,
        attempt: failures + 1,
        delayMs: delay,
      });
    }
    const now = clock.now();
    if (now >= deadline) {
      state.timedOut = true;
      if (failures > 0)
        state.lostContact = `${lastError}, for ${formatDuration(now - lastContact)}`;
      return state;
    }
    await clock.sleep(Math.min(delay, Math.max(deadline - now, 0)), deps.signal);
  }
}

/** Contact is back: record the spell and say it in the log. */
function endOutage(state: WatchState, deps: ReleaseDeps, from: number, reason: string): void {
  const outage: Outage = { from, to: deps.clock.now(), reason };
  const pct = state.timeline.filter((p) => p.at <= from).at(-1)?.newPercent;
  if (pct !== undefined) outage.newPercent = pct;
  state.outages.push(outage);
  deps.progress({ kind: 'warning', message: `${outageWords(outage)}; watching goes on.` });
}

/** "Lost contact with AWS for 3m 12s at 40% (TimeoutError)". */
export function outageWords(o: Outage): string {
  const at = o.newPercent !== undefined ? ` at ${o.newPercent}%` : '';
  return `Lost contact with AWS for ${formatDuration(o.to - o.from)}${at} (${o.reason}); the deployment went on meanwhile`;
}
