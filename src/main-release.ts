// The main step's release, loaded once its first read is on its way (main.ts): the release's
// outside world, cancel within the runner's window, and the step's outputs, log, summary and
// exit code.
import * as core from '@actions/core';
import {
  type Clients,
  type CredentialProvider,
  cloudWatchFor,
  createClients,
} from './aws/clients.ts';
import type { CloudWatchApi } from './aws/cloudwatch-types.ts';
import { CodeDeployApi } from './aws/codedeploy.ts';
import { releaseUrl } from './aws/console.ts';
import { LambdaApi } from './aws/lambda.ts';
import { recordOnGitHub } from './main-github.ts';
import { cancelRelease } from './release/cancel.ts';
import { type LambdaService, type ReleaseDeps, realClock } from './release/deps.ts';
import { invalidInputResult } from './release/failure.ts';
import { closeGatesInto, type GateRun } from './release/gates.ts';
import { endTimeline } from './release/outcome.ts';
import { ownDeployment } from './release/own-deployment.ts';
import type { ProgressEvent, ReleaseResult } from './release/result.ts';
import { initialResult, release } from './release/run.ts';
import { neutralizeWorkflowCommands } from './report/escape.ts';
import { formatProgress } from './report/progress.ts';
import type { Settings } from './settings/index.ts';
import { onCancel } from './signals.ts';
import { saveFinished, saveRelease } from './state.ts';

/** The runner sends SIGINT, SIGTERM 7.5 s later, then kills 2.5 s after that. */
const CANCEL_WINDOW_MS = 9_000;

/** What main.ts started: the settings, the clients and the Lambda adapter its first read is on. */
export interface Started {
  settings: Settings;
  /** epoch ms */
  startedAt: number;
  controller: AbortController;
  credentials: CredentialProvider | undefined;
  clients: Clients;
  lambda: LambdaService;
}

function log(e: ProgressEvent): void {
  const line = formatProgress(e);
  if (e.kind === 'warning') core.warning(line);
  else core.info(line);
}

/**
 * The renderers of the end of the run, loaded then: the release's first calls go out without
 * evaluating them (start-up).
 */
async function reports() {
  const [summary, failure, head] = await Promise.all([
    import('./report/summary.ts'),
    import('./report/failure.ts'),
    import('./report/headline.ts'),
  ]);
  return { ...summary, ...failure, ...head };
}

async function writeSummary(enabled: boolean, result: ReleaseResult): Promise<void> {
  if (!enabled || !process.env.GITHUB_STEP_SUMMARY) return;
  try {
    const { renderSummary, runContext } = await reports();
    await core.summary
      .addRaw(renderSummary(result, runContext(process.env)))
      .write({ overwrite: false });
  } catch (error) {
    core.warning(`Could not write the job summary: ${(error as Error).message}`);
  }
}

/** Bad input ends like every run: status and rolled-back set, a summary, one annotation. */
export async function endInvalidInput(
  error: unknown,
  input: (name: string) => string,
  startedAt: number,
): Promise<void> {
  const result = invalidInputResult(error, input, process.env, startedAt);
  core.setOutput('status', result.status);
  core.setOutput('rolled-back', String(result.rolledBack));
  saveFinished();
  await writeSummary(input('summary').toLowerCase() !== 'false', result);
  core.setFailed((await reports()).failureMessage(result));
}

/** The release's outside world: AWS clients, the runner's log, outputs and saved state. */
function shellDeps(
  { settings, controller, credentials, clients, lambda }: Started,
  onDeployment: (id: string) => void,
  onGates: (run: GateRun | undefined) => void,
): ReleaseDeps {
  const { signal } = controller;
  const options = { region: settings.region, credentials };
  let cloudwatch: Promise<CloudWatchApi> | undefined;
  return {
    cloudwatch: () => (cloudwatch ??= cloudWatchFor(options, signal)),
    onGates,
    lambda,
    codedeploy: new CodeDeployApi(clients.codedeploy, signal, clients.codedeployOnce),
    polling: {
      lambda: new LambdaApi(() => clients.lambdaPoll, signal),
      codedeploy: new CodeDeployApi(clients.codedeployPoll, signal),
    },
    s3: () => clients.s3(signal),
    clock: realClock,
    progress: log,
    output: (name, value) => {
      core.setOutput(name, value);
      if (name === 'previous-version') saveRelease({ previous: value });
    },
    onDeployment: (id) => {
      onDeployment(id);
      saveRelease({ deploymentId: id });
    },
    group: (name, fn) => core.group(name, fn),
    signal,
  };
}

export async function runRelease(started: Started): Promise<void> {
  const { settings, controller, credentials } = started;
  const result = initialResult(settings, started.startedAt);
  const github = recordOnGitHub(settings, [result]);
  let deploymentId: string | undefined;
  let gates: GateRun | undefined;
  let cancelling: Promise<void> | undefined;
  let cancelEnd = 0;
  const deps = shellDeps(
    started,
    (id) => {
      deploymentId = id;
      github?.deploying(result);
    },
    (run) => {
      gates = run;
      saveGates(run);
    },
  );

  const onSignal = (signal: string) => {
    if (cancelling) {
      core.info(`${signal} received again; still stopping.`);
      return;
    }
    core.warning(`${signal} received: the workflow run is being cancelled.`);
    controller.abort();
    cancelEnd = Date.now() + CANCEL_WINDOW_MS;
    cancelling = cancel(settings, result, deploymentId, gates, credentials);
  };
  onCancel(onSignal);

  try {
    await release(settings, deps, result);
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  }
  if (cancelling) {
    await cancelling;
    // The GitHub record gets what is left of the cancel's window.
    await github?.finish(result, true, AbortSignal.timeout(Math.max(0, cancelEnd - Date.now())));
    await endCancelled(settings, result);
    return;
  }
  if (result.cause?.code === 'TIMEOUT_STOP_FAILED') {
    // on-timeout: rollback asked for a stop that failed: the post step stops it with rollback.
    saveRelease({ onCancel: 'rollback' });
  } else saveFinished();
  // A slow GitHub holds the step's end 15 s at most.
  await github?.finish(result, false, AbortSignal.timeout(15_000));
  await writeSummary(settings.summary, result);
  await end(result);
}

/** The log's last line is the summary's first (the annotation starts with it on a failure). */
async function end(result: ReleaseResult): Promise<void> {
  const { failureMessage, headline } = await reports();
  if (result.status === 'failed' || result.status === 'stopped')
    core.setFailed(failureMessage(result));
  else core.info(neutralizeWorkflowCommands(headline(result)));
}

async function endCancelled(settings: Settings, result: ReleaseResult): Promise<never> {
  result.endedAt = Date.now();
  core.setOutput('deployment-url', releaseUrl(result));
  core.setOutput('status', result.status);
  core.setOutput('rolled-back', String(result.rolledBack));
  // Unless traffic is confirmed back, the post step looks again.
  if (result.rolledBack || !result.deploymentId || settings.onCancel === 'leave') saveFinished();
  await writeSummary(settings.summary, result);
  await end(result);
  process.exit(1);
}
/** on-cancel, within the runner's window: fresh clients, since the release's were aborted with the run. */
async function cancel(
  settings: Settings,
  result: ReleaseResult,
  deploymentId: string | undefined,
  gates: GateRun | undefined,
  credentials: CredentialProvider | undefined,
): Promise<void> {
  // Nothing may outlast the window, or the runner kills the step before it has said what it did.
  const deadline = Date.now() + CANCEL_WINDOW_MS;
  const clients = createClients({
    region: settings.region,
    maxAttempts: 3,
    requestTimeoutMs: 3_000,
    credentials,
  });
  const signal = AbortSignal.timeout(CANCEL_WINDOW_MS);
  const deps = {
    lambda: new LambdaApi(() => clients.lambda, signal),
    codedeploy: new CodeDeployApi(clients.codedeploy, signal),
    clock: realClock,
  };
  const find =
    settings.strategy.kind === 'direct' ? undefined : ownDeployment(settings, result.startedAt);
  const outcome = await cancelRelease(
    deps,
    {
      functionName: settings.functionName,
      alias: settings.alias,
      onCancel: settings.onCancel,
      deploymentId,
      find,
      previousVersion: result.previousVersion,
      region: settings.region,
      usingRoleToAssume: credentials !== undefined,
    },
    deadline,
  );
  Object.assign(result, outcome);
  // The timeline ends where the cancel left traffic.
  if (outcome.finalAlias && result.version && result.timeline.length > 0)
    endTimeline(
      result.timeline,
      outcome.finalAlias,
      result.version,
      Date.now(),
      outcome.rolledBack ? 'cancel' : undefined,
    );
  // The deployment is stopped (or left): the gates' report, then their alarms deleted.
  if (gates) {
    const cloudwatch = await cloudWatchFor(
      { region: settings.region, maxAttempts: 3, credentials },
      signal,
    );
    const deploymentId = result.deploymentId ?? gates.deploymentId;
    await closeGatesInto(
      { ...gates, cloudwatch, deploymentId },
      { ...deps, progress: log, onGates: saveGates },
      result,
    );
  }
}

/** The post step deletes the gate alarms main could not (none once they are deleted). */
function saveGates(run: GateRun | undefined): void {
  saveRelease({ gateAlarms: run?.alarmNames ?? [] });
}
