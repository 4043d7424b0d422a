// The backstop after the step: if main died or was killed while our deployment was still
// running, stop it with rollback (on-cancel: rollback) and say what was found.
import * as core from '@actions/core';
import { cloudWatchFor, createClients } from './aws/clients.ts';
import { CodeDeployApi, isTerminal } from './aws/codedeploy.ts';
import { isExpiredCredentials } from './aws/credential-errors.ts';
import { describeAwsError } from './aws/errors.ts';
import { LambdaApi } from './aws/lambda.ts';
import { shellCredentials } from './main.ts';
import { expiredMessage, stopAndConfirm } from './release/cancel.ts';
import { findOwnDeployment } from './release/deploy.ts';
import { realClock } from './release/deps.ts';
import { deleteLeftAlarms } from './release/gates.ts';
import { formatAliasState } from './report/progress.ts';
import { loadState, type ReleaseState } from './state.ts';

export async function post(): Promise<void> {
  const state = loadState();
  const d = state.release;
  if (!d) return;
  // Main reported everything itself (including wait: false and on-timeout: leave, where the
  // deployment is meant to run on): nothing to back up.
  const id = state.finished ? d.deploymentId : await backstop(d);
  if (d.gateAlarms?.length) await deleteGateAlarms(d, d.gateAlarms, id);
}

/** The post step's clients: few attempts, and role-to-assume's own credentials when main used it. */
function postOptions(d: ReleaseState) {
  return {
    region: d.region,
    maxAttempts: 4,
    requestTimeoutMs: 5_000,
    credentials: shellCredentials(d.role, d.region),
  };
}

/** Metric-gate alarms main did not get to delete (killed, or CloudWatch failed). */
async function deleteGateAlarms(d: ReleaseState, names: string[], id?: string): Promise<void> {
  try {
    const options = postOptions(d);
    const codedeploy = new CodeDeployApi(createClients(options).codedeploy);
    const cloudwatch = await cloudWatchFor(options);
    core.info(await deleteLeftAlarms(cloudwatch, codedeploy, names, id));
  } catch (error) {
    core.warning(
      `Post step could not delete the metric-gate alarms ${names.join(', ')}: ${(error as Error).message}. The next release of this alias deletes them.`,
    );
  }
}

/** Stops our deployment if main died while it ran; returns its id when one was found. */
async function backstop(d: ReleaseState): Promise<string | undefined> {
  const clients = createClients(postOptions(d));
  const lambda = new LambdaApi(() => clients.lambda);
  const codedeploy = new CodeDeployApi(clients.codedeploy);
  // Killed while CreateDeployment was in flight, main never saw the id: look for it.
  const id =
    d.deploymentId ??
    (d.application && d.deploymentGroup
      ? await findOwnDeployment(codedeploy, {
          application: d.application,
          deploymentGroup: d.deploymentGroup,
          description: d.description,
          since: d.since,
        })
      : undefined);
  if (!id) return undefined;
  const previous = d.previous ?? '';
  try {
    const info = await codedeploy.getDeployment(id);
    if (isTerminal(info.status)) {
      const alias = await lambda.getAlias(d.functionName, d.alias);
      core.info(
        `Deployment ${id} had ended ${info.status}; alias ${d.alias} is on ${alias ? formatAliasState(alias) : 'nothing (missing)'}.`,
      );
      if (alias && Object.keys(alias.weights).length > 0)
        core.warning(
          `Alias ${d.alias} is split (${formatAliasState(alias)}). Point it at one version before the next release.`,
        );
      return id;
    }
    if (d.onCancel === 'leave') {
      core.warning(`Deployment ${id} is still ${info.status}; left running (on-cancel: leave).`);
      return id;
    }
    core.warning(
      `Deployment ${id} is still ${info.status} after the step ended: stopping it with rollback.`,
    );
    const out = await stopAndConfirm(
      { lambda, codedeploy, clock: realClock },
      {
        deploymentId: id,
        functionName: d.functionName,
        alias: d.alias,
        previous: previous,
        rollback: true,
      },
      Date.now() + 60_000,
    );
    const where = out.alias ? formatAliasState(out.alias) : 'unknown';
    if (out.restored) core.info(`Alias ${d.alias} is back on version ${previous}.`);
    else
      core.error(
        `Deployment ${id} was stopped, but alias ${d.alias} is on ${where}, not wholly on version ${previous}.`,
      );
  } catch (error) {
    // Retrying cannot renew expired credentials: say so now, and what still guards the deployment.
    if (isExpiredCredentials(error))
      core.setFailed(
        `Post step could not check deployment ${id}: ${expiredMessage(error, id, { region: d.region, usingRoleToAssume: d.role !== undefined })}`,
      );
    else
      core.warning(
        `Post step could not check deployment ${id}: ${describeAwsError(error, `checking deployment ${id} after the step`).message}`,
      );
  }
  return id;
}
