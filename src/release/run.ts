// The release, phase by phase: preflight → code → publish → smoke test → alias or deployment
// → watch → outcome. Always returns a ReleaseResult; only cancellation escapes as an error.
import { isTerminal } from '../aws/codedeploy.ts';
import { awsError, isAbort, ReleaseError } from '../aws/errors.ts';
import type { FunctionState } from '../aws/lambda.ts';
import { deploymentUrl } from '../report/links.ts';
import type { Settings } from '../settings/index.ts';
import { describeRouting } from '../strategy.ts';
import { uploadCode } from './code.ts';
import { activeDeploymentIn, busyFrom, createDeployment, ensureConfig } from './deploy.ts';
import type { ReleaseDeps } from './deps.ts';
import { aliasState, type Outcome, settleFailure, settleSuccess } from './outcome.ts';
import { checkAlias, type Preflight, preflight, sourceWords } from './preflight.ts';
import { publishVersion } from './publish.ts';
import type { HookName, ReleaseResult } from './result.ts';
import { type WatchTarget, watchDeployment } from './watch.ts';

export function initialResult(settings: Settings, startedAt: number): ReleaseResult {
  const s = settings.strategy;
  return {
    status: 'failed',
    region: settings.region,
    functionName: settings.functionName,
    alias: settings.alias,
    source: sourceWords(settings),
    origin:
      settings.source.kind === 'version'
        ? { kind: 'version' }
        : settings.source.kind === 'from-alias'
          ? { kind: 'alias', alias: settings.source.alias }
          : { kind: 'published' },
    strategy: {
      input: s.input,
      description:
        s.kind === 'direct'
          ? 'direct: the alias moves at once, no CodeDeploy'
          : s.kind === 'custom'
            ? `custom config ${s.configName}`
            : describeRouting(s.routing),
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

/** `result` is filled in as the release goes, so a caller that cancels still has what was done. */
export async function release(
  settings: Settings,
  deps: ReleaseDeps,
  result: ReleaseResult = initialResult(settings, deps.clock.now()),
): Promise<ReleaseResult> {
  try {
    await run(settings, deps, result);
  } catch (error) {
    if (isAbort(error) || deps.signal?.aborted) throw error;
    const e = awsError(error);
    result.status = 'failed';
    result.cause =
      error instanceof ReleaseError
        ? { code: error.code, message: error.message }
        : { code: e.name, message: e.message };
  }
  result.endedAt = deps.clock.now();
  deps.output('status', result.status);
  deps.output('rolled-back', String(result.rolledBack));
  return result;
}

async function run(settings: Settings, deps: ReleaseDeps, result: ReleaseResult): Promise<void> {
  const group = deps.group ?? ((_name, fn) => fn());
  const fn = settings.functionName;

  const check = () =>
    group('Preflight', async () => {
      const p = await preflight(settings, deps);
      for (const step of p.plan.steps) deps.progress({ kind: 'info', message: `plan: ${step}` });
      return p;
    });
  let pre = await check();
  const deadline = deps.clock.now() + pre.timeoutMinutes * 60_000;
  while (pre.activeDeploymentId && !settings.dryRun) {
    const active = pre.activeDeploymentId;
    await group('Wait for the active deployment', () =>
      waitForActive(active, deadline, settings, deps),
    );
    pre = await check();
  }
  result.functionName = pre.functionName;
  result.functionArn = pre.latest.arn.replace(/:\$LATEST$/, '');
  result.aliasArn = pre.alias?.arn;
  result.previousVersion = pre.alias?.version;
  result.plan = pre.plan;
  result.strategy.configName = pre.configName ?? result.strategy.configName;
  if (pre.routing) result.strategy.description = describeRouting(pre.routing);
  for (const warning of pre.warnings) {
    deps.progress({ kind: 'warning', message: warning });
    result.notes.push(warning);
  }
  if (pre.promoted) {
    result.version = pre.promoted.version;
    result.codeSha256 = pre.promoted.config.codeSha256;
  }

  if (settings.dryRun) {
    result.status = 'planned';
    if (pre.predictedVersion) {
      result.version = pre.predictedVersion;
      result.notes.push(
        `Version ${pre.predictedVersion} is the number Lambda would give the new code now; a publish by someone else before the real run changes it.`,
      );
    }
    if (result.version) deps.output('version', result.version);
    return;
  }

  // Change: from here on AWS is modified.
  let version: FunctionState;
  if (pre.promoted) {
    version = pre.promoted.config;
  } else {
    const latest = await group('Upload code', () => uploadCode(settings, pre, deps));
    version = await group('Publish version', () =>
      publishVersion(fn, latest, settings.versionDescription, deps),
    );
    deps.progress({ kind: 'info', message: `Published version ${version.version}.` });
  }
  result.version = version.version;
  result.codeSha256 = version.codeSha256;
  deps.output('version', version.version);
  deps.output('code-sha256', version.codeSha256);

  if (pre.alias && pre.alias.version === version.version) {
    result.status = 'skipped';
    result.finalAlias = aliasState(pre.alias);
    result.notes.push(
      `Alias ${settings.alias} already points at version ${version.version}: nothing new to release${pre.promoted ? '' : ' (PublishVersion returned the existing version because $LATEST did not change)'}.`,
    );
    return;
  }

  if (settings.smokeTestPayload !== undefined) {
    await group('Smoke test', () => smokeTest(settings, version.version, deps));
  }

  if (!pre.alias) {
    const created = await group('Create alias', () =>
      deps.lambda.createAlias(fn, settings.alias, version.version),
    );
    deps.output('alias-arn', created.arn);
    result.aliasArn = created.arn;
    result.status = 'created';
    result.finalAlias = aliasState(created);
    result.timeline.push({ at: deps.clock.now(), newPercent: 100 });
    return;
  }

  if (settings.strategy.kind === 'direct') {
    const moved = await group('Move alias', () =>
      deps.lambda.pointAlias(fn, settings.alias, version.version, pre.alias?.revisionId),
    );
    result.timeline.push({ at: deps.clock.now(), newPercent: 100 });
    const outcome = await settleSuccess(watchTarget(settings, pre, version.version, ''), deps);
    Object.assign(result, outcome, { notes: [...result.notes, ...outcome.notes] });
    result.finalAlias ??= aliasState(moved);
    return;
  }

  await deploy(settings, pre, version.version, deadline, deps, result);
}

async function smokeTest(settings: Settings, version: string, deps: ReleaseDeps): Promise<void> {
  const out = await deps.lambda.invoke(settings.functionName, version, settings.smokeTestPayload!);
  if (out.functionError) {
    const detail = out.payload.length > 2000 ? `${out.payload.slice(0, 2000)}…` : out.payload;
    throw new ReleaseError(
      'SMOKE_TEST_FAILED',
      `The smoke test failed on version ${version} (${out.functionError}): ${detail}. No traffic was moved; alias ${settings.alias} is unchanged.`,
    );
  }
  deps.progress({ kind: 'info', message: `Smoke test passed on version ${version}.` });
}

function watchTarget(
  settings: Settings,
  pre: Preflight,
  targetVersion: string,
  deploymentId: string,
): WatchTarget {
  const hooks: { hook: HookName; functionName: string }[] = [];
  if (settings.beforeTrafficHook)
    hooks.push({ hook: 'BeforeAllowTraffic', functionName: settings.beforeTrafficHook });
  if (settings.afterTrafficHook)
    hooks.push({ hook: 'AfterAllowTraffic', functionName: settings.afterTrafficHook });
  return {
    deploymentId,
    functionName: settings.functionName,
    alias: settings.alias,
    currentVersion: pre.alias?.version ?? '',
    targetVersion,
    routing: pre.routing,
    hooks,
    alarms: [...new Set([...settings.alarms, ...pre.groupAlarms])],
  };
}

/** Waits for another deployment in the group to end (if-busy: wait). */
async function waitForActive(
  id: string,
  deadline: number,
  settings: Settings,
  deps: ReleaseDeps,
): Promise<void> {
  deps.progress({
    kind: 'info',
    message: `Waiting for the active deployment ${id} to end: ${deploymentUrl(settings.region, id)}`,
  });
  for (;;) {
    const info = await deps.codedeploy.getDeployment(id);
    if (isTerminal(info.status)) return;
    if (deps.clock.now() >= deadline)
      throw new ReleaseError(
        'TIMEOUT',
        `The active deployment ${id} in group \`${settings.deploymentGroup}\` was still running after ${settings.timeoutMinutes ?? 'the'} minutes of waiting (if-busy: wait). Nothing was deployed.`,
      );
    await deps.clock.sleep(Math.min(settings.pollIntervalSeconds * 1000, 15_000), deps.signal);
  }
}

async function deploy(
  settings: Settings,
  pre: Preflight,
  targetVersion: string,
  /** Until when a busy group may be waited for. */
  deadline: number,
  deps: ReleaseDeps,
  result: ReleaseResult,
): Promise<void> {
  const group = deps.group ?? ((_name, fn) => fn());
  let currentVersion = pre.alias!.version;
  const maxIntervalMs = settings.pollIntervalSeconds * 1000;

  const deploymentId = await group('Start deployment', async () => {
    await ensureConfig(pre, deps);
    for (;;) {
      try {
        return await createDeployment(settings, pre, currentVersion, targetVersion, deps);
      } catch (error) {
        // Another deployment started between preflight and now.
        const active = activeDeploymentIn(error);
        if (!active || settings.ifBusy === 'fail') throw busyFrom(error, settings);
        await waitForActive(active, deadline, settings, deps);
        // That deployment may have moved the alias: shift from where it is now.
        const alias = await deps.lambda.getAlias(settings.functionName, settings.alias);
        checkAlias(alias, settings, pre.functionName);
        if (!alias || alias.version === targetVersion)
          throw new ReleaseError(
            'ALIAS_MOVED',
            `While this release waited, another deployment moved alias ${settings.alias} to ${alias ? `version ${alias.version}` : 'nowhere (it was deleted)'}; nothing was deployed.`,
          );
        currentVersion = alias.version;
        result.previousVersion = currentVersion;
        deps.output('previous-version', currentVersion);
      }
    }
  });
  const url = deploymentUrl(settings.region, deploymentId);
  result.deploymentId = deploymentId;
  deps.output('deployment-id', deploymentId);
  deps.onDeployment?.(deploymentId);
  deps.progress({ kind: 'deployment-created', deploymentId, consoleUrl: url });

  if (!settings.wait) {
    result.status = 'started';
    return;
  }

  const target = { ...watchTarget(settings, pre, targetVersion, deploymentId), currentVersion };
  // The timeout counts from our deployment's start; waiting for a busy group had its own.
  const watchDeadline = deps.clock.now() + pre.timeoutMinutes * 60_000;
  const state = await group('Watch deployment', () =>
    watchDeployment(target, watchDeadline, maxIntervalMs, deps),
  );
  result.timeline = state.timeline;
  result.hooks = state.hooks;

  let outcome: Outcome;
  if (state.info.status === 'Succeeded') {
    outcome = await settleSuccess(target, deps);
  } else if (isTerminal(state.info.status)) {
    outcome = await group('Rollback', () =>
      settleFailure(target, state, settings.autoRollback, maxIntervalMs, deps),
    );
  } else if (state.lostContact) {
    outcome = {
      status: 'failed',
      rolledBack: false,
      finalAlias: state.lastAlias && aliasState(state.lastAlias),
      cause: {
        code: 'LOST_CONTACT',
        message: `Lost contact with AWS while watching deployment ${deploymentId} (${state.lostContact}). The deployment was left running, not stopped; its outcome is in the console: ${url}`,
      },
      notes: [],
    };
  } else {
    outcome = await group('Timeout', () =>
      onTimeout(settings, target, state, pre.timeoutMinutes, deps),
    );
  }
  Object.assign(result, outcome, { notes: [...result.notes, ...outcome.notes] });
}

async function onTimeout(
  settings: Settings,
  target: WatchTarget,
  state: Awaited<ReturnType<typeof watchDeployment>>,
  minutes: number,
  deps: ReleaseDeps,
): Promise<Outcome> {
  const url = deploymentUrl(settings.region, target.deploymentId);
  if (settings.onTimeout === 'leave') {
    return {
      status: 'failed',
      rolledBack: false,
      finalAlias: state.lastAlias && aliasState(state.lastAlias),
      cause: {
        code: 'TIMEOUT',
        message: `Deployment ${target.deploymentId} did not finish within ${minutes} minutes (timeout-minutes); it was left running (on-timeout: leave): ${url}`,
      },
      notes: [],
    };
  }
  await deps.codedeploy.stopDeployment(target.deploymentId, true);
  deps.progress({
    kind: 'info',
    message: `Stopping deployment ${target.deploymentId} with rollback.`,
  });
  const maxIntervalMs = settings.pollIntervalSeconds * 1000;
  const stopped = await watchDeployment(
    target,
    deps.clock.now() + 10 * 60_000,
    Math.min(maxIntervalMs, 5_000),
    deps,
    state,
  );
  // It may have finished on its own just before the stop landed.
  if (stopped.info.status === 'Succeeded') return settleSuccess(target, deps);
  const outcome = await settleFailure(target, stopped, true, maxIntervalMs, deps);
  return {
    ...outcome,
    status: 'stopped',
    cause: {
      code: 'TIMEOUT',
      message: `Deployment ${target.deploymentId} did not finish within ${minutes} minutes (timeout-minutes), so the action stopped it with rollback (on-timeout: rollback). ${outcome.rolledBack ? `Traffic is back on version ${target.currentVersion}.` : 'Traffic is NOT confirmed back on the previous version.'}`,
    },
  };
}
