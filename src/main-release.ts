// The main step's release, loaded once its first read is on its way (main.ts): the release's
// outside world (each region's clients, built when an entry first needs them), cancel within
// the runner's window, and the step's outputs, log, summary and exit code.
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
import { batchedPolling } from './release/batched-reads.ts';
import { type CancelDeps, type CancelledEntry, cancelEntry } from './release/cancel-entry.ts';
import { type LambdaService, type ReleaseDeps, realClock } from './release/deps.ts';
import { invalidInputResult } from './release/failure.ts';
import { closeGatesInto, type GateRun } from './release/gates.ts';
import { releaseFacts } from './release/outputs.ts';
import { initialFleet, releaseAll, settleCancelled } from './release/release.ts';
import type { FleetResult, ProgressEvent } from './release/result.ts';
import { neutralizeWorkflowCommands } from './report/escape.ts';
import { formatProgress } from './report/progress.ts';
import type { Entry, ReleaseSettings } from './settings/index.ts';
import { onCancel } from './signals.ts';
import { saveEveryRelease, saveFinished, saveRelease } from './state.ts';

/** The runner sends SIGINT, SIGTERM 7.5 s later, then kills 2.5 s after that. */
const CANCEL_WINDOW_MS = 9_000;

/** What main.ts started: the settings, the clients and the Lambda adapter its first read is on. */
export interface Started {
  release: ReleaseSettings;
  /** epoch ms */
  startedAt: number;
  controller: AbortController;
  credentials: CredentialProvider | undefined;
  /** The first entry's region's clients. */
  clients: Clients;
  lambda: LambdaService;
}

function log(e: ProgressEvent, key?: string): void {
  const line = key ? `${key}: ${formatProgress(e)}` : formatProgress(e);
  if (e.kind === 'warning') core.warning(line);
  else core.info(line);
}

/**
 * The renderers of the end of the run, loaded then: the release's first calls go out without
 * evaluating them (start-up).
 */
async function reports() {
  const [summary, failure, head, fleet] = await Promise.all([
    import('./report/summary.ts'),
    import('./report/failure.ts'),
    import('./report/headline.ts'),
    import('./report/fleet.ts'),
  ]);
  return { ...summary, ...failure, ...head, ...fleet };
}

async function writeSummary(enabled: boolean, fleet: FleetResult): Promise<void> {
  if (!enabled || !process.env.GITHUB_STEP_SUMMARY) return;
  try {
    const { renderSummary, renderFleetSummary, runContext } = await reports();
    const context = runContext(process.env);
    await core.summary
      .addRaw(
        fleet.several
          ? renderFleetSummary(fleet, context)
          : renderSummary(fleet.entries[0]!, context),
      )
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
  const fleet: FleetResult = {
    status: result.status,
    rolledBack: false,
    several: false,
    entries: [{ ...result, key: '', wave: 1 }],
    waves: [],
    bakeMinutes: 0,
    startedAt,
    endedAt: result.endedAt,
  };
  await writeSummary(input('summary').toLowerCase() !== 'false', fleet);
  core.setFailed((await reports()).failureMessage(result));
}

/** Each region's clients and adapters, built when an entry of that region first needs them. */
function regions(started: Started) {
  const { credentials, controller } = started;
  const { signal } = controller;
  const first = started.release.entries[0]!.settings.region;
  const made = new Map<string, ReturnType<typeof regionOf>>();
  // Several entries: each region's watches share one BatchGetDeployments a poll; one entry
  // polls GetDeployment as it always has.
  const staleMs = 2 * longestPollMs(started.release);
  const pollingOf = (p: { lambda: LambdaApi; codedeploy: CodeDeployApi }) =>
    started.release.several
      ? batchedPolling(p, realClock, { staleMs, warn: (m) => core.warning(m) })
      : p;
  function regionOf(region: string) {
    const clients = region === first ? started.clients : createClients({ region, credentials });
    const options = { region, credentials };
    let cloudwatch: Promise<CloudWatchApi> | undefined;
    return {
      cloudwatch: () => (cloudwatch ??= cloudWatchFor(options, signal)),
      lambda: region === first ? started.lambda : new LambdaApi(() => clients.lambda, signal),
      codedeploy: new CodeDeployApi(clients.codedeploy, signal, clients.codedeployOnce),
      polling: pollingOf({
        lambda: new LambdaApi(() => clients.lambdaPoll, signal),
        codedeploy: new CodeDeployApi(clients.codedeployPoll, signal),
      }),
      s3: () => clients.s3(signal),
    };
  }
  return (region: string) => {
    const r = made.get(region) ?? regionOf(region);
    made.set(region, r);
    return r;
  };
}

function longestPollMs(rs: ReleaseSettings): number {
  return Math.max(...rs.entries.map((e) => e.settings.pollIntervalSeconds)) * 1000;
}

/** What the shell hears from each entry: its deployment and gate alarms, by entry index. */
interface Heard {
  deploymentIds: (string | undefined)[];
  gates: (GateRun | undefined)[];
  /** An entry's deployment exists (its GitHub record links to it). */
  deploying?(index: number): void;
}

/** One entry's outside world: its region's AWS, the runner's log, outputs and saved state. */
function entryDeps(
  started: Started,
  region: ReturnType<ReturnType<typeof regions>>,
  entry: Entry,
  signal: AbortSignal,
  heard: Heard,
): ReleaseDeps {
  const several = started.release.several;
  const index = started.release.entries.indexOf(entry);
  // The single-function outputs speak for a release of one entry, `functions` or not.
  const one = started.release.entries.length === 1;
  return {
    ...region,
    onGates: (run) => {
      heard.gates[index] = run;
      saveRelease({ gateAlarms: run?.alarmNames ?? [] }, index);
    },
    clock: realClock,
    // Entries run at once: each line names its entry, and the runner's groups (which do not
    // nest or interleave) are kept for a single function.
    progress: several ? (e) => log(e, entry.key) : log,
    output: (name, value) => {
      if (one) core.setOutput(name, value);
      if (name === 'previous-version') saveRelease({ previous: value }, index);
    },
    onDeployment: (id) => {
      heard.deploymentIds[index] = id;
      saveRelease({ deploymentId: id }, index);
      heard.deploying?.(index);
    },
    group: several
      ? (name, fn) => {
          core.info(`${entry.key}: ${name}`);
          return fn();
        }
      : (name, fn) => core.group(name, fn),
    signal,
  };
}

/**
 * Several entries with a code-dir zip under one bound, the release's `max-parallel` (and no
 * more workers than cores): peak memory follows the bound, not the number of functions.
 */
async function sharedZipBound(rs: ReleaseSettings) {
  const zips = rs.entries.filter((e) => e.settings.source.kind === 'code-dir').length;
  if (zips < 2) return undefined;
  const { ZipLimiter } = await import('./release/zip-limiter.ts');
  const { availableParallelism } = await import('node:os');
  return new ZipLimiter({ concurrency: Math.min(rs.maxParallel, availableParallelism()) });
}

/** The entries whose `released` is saved (each written once: every save rewrites the state file). */
const released = new Set<number>();

/** `releases`: every entry's facts, set again whenever one changes. */
function setReleases(fleet: FleetResult): void {
  core.setOutput('releases', JSON.stringify(fleet.entries.map(releaseFacts)));
  // The post step returns these if main dies before the release is done (several only).
  if (fleet.several)
    fleet.entries.forEach((e, i) => {
      const moved = (e.status === 'succeeded' || e.status === 'created') && !e.fate;
      if (moved && e.version && !released.has(i)) {
        released.add(i);
        saveRelease({ released: e.version }, i);
      }
      // One fate already returned (or left) it: the post step must not return it again.
      if (e.fate && released.delete(i)) saveRelease({ released: undefined }, i);
    });
}

export async function runRelease(started: Started): Promise<void> {
  const { release: rs, controller, credentials } = started;
  const shared = rs.entries[0]!.settings;
  const fleet = initialFleet(rs, started.startedAt);
  const github = recordOnGitHub(shared, fleet.entries);
  const heard: Heard = {
    deploymentIds: [],
    gates: [],
    deploying: (i) => github?.deploying(fleet.entries[i]!),
  };
  const region = regions(started);
  const zipLimiter = await sharedZipBound(rs);
  let cancelling: Promise<void> | undefined;
  let cancelEnd = 0;
  const finishGitHub = (cancelled: boolean, signal: AbortSignal) =>
    Promise.all(fleet.entries.map((e) => github?.finish(e, cancelled, signal)));

  const onSignal = (signal: string) => {
    if (cancelling) {
      core.info(`${signal} received again; still stopping.`);
      return;
    }
    core.warning(`${signal} received: the workflow run is being cancelled.`);
    controller.abort();
    cancelEnd = Date.now() + CANCEL_WINDOW_MS;
    cancelling = cancelAll(rs, fleet, heard, credentials);
  };
  onCancel(onSignal);

  const say = (message: string, warning?: boolean) =>
    warning ? core.warning(message) : core.info(message);
  try {
    await releaseAll(
      rs,
      (entry, signal) => ({
        ...entryDeps(started, region(entry.settings.region), entry, signal, heard),
        ...(zipLimiter ? { zipLimiter } : {}),
      }),
      { clock: realClock, signal: controller.signal, say, onChange: setReleases },
      fleet,
    );
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    await zipLimiter?.close();
  }
  if (cancelling) {
    await cancelling;
    // The GitHub records get what is left of the cancel's window.
    await finishGitHub(true, AbortSignal.timeout(Math.max(0, cancelEnd - Date.now())));
    await endCancelled(rs, fleet);
    return;
  }
  if (fleet.entries.some((e) => e.cause?.code === 'TIMEOUT_STOP_FAILED')) {
    // on-timeout: rollback asked for a stop that failed: the post step stops it with rollback.
    saveEveryRelease({ onCancel: 'rollback' });
  } else saveFinished();
  // A slow GitHub holds the step's end 15 s at most.
  await finishGitHub(false, AbortSignal.timeout(15_000));
  setOutcome(fleet);
  await writeSummary(shared.summary, fleet);
  await end(fleet);
}

function setOutcome(fleet: FleetResult): void {
  setReleases(fleet);
  core.setOutput('status', fleet.status);
  core.setOutput('rolled-back', String(fleet.rolledBack));
}

/** The log's last line is the summary's first (the annotation starts with it on a failure). */
async function end(fleet: FleetResult): Promise<void> {
  const { failureMessage, headline, fleetFailureMessage, fleetHeadline } = await reports();
  const failed = fleet.status === 'failed' || fleet.status === 'stopped';
  const only = fleet.entries[0]!;
  if (failed) core.setFailed(fleet.several ? fleetFailureMessage(fleet) : failureMessage(only));
  else core.info(neutralizeWorkflowCommands(fleet.several ? fleetHeadline(fleet) : headline(only)));
}

async function endCancelled(rs: ReleaseSettings, fleet: FleetResult): Promise<never> {
  const shared = rs.entries[0]!.settings;
  fleet.endedAt = Date.now();
  for (const e of fleet.entries) e.endedAt = fleet.endedAt;
  settleCancelled(fleet);
  if (rs.entries.length === 1) core.setOutput('deployment-url', releaseUrl(fleet.entries[0]!));
  setOutcome(fleet);
  // Unless traffic is confirmed back, the post step looks again.
  const settled = fleet.entries.every(
    (e) => e.rolledBack || !e.deploymentId || shared.onCancel === 'leave',
  );
  if (settled) saveFinished();
  await writeSummary(shared.summary, fleet);
  await end(fleet);
  process.exit(1);
}

/** on-cancel for every entry at once, within the runner's window. */
async function cancelAll(
  rs: ReleaseSettings,
  fleet: FleetResult,
  heard: Heard,
  credentials: CredentialProvider | undefined,
): Promise<void> {
  // Nothing may outlast the window, or the runner kills the step before it has said what it did.
  const deadline = Date.now() + CANCEL_WINDOW_MS;
  const signal = AbortSignal.timeout(CANCEL_WINDOW_MS);
  const clientsOf = new Map<string, Clients>();
  await Promise.all(
    rs.entries.map((entry, i) => {
      const region = entry.settings.region;
      let clients = clientsOf.get(region);
      if (!clients) {
        clients = createClients({ region, maxAttempts: 3, requestTimeoutMs: 3_000, credentials });
        clientsOf.set(region, clients);
      }
      const result = fleet.entries[i]!;
      const deps = {
        lambda: new LambdaApi(() => clients.lambda, signal),
        codedeploy: new CodeDeployApi(clients.codedeploy, signal),
        clock: realClock,
        progress: (e: ProgressEvent) => log(e, rs.several ? result.key : undefined),
      };
      const c = {
        entry,
        result,
        deploymentId: heard.deploymentIds[i],
        waveStarted: fleet.waves.some((w) => w.wave === entry.wave && w.startedAt !== undefined),
        several: rs.several,
        usingRoleToAssume: credentials !== undefined,
      };
      return cancelEntry(c, deps, deadline).then(() =>
        closeCancelledGates(c, i, heard.gates[i], deps, signal, credentials),
      );
    }),
  );
}

/** The deployment is stopped (or left): the gates' report, then their alarms deleted. */
async function closeCancelledGates(
  c: CancelledEntry,
  index: number,
  gates: GateRun | undefined,
  deps: CancelDeps,
  signal: AbortSignal,
  credentials: CredentialProvider | undefined,
): Promise<void> {
  if (!gates) return;
  const cloudwatch = await cloudWatchFor(
    { region: c.entry.settings.region, maxAttempts: 3, credentials },
    signal,
  );
  const deploymentId = c.result.deploymentId ?? gates.deploymentId;
  await closeGatesInto(
    { ...gates, cloudwatch, deploymentId },
    {
      ...deps,
      progress: (e) => log(e),
      onGates: (run: GateRun | undefined) =>
        saveRelease({ gateAlarms: run?.alarmNames ?? [] }, index),
    },
    c.result,
  );
}
