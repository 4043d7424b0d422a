// The shell around the release: inputs in; outputs, log, summary and exit code out.
import * as core from '@actions/core';
import { createClients } from './aws/clients.ts';
import { CodeDeployApi } from './aws/codedeploy.ts';
import { LambdaApi } from './aws/lambda.ts';
import { stopAndConfirm } from './release/cancel.ts';
import { deploymentDescription, findOwnDeployment } from './release/deploy.ts';
import { type ReleaseDeps, realClock } from './release/deps.ts';
import type { ProgressEvent, ReleaseResult } from './release/result.ts';
import { initialResult, release } from './release/run.ts';
import { neutralizeWorkflowCommands } from './report/escape.ts';
import { failureMessage } from './report/failure.ts';
import { formatAliasState, formatProgress } from './report/progress.ts';
import { outcomeLine, renderSummary } from './report/summary.ts';
import { readSettings, type Settings } from './settings/index.ts';
import { saveFinished, saveRelease } from './state.ts';

/** The runner sends SIGINT, SIGTERM 7.5 s later, then kills 2.5 s after that. */
const CANCEL_WINDOW_MS = 9_000;

function log(e: ProgressEvent): void {
  const line = formatProgress(e);
  if (e.kind === 'warning') core.warning(line);
  else core.info(line);
}

async function writeSummary(settings: Settings, result: ReleaseResult): Promise<void> {
  if (!settings.summary || !process.env.GITHUB_STEP_SUMMARY) return;
  try {
    await core.summary.addRaw(renderSummary(result)).write({ overwrite: false });
  } catch (error) {
    core.warning(`Could not write the job summary: ${(error as Error).message}`);
  }
}

export async function main(): Promise<void> {
  let settings: Settings;
  try {
    settings = readSettings((name) => core.getInput(name), process.env);
  } catch (error) {
    core.setFailed((error as Error).message);
    return;
  }

  const controller = new AbortController();
  const clients = createClients({ region: settings.region });
  const lambda = new LambdaApi(clients.lambda, controller.signal);
  const codedeploy = new CodeDeployApi(
    clients.codedeploy,
    controller.signal,
    clients.codedeployOnce,
  );
  const result = initialResult(settings, Date.now());
  const direct = settings.strategy.kind === 'direct';
  saveRelease({
    region: settings.region,
    functionName: settings.functionName,
    alias: settings.alias,
    onCancel: settings.onCancel,
    application: direct ? undefined : settings.application,
    deploymentGroup: direct ? undefined : settings.deploymentGroup,
    description: deploymentDescription(settings),
    // Leeway for the clock difference between this runner and AWS.
    since: result.startedAt - 30_000,
  });
  let deploymentId: string | undefined;
  let cancelling: Promise<void> | undefined;

  const deps: ReleaseDeps = {
    lambda,
    codedeploy,
    clock: realClock,
    progress: log,
    output: (name, value) => {
      core.setOutput(name, value);
      if (name === 'previous-version') saveRelease({ previous: value });
    },
    onDeployment: (id) => {
      deploymentId = id;
      saveRelease({ deploymentId: id });
    },
    group: (name, fn) => core.group(name, fn),
    signal: controller.signal,
  };

  const onSignal = (signal: string) => {
    if (cancelling) {
      core.info(`${signal} received again; still stopping.`);
      return;
    }
    core.warning(`${signal} received: the workflow run is being cancelled.`);
    controller.abort();
    cancelling = cancel(settings, result, deploymentId);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    await release(settings, deps, result);
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  }
  if (cancelling) {
    await cancelling;
    result.endedAt = Date.now();
    core.setOutput('status', result.status);
    core.setOutput('rolled-back', String(result.rolledBack));
    // Unless traffic is confirmed back, the post step looks again.
    if (result.rolledBack || !result.deploymentId || settings.onCancel === 'leave') saveFinished();
    await writeSummary(settings, result);
    core.setFailed(failureMessage(result));
    process.exit(1);
  }
  saveFinished();
  core.info(neutralizeWorkflowCommands(outcomeLine(result)));
  await writeSummary(settings, result);
  if (result.status === 'failed' || result.status === 'stopped')
    core.setFailed(failureMessage(result));
}

/** on-cancel: stop our deployment with rollback and confirm the alias, within the runner's window. */
async function cancel(
  settings: Settings,
  result: ReleaseResult,
  deploymentId: string | undefined,
): Promise<void> {
  const deadline = Date.now() + CANCEL_WINDOW_MS;
  result.status = 'stopped';
  result.cause = { code: 'CANCELLED', message: 'The workflow run was cancelled.' };
  // Fresh clients: the release's were aborted with the run. Nothing may outlast the window,
  // or the runner kills the step before it has said what it did.
  const clients = createClients({
    region: settings.region,
    maxAttempts: 3,
    requestTimeoutMs: 3_000,
  });
  const signal = AbortSignal.timeout(CANCEL_WINDOW_MS);
  const codedeploy = new CodeDeployApi(clients.codedeploy, signal);
  if (!deploymentId && settings.strategy.kind !== 'direct')
    deploymentId = await findOwnDeployment(codedeploy, {
      application: settings.application!,
      deploymentGroup: settings.deploymentGroup!,
      description: deploymentDescription(settings),
      since: result.startedAt - 30_000,
    }).catch(() => undefined);
  if (!deploymentId) {
    result.cause.message += ' No deployment had started; no traffic moved.';
    return;
  }
  result.deploymentId = deploymentId;
  if (settings.onCancel === 'leave') {
    result.cause.message += ` Deployment ${deploymentId} was left running (on-cancel: leave).`;
    result.status = 'failed';
    return;
  }
  try {
    const out = await stopAndConfirm(
      { lambda: new LambdaApi(clients.lambda, signal), codedeploy, clock: realClock },
      {
        deploymentId,
        functionName: settings.functionName,
        alias: settings.alias,
        previous: result.previousVersion ?? '',
        rollback: true,
      },
      deadline,
    );
    result.rolledBack = out.restored;
    if (out.alias) result.finalAlias = { version: out.alias.version, weights: out.alias.weights };
    result.cause.message += out.restored
      ? ` Deployment ${deploymentId} was stopped with rollback; alias ${settings.alias} is back on version ${result.previousVersion}.`
      : out.stop === 'completed'
        ? ` Deployment ${deploymentId} had already ended.`
        : ` Deployment ${deploymentId} was stopped with rollback, but the alias was not yet back on version ${result.previousVersion}${out.alias ? ` (now ${formatAliasState(out.alias)})` : ''}; the post step checks again.`;
  } catch (error) {
    result.cause.message += ` Stopping deployment ${deploymentId} failed: ${(error as Error).message}`;
  }
}
