// The release as a list of phases: preflight makes the plan, then each phase does its part
// with the plan and what the phases before it handed on, and says whether the release is
// over. Always returns a ReleaseResult; only cancellation escapes as an error.
import { deploymentUrl, releaseUrl } from '../aws/console.ts';
import { expiredCredentialsError, isExpiredCredentials } from '../aws/credential-errors.ts';
import { expectedReleaseMs, sessionSecondsNeeded } from '../aws/credential-lifetime.ts';
import { isAbort } from '../aws/errors.ts';
import type { AliasInfo, FunctionState } from '../aws/lambda.ts';
import { describeChanges } from '../function-config/index.ts';
import { sourceWords, strategyWords } from '../report/words.ts';
import type { Settings } from '../settings/index.ts';
import { describeRouting } from '../strategy.ts';
import { createAliasOnce, isSplit, isWhollyOn, pointAliasPinned, splitCleared } from './alias.ts';
import { hasNewCode, uploadCode } from './code.ts';
import { configureFunction } from './configure.ts';
import { createFunction } from './create.ts';
import { startDeployment, waitForActive } from './deploy.ts';
import { type Group, groupOf, type ReleaseDeps } from './deps.ts';
import { aliasUntouched, causeOfError } from './failure.ts';
import { noteDurable } from './function-kind.ts';
import {
  alarmsWithoutGates,
  armGates,
  closeGatesInto,
  type GateRun,
  logGatesOnTraffic,
  openGates,
} from './gates.ts';
import { aliasState, type Outcome, settle, settleSuccess } from './outcome.ts';
import type { Plan } from './plan.ts';
import { preflight } from './preflight.ts';
import { provision } from './provision.ts';
import { publishVersion } from './publish.ts';
import { waitUntilVersionReady } from './ready.ts';
import type { EntryResult, ReleaseResult } from './result.ts';
import { runSmokeTest } from './smoke.ts';
import {
  hookResults,
  type WatchState,
  type WatchTarget,
  watchDeployment,
  watchTarget,
} from './watch.ts';

export function initialResult(settings: Settings, startedAt: number): ReleaseResult {
  const s = settings.strategy;
  const { source } = settings;
  return {
    status: 'failed',
    region: settings.region,
    functionName: settings.functionName,
    alias: settings.alias,
    source: sourceWords(source),
    origin:
      source.kind === 'version'
        ? { kind: 'version' }
        : source.kind === 'from-alias'
          ? { kind: 'alias', alias: source.alias }
          : { kind: 'published' },
    strategy: {
      input: s.input,
      description: strategyWords(s),
      configName: s.kind === 'direct' ? undefined : s.configName,
      direct: s.kind === 'direct',
    },
    rolledBack: false,
    startedAt,
    endedAt: startedAt,
    timeline: [],
    hooks: [],
    notes: [],
  };
}

/** One entry of a release on its way through the stages: plan, prepare, shift. */
export interface EntryRun {
  readonly settings: Settings;
  readonly deps: ReleaseDeps;
  /** Filled in as the entry goes, so a caller that cancels still has what was done. */
  readonly result: EntryResult;
  /** The phase in progress, for what an error message says the action was doing. */
  phase?: string;
  release?: Release;
  /** This entry's release ended before its last stage: dry run, nothing new, a failure. */
  over: boolean;
}

export function entryRun(settings: Settings, deps: ReleaseDeps, result: EntryResult): EntryRun {
  return { settings, deps, result, over: false };
}

/** Runs `work`; a failure becomes the entry's cause (only cancellation escapes). */
async function guarded(e: EntryRun, work: () => Promise<void>): Promise<void> {
  if (e.over) return;
  try {
    await work();
  } catch (error) {
    if (isAbort(error) || e.deps.signal?.aborted) throw error;
    failEntry(e, error);
  }
  // Where this entry's own release ended so far (entries of a wave end at different times).
  e.result.endedAt = e.deps.clock.now();
}

/** The entry failed: its cause, from the error and the phase it happened in. */
export function failEntry(e: EntryRun, error: unknown): void {
  const { result, settings } = e;
  e.over = true;
  result.status = 'failed';
  result.cause = causeOfError(
    isExpiredCredentials(error) ? credentialsExpired(error, settings, result) : error,
    e.phase,
  );
  aliasUntouched(result, e.phase);
}

function grouped(e: EntryRun): Group {
  const outer = groupOf(e.deps);
  return (name, fn) => {
    e.phase = name;
    return outer(name, fn);
  };
}

/** Preflight: the plan, or the cause it was refused for. Changes nothing. */
export function planEntry(e: EntryRun): Promise<void> {
  return guarded(e, async () => {
    const { settings, deps, result } = e;
    // What preflight read is kept even when a later check fails (busy group, split alias,
    // ...). A split alias stays as it is unless this run moves it: the summary must show it.
    const seen = (a: AliasInfo | undefined) => {
      result.aliasBefore = a ? aliasState(a) : null;
      result.previousVersion = a?.version;
      result.aliasArn = a?.arn;
      result.finalAlias = isSplit(a) ? aliasState(a!) : undefined;
    };
    const group = grouped(e);
    const plan = await plan_(settings, deps, group, seen);
    recordPlan(plan, deps, result);
    e.release = { plan, deps, result, group };
  });
}

/** Every change before traffic moves: function, code, configuration, version, smoke test. */
export function prepareEntry(e: EntryRun): Promise<void> {
  return runPhases(e, PREPARE);
}

/** Traffic: the alias created or moved, or the deployment started, watched and settled. */
export function shiftEntry(e: EntryRun): Promise<void> {
  return runPhases(e, SHIFT);
}

function runPhases(e: EntryRun, phases: Phase[]): Promise<void> {
  return guarded(e, async () => {
    for (const phase of phases)
      if ((await phase(e.release!)) === 'done') {
        e.over = true;
        return;
      }
  });
}

/** The entry's end: its gates' report and alarms, the time it ended. */
export async function closeEntry(e: EntryRun): Promise<void> {
  // No deployment ran: the alias is the release's page (a deployment's was set when it started).
  if (!e.result.deploymentId) e.deps.output('deployment-url', releaseUrl(e.result));
  if (!e.release?.gates) return;
  await closeGatesInto(e.release.gates, e.deps, e.result);
  e.result.endedAt = e.deps.clock.now();
}

/** What the phases share: the plan, and the slots each phase fills for the ones after it. */
export interface Release {
  readonly plan: Plan;
  readonly deps: ReleaseDeps;
  readonly result: ReleaseResult;
  readonly group: Group;
  /** $LATEST once the new code is applied (upload). */
  latest?: FunctionState;
  /** The version to release (publish, or the promoted one). */
  version?: FunctionState;
  /** What the deployment shifts (start deployment). */
  target?: WatchTarget;
  /** Where the watch left it (watch). */
  watched?: WatchState;
  /** The metric gates' alarms, once they are being created (start deployment). */
  gates?: GateRun;
}

/** A phase: does its part, or nothing when it does not apply; 'done' ends the release. */
type Phase = (r: Release) => Promise<'done' | 'next'>;

/** The phases after preflight that change no traffic, in order. */
const PREPARE: Phase[] = [
  stopIfDryRun,
  createFunctionPhase,
  upload,
  configure,
  publish,
  stopIfReleased,
  ready,
  smokeTest,
  provisionPhase,
];

/** The phases that move traffic, in order. */
const SHIFT: Phase[] = [createAlias, moveAlias, startDeploymentPhase, watch, settlePhase];

/** Preflight; with if-busy: wait, waits for the group's active deployment and checks again. */
async function plan_(
  settings: Settings,
  deps: ReleaseDeps,
  group: Group,
  seen: (alias: AliasInfo | undefined) => void,
): Promise<Plan> {
  const check = () =>
    group('Preflight', async () => {
      const p = await preflight(settings, deps, seen);
      for (const step of p.summary.steps) deps.progress({ kind: 'info', message: `plan: ${step}` });
      return p;
    });
  let plan = await check();
  const busyUntil = waitDeadline(plan, deps);
  for (let d = plan.deployment; d?.activeDeploymentId && !plan.dryRun; d = plan.deployment) {
    const active = d.activeDeploymentId;
    await group('Wait for the active deployment', () =>
      waitForActive(active, busyUntil, plan, d!, deps),
    );
    plan = await check();
  }
  return plan;
}

/**
 * Until when a wait that starts now may last: `timeout-minutes` counts each wait from its first
 * check (a busy group, a version not Active yet, a smoke test not ready), so a later wave's
 * entry has its own and not what is left of preflight's.
 */
function waitDeadline(
  plan: Pick<Plan, 'timeoutMinutes'>,
  deps: Pick<ReleaseDeps, 'clock'>,
): number {
  return deps.clock.now() + plan.timeoutMinutes * 60_000;
}

function recordPlan(plan: Plan, deps: ReleaseDeps, result: ReleaseResult): void {
  result.functionName = plan.functionName;
  result.functionArn = plan.latest?.arn.replace(/:\$LATEST$/, '');
  const changes = plan.configuration?.diff.changes ?? [];
  if (changes.length > 0) result.configuration = { changes, applied: false };
  result.aliasArn = plan.current?.arn;
  result.previousVersion = plan.current?.version;
  result.plan = plan.summary;
  result.strategy.configName = plan.deployment?.configName ?? result.strategy.configName;
  if (plan.deployment) result.strategy.description = describeRouting(plan.deployment.routing);
  for (const warning of plan.warnings) {
    deps.progress({ kind: 'warning', message: warning });
    result.notes.push({ kind: 'warning', text: warning });
  }
  if (plan.promoted) {
    result.version = plan.promoted.version;
    result.codeSha256 = plan.promoted.config.codeSha256;
  }
}

async function stopIfDryRun({ plan, deps, result }: Release): Promise<'done' | 'next'> {
  if (!plan.dryRun) return 'next';
  result.status = 'planned';
  if (plan.predictedVersion) {
    result.version = plan.predictedVersion;
    result.notes.push({
      kind: 'predicted-version',
      text: `Version ${plan.predictedVersion} is the number Lambda would give the new code now; a publish by someone else before the real run changes it.`,
    });
  }
  if (result.version) deps.output('version', result.version);
  // A given version's hash is known without any change (AWS reported it in preflight).
  if (result.codeSha256) deps.output('code-sha256', result.codeSha256);
  if (result.configuration)
    result.notes.push({
      kind: 'configuration',
      text: `The configuration would change: ${describeChanges(result.configuration.changes).join('; ')}.`,
    });
  return 'done';
}

// From here on AWS is modified.

/** create-function: the function is made from the code and the configuration at once. */
async function createFunctionPhase(r: Release): Promise<'done' | 'next'> {
  const { plan, result } = r;
  if (!plan.create) return 'next';
  r.latest = await r.group('Create function', () => createFunction(plan, r.deps));
  result.functionArn = r.latest.arn.replace(/:\$LATEST$/, '');
  result.createdFunction = true;
  if (result.configuration) result.configuration.applied = true;
  result.notes.push({
    kind: 'created-function',
    text: `Function ${plan.functionName} did not exist and was created (create-function), from ${sourceWords(plan.source)}.`,
  });
  return 'next';
}

async function upload(r: Release): Promise<'done' | 'next'> {
  if (r.plan.promoted || r.plan.create) return 'next';
  // With no code source nothing is uploaded: the group's name must not say otherwise.
  const name = hasNewCode(r.plan) ? 'Upload code' : 'Wait for $LATEST';
  r.latest = await r.group(name, () => uploadCode(r.plan, r.deps));
  return 'next';
}

/** The configuration inputs' fields that differ, after the code and before the publish. */
async function configure(r: Release): Promise<'done' | 'next'> {
  const { plan, result } = r;
  const configuration = plan.configuration;
  if (plan.promoted || plan.create || !configuration) return 'next';
  if (configuration.diff.request) {
    const latest = r.latest!;
    r.latest = await r.group('Update configuration', () =>
      configureFunction(plan.functionRef, configuration, latest, r.deps),
    );
  }
  if (result.configuration) {
    result.configuration.applied = true;
    result.notes.push({
      kind: 'configuration',
      text: `The configuration changed before publishing: ${describeChanges(result.configuration.changes).join('; ')}.`,
    });
  }
  return 'next';
}

async function publish(r: Release): Promise<'done' | 'next'> {
  const { plan, deps, result } = r;
  if (plan.promoted) {
    r.version = plan.promoted.config;
  } else {
    const latest = r.latest!;
    r.version = await r.group('Publish version', () =>
      publishVersion(plan.functionRef, latest, plan.versionDescription, deps),
    );
    deps.progress({ kind: 'info', message: publishedWords(plan, latest, r.version.version) });
  }
  result.version = r.version.version;
  result.codeSha256 = r.version.codeSha256;
  deps.output('version', r.version.version);
  deps.output('code-sha256', r.version.codeSha256);
  return 'next';
}

/**
 * PublishVersion makes a new version only when $LATEST changed since the last publish (any
 * update counts); otherwise it returns the existing one, so the log says which it was.
 */
function publishedWords(plan: Plan, latest: FunctionState, v: string): string {
  // A function this run created, or $LATEST it updated: a new version.
  if (!plan.latest || latest.revisionId !== plan.latest.revisionId)
    return `Published version ${v}.`;
  if (plan.current?.version === v)
    return `PublishVersion returned version ${v}, which alias ${plan.alias} is already on: $LATEST has not changed since that version was published.`;
  return `PublishVersion returned version ${v}: this run did not change $LATEST (it already held this code), so that is the version last published from it unless someone changed $LATEST since.`;
}

/** A version is released only once Active (SnapStart versions are Pending for minutes). */
async function ready(r: Release): Promise<'done' | 'next'> {
  const v = r.version!;
  if (v.state === undefined || v.state === 'Active') return 'next';
  r.version = await r.group('Wait until the version is ready', () =>
    waitUntilVersionReady(r.plan.functionRef, v, waitDeadline(r.plan, r.deps), r.deps),
  );
  return 'next';
}

async function stopIfReleased({ plan, result, version }: Release): Promise<'done' | 'next'> {
  // A split alias whose main version is this one still needs the move that clears it.
  if (!plan.current || !isWhollyOn(plan.current, version!.version)) return 'next';
  result.status = 'skipped';
  result.finalAlias = aliasState(plan.current);
  result.notes.push({
    kind: 'nothing-new',
    text: `Alias ${plan.alias} already points at version ${version!.version}: nothing new to release${plan.promoted ? '' : ' (PublishVersion returned the existing version because $LATEST did not change)'}.`,
  });
  return 'done';
}

async function smokeTest({ plan, deps, group, version }: Release): Promise<'done' | 'next'> {
  if (plan.smokeTestPayload === undefined) return 'next';
  const until = waitDeadline(plan, deps);
  await group('Smoke test', () => runSmokeTest(plan, version!.version, until, deps));
  return 'next';
}

/** `codedeploy-role`: the application and group planned in preflight, before the alias needs them. */
async function provisionPhase({ plan, deps, result, group }: Release): Promise<'done' | 'next'> {
  const d = plan.deployment;
  if (!d?.create) return 'next';
  const create = d.create;
  const created = await group('Create CodeDeploy resources', () => provision(d, create, deps));
  if (created.length === 0) return 'next';
  result.created = [...(result.created ?? []), ...created];
  const names = created.map((c) =>
    c.kind === 'codedeploy-application'
      ? `CodeDeploy application ${c.name}`
      : `deployment group ${c.name}`,
  );
  result.notes.push({
    kind: 'created',
    text: `Created ${names.join(' and ')} (service role ${create.serviceRoleArn}); later releases use ${created.length > 1 ? 'them' : 'it'} as they are.`,
  });
  return 'next';
}

/** A first release: there is no traffic to shift, so the alias is created on the version. */
async function createAlias({
  plan,
  deps,
  result,
  group,
  version,
}: Release): Promise<'done' | 'next'> {
  if (plan.current) return 'next';
  const created = await group('Create alias', () => createAliasOnce(deps, plan, version!.version));
  deps.output('alias-arn', created.arn);
  result.aliasArn = created.arn;
  result.status = 'created';
  result.finalAlias = aliasState(created);
  result.timeline.push({ at: deps.clock.now(), newPercent: 100 });
  return 'done';
}

/** strategy: direct: one UpdateAlias, read back. */
async function moveAlias(r: Release): Promise<'done' | 'next'> {
  const { plan, deps, result } = r;
  if (plan.deployment) return 'next';
  const v = r.version!.version;
  const moved = await r.group('Move alias', () => pointAliasPinned(deps, plan, v));
  result.timeline.push({ at: deps.clock.now(), newPercent: 100 });
  result.finalAlias = aliasState(moved);
  if (isSplit(plan.current)) noteSplitCleared(plan, v, r);
  merge(result, await settleSuccess(watchTarget(plan, v, ''), deps));
  return 'done';
}

/** The direct move fixed a split alias: a warning now, a note and the split in the result. */
function noteSplitCleared(plan: Plan, version: string, { deps, result }: Release): void {
  const was = aliasState(plan.current!);
  const text = splitCleared(plan.alias, was, version);
  deps.progress({ kind: 'warning', message: text });
  result.notes.push({ kind: 'split-cleared', text });
  result.clearedSplit = was;
}

async function startDeploymentPhase(r: Release): Promise<'done' | 'next'> {
  const { plan, deps, result } = r;
  const d = plan.deployment!;
  const v = r.version!.version;
  const gates = await openGates(plan, v, deps);
  r.gates = gates;
  const existing = alarmsWithoutGates(d.alarmGate, plan.groupAlarms);
  const started = await r.group('Start deployment', () =>
    startDeployment(
      plan,
      d,
      v,
      waitDeadline(plan, deps),
      deps,
      (moved) => {
        result.previousVersion = moved;
        deps.output('previous-version', moved);
      },
      gates && ((current) => armGates(gates, current, existing, d, deps)),
    ),
  );
  const { deploymentId } = started;
  if (gates) gates.deploymentId = deploymentId;
  result.deploymentId = deploymentId;
  deps.output('deployment-id', deploymentId);
  const consoleUrl = deploymentUrl(plan.region, deploymentId);
  deps.output('deployment-url', consoleUrl);
  deps.onDeployment?.(deploymentId);
  deps.progress({ kind: 'deployment-created', deploymentId, consoleUrl });
  r.target = watchTarget(plan, v, deploymentId, started.currentVersion);
  if (gates) r.target.alarms.push(...gates.alarmNames);
  if (d.wait) return 'next';
  result.status = 'started';
  return 'done';
}

async function watch(r: Release): Promise<'done' | 'next'> {
  const target = r.target!;
  // The timeout counts from our deployment's start; waiting for a busy group had its own.
  const deadline = r.deps.clock.now() + r.plan.timeoutMinutes * 60_000;
  // The watch fills the result's own lists, so a cancelled run still has what was seen.
  r.result.hooks = hookResults(undefined, target);
  const seen = { timeline: r.result.timeline, hooks: r.result.hooks };
  const logged = r.gates ? logGatesOnTraffic(r.gates, r.deps) : undefined;
  r.watched = await r.group('Watch deployment', async () => {
    const watched = await watchDeployment(
      target,
      deadline,
      r.plan.pollIntervalMs,
      logged?.deps ?? r.deps,
      seen,
    );
    await logged?.flush();
    return watched;
  });
  // The others of a release need not wait while this one's rollback is followed.
  const ended = r.watched.info.status;
  if (ended === 'Failed' || ended === 'Stopped' || r.watched.timedOut) r.deps.onFailing?.();
  return 'next';
}

async function settlePhase(r: Release): Promise<'done' | 'next'> {
  const outcome = await settle(r.plan, r.plan.deployment!, r.target!, r.watched!, r.deps, r.group);
  merge(r.result, outcome);
  noteDurable(r.result);
  return 'done';
}

/** Expired credentials end the release at once, naming what is left running. */
function credentialsExpired(error: unknown, settings: Settings, result: ReleaseResult) {
  const id = result.deploymentId;
  const plan = result.plan;
  return expiredCredentialsError(error, {
    deploymentId: id,
    consoleUrl: id ? deploymentUrl(settings.region, id) : undefined,
    usingRoleToAssume: settings.credentials.role !== undefined,
    secondsNeeded: plan
      ? sessionSecondsNeeded(expectedReleaseMs({ ...plan, wait: settings.wait }))
      : undefined,
  });
}

function merge(result: ReleaseResult, outcome: Outcome): void {
  Object.assign(result, outcome, { notes: [...result.notes, ...outcome.notes] });
}
