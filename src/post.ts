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
import { type Returnable, returnAlias } from './release/fate.ts';
import { deleteLeftAlarms } from './release/gates.ts';
import type { ProgressEvent } from './release/result.ts';
import type { PostReport } from './report/post-summary.ts';
import { formatAliasState, formatProgress } from './report/progress.ts';
import { loadState, type ReleaseState } from './state.ts';

export async function post(): Promise<void> {
  const state = loadState();
  // Main reported everything itself (including wait: false and on-timeout: leave, where the
  // deployment is meant to run on): nothing to back up but gate alarms left behind.
  const reports = await Promise.all(
    state.releases.map(async (d) => {
      const report = state.finished ? undefined : await backstop(d);
      const id = state.finished ? d.deploymentId : report?.deploymentId;
      if (d.gateAlarms?.length) await deleteGateAlarms(d, d.gateAlarms, id);
      return report;
    }),
  );
  // One fate: once every running deployment is stopped, the aliases earlier waves moved return.
  if (!state.finished)
    await Promise.all(
      state.releases.map(async (d, i) => {
        // `released` is saved for releases of several functions only.
        if (d.released && d.onCancel === 'rollback' && reports[i]?.kind !== 'unchecked')
          reports[i] = await returnReleased(d);
      }),
    );
  // Each GitHub record main made (saved with the first entry) gets what became of its entry.
  const records = state.releases[0]?.github;
  if (records && reports.some(Boolean))
    await (await import('./main-github.ts')).finishAfterStep(records, state.releases, reports);
  // Main left the release unfinished: this summary says what became of it.
  for (const report of reports) if (report) await writeSummary(report);
}

/** An alias an earlier wave moved, pointed back unless someone moved it since. */
async function returnReleased(d: ReleaseState): Promise<PostReport> {
  const clients = createClients(postOptions(d));
  const lambda = new LambdaApi(() => clients.lambda);
  // What returnAlias reads and fills: the facts main saved of this entry.
  const result: Returnable = {
    alias: d.alias,
    version: d.released,
    previousVersion: d.previous,
    status: 'succeeded',
    rolledBack: false,
    timeline: [],
    notes: [],
    endedAt: Date.now(),
  };
  const progress = (e: ProgressEvent) =>
    e.kind === 'warning' ? core.warning(formatProgress(e)) : core.info(formatProgress(e));
  await returnAlias(
    { result, functionRef: d.functionName, alias: d.alias },
    { lambda, clock: realClock, progress },
    'after the release step ended before the release did',
  );
  return {
    region: d.region,
    functionName: d.functionName,
    alias: d.alias,
    kind: 'returned',
    restored: result.rolledBack,
    ...(d.previous ? { previous: d.previous } : {}),
    ...(d.released ? { released: d.released } : {}),
    ...(result.finalAlias ? { aliasNow: result.finalAlias } : {}),
    ...(result.fate?.kind === 'left' ? { left: result.fate.why } : {}),
  };
}

async function writeSummary(report: PostReport): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  try {
    const { renderPostSummary } = await import('./report/post-summary.ts');
    await core.summary.addRaw(renderPostSummary(report)).write({ overwrite: false });
  } catch (error) {
    core.warning(`Could not write the job summary: ${(error as Error).message}`);
  }
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

/** Stops our deployment if main died while it ran; says what it found and did. */
async function backstop(d: ReleaseState): Promise<PostReport> {
  const clients = createClients(postOptions(d));
  const lambda = new LambdaApi(() => clients.lambda);
  const codedeploy = new CodeDeployApi(clients.codedeploy);
  const base = { region: d.region, functionName: d.functionName, alias: d.alias };
  const readAlias = () => lambda.getAlias(d.functionName, d.alias).then((a) => a ?? null);
  let id: string | undefined;
  try {
    // Killed while CreateDeployment was in flight, main never saw the id: look for it.
    id =
      d.deploymentId ??
      (d.application && d.deploymentGroup
        ? await findOwnDeployment(codedeploy, {
            application: d.application,
            deploymentGroup: d.deploymentGroup,
            description: d.description,
            since: d.since,
          })
        : undefined);
    if (!id)
      return {
        ...base,
        kind: 'no-deployment',
        ...(d.application ? {} : { direct: true }),
        aliasNow: await readAlias(),
      };
    const previous = d.previous ?? '';
    const info = await codedeploy.getDeployment(id);
    if (isTerminal(info.status)) {
      const alias = await readAlias();
      core.info(
        `Deployment ${id} had ended ${info.status}; alias ${d.alias} is on ${alias ? formatAliasState(alias) : 'nothing (missing)'}.`,
      );
      if (alias && Object.keys(alias.weights).length > 0)
        core.warning(
          `Alias ${d.alias} is split (${formatAliasState(alias)}). Point it at one version before the next release.`,
        );
      return { ...base, kind: 'ended', deploymentId: id, status: info.status, aliasNow: alias };
    }
    if (d.onCancel === 'leave') {
      core.warning(`Deployment ${id} is still ${info.status}; left running (on-cancel: leave).`);
      return { ...base, kind: 'left', deploymentId: id, status: info.status };
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
    return {
      ...base,
      kind: 'stopped',
      deploymentId: id,
      status: info.status,
      ...(out.alias ? { aliasNow: out.alias } : {}),
      restored: out.restored,
      ...(previous ? { previous } : {}),
    };
  } catch (error) {
    const what = id ? `check deployment ${id}` : "look for this run's deployment";
    // Retrying cannot renew expired credentials: say so now, and what still guards the deployment.
    const cause =
      id && isExpiredCredentials(error)
        ? expiredMessage(error, id, { region: d.region, usingRoleToAssume: d.role !== undefined })
        : describeAwsError(error, `trying to ${what} after the step`).message;
    const problem = `Post step could not ${what}: ${cause}`;
    if (isExpiredCredentials(error)) core.setFailed(problem);
    else core.warning(problem);
    return { ...base, kind: 'unchecked', ...(id ? { deploymentId: id } : {}), problem: cause };
  }
}
