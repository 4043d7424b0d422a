// Plays one chaos schedule: the release in process (real SDK clients over HTTP, the
// emulator's scaled clock), a cancel handled the way main.ts handles SIGINT, and the world
// read back afterwards for the invariants.
import { cloudWatchFor, createClients } from '../../src/aws/clients.ts';
import { CodeDeployApi } from '../../src/aws/codedeploy.ts';
import { type AliasInfo, LambdaApi } from '../../src/aws/lambda.ts';
import { cancelRelease } from '../../src/release/cancel.ts';
import type { ReleaseDeps } from '../../src/release/deps.ts';
import { deploymentDescription } from '../../src/release/own-deployment.ts';
import { release } from '../../src/release/release.ts';
import type { ReleaseResult } from '../../src/release/result.ts';
import { initialResult } from '../../src/release/run.ts';
import type { DeploymentInfoLike, Emulator, FaultSpec } from '../emulator/index.ts';
import { ALIAS, APP, codeDir, FN, GROUP, settingsFor } from '../integration/harness.ts';
import { emulatorClientOptions } from '../scaled-retry.ts';
import {
  type ChaosFault,
  CLOUDWATCH_OPS,
  CODEDEPLOY_OPS,
  type Outage,
  type Schedule,
} from './schedule.ts';

export const HOOK = 'CodeDeployHook_check';
export const ALARM = 'orders-errors';
/** Versions published before the run. */
export const SEEDED_VERSIONS = 2;
/** Real ms: a `stall` outlasts it, so the client gives up while the call still runs. */
const REQUEST_TIMEOUT_MS = 100;

export interface Played {
  schedule: Schedule;
  result: ReleaseResult;
  /** A non-cancel error escaped release(): always a bug. */
  escaped?: string;
  cancelled: boolean;
  /** The number of AWS calls made when preflight last passed; undefined if it never did. */
  preflightEnd?: number;
  calls: Emulator['calls'];
  /** The index in `calls` of the call someone else's change came with, if it came. */
  meddledAt?: number;
  /** Metric-gate alarms (lgr-gate/...) in CloudWatch once the run ended. */
  gateAlarms: string[];
  /** A published version's configuration, as Lambda holds it. */
  configOf(version: string): unknown;
  alias?: { version: string; weights: Record<string, number> };
  versions: number;
  /** Deployments this run created (rollbacks are CodeDeploy's). */
  ours: DeploymentInfoLike[];
}

let code: string | undefined;

function seedWorld(emu: Emulator, s: Schedule): void {
  const { start, alarm, hook } = s.scenario;
  emu.reset();
  const aliases: Record<string, string | { version: string; weights: Record<string, number> }> = {};
  if (start === 'single') aliases[ALIAS] = '1';
  if (start === 'split') aliases[ALIAS] = { version: '1', weights: { '2': 0.2 } };
  emu.createFunction({ name: FN, code: 'code-v2', versions: SEEDED_VERSIONS, aliases });
  emu.createApplication(APP, 'Lambda');
  emu.createDeploymentGroup(APP, GROUP, alarm ? { alarms: [ALARM] } : {});
  if (alarm) emu.setAlarm(ALARM, 'OK');
  if (gated(s)) {
    emu.setTraffic(FN, ALIAS, { requestsPerMinute: 600 });
    emu.setVersionBehaviour(FN, '1', { errorRate: 0 });
    const errorRate = s.scenario.gate === 'fail' ? 0.5 : 0;
    for (const v of ['2', '3']) emu.setVersionBehaviour(FN, v, { errorRate });
  }
  if (hook !== 'none' && s.scenario.strategy !== 'direct')
    emu.setHook(
      HOOK,
      s.hookFailsAfterMs === undefined
        ? { result: 'Succeeded' }
        : { result: 'Failed', afterMs: s.hookFailsAfterMs },
    );
}

/** Metric gates need a deployment: `direct` refuses them. */
const gated = (s: Schedule) => s.scenario.gate !== undefined && s.scenario.strategy !== 'direct';

/** The configuration inputs go with new code only (a published version's is frozen). */
function configOf(s: Schedule): Record<string, string> {
  if (s.scenario.source !== 'code' || !s.scenario.config) return {};
  return s.scenario.config === 'memory' ? { 'memory-size': '512' } : { environment: 'STAGE=chaos' };
}

export function inputsOf(s: Schedule): Record<string, string> {
  const c = s.scenario;
  code ??= codeDir('chaos-new-code');
  const source: Record<string, string> = {
    ...(c.source === 'code' ? { 'code-dir': code } : { version: '2' }),
    ...configOf(s),
  };
  // The CodeDeploy inputs are refused with `direct`, before anything runs.
  if (c.strategy === 'direct') return { strategy: c.strategy, ...source };
  return {
    strategy: c.strategy,
    ...source,
    ...(c.hook === 'before' ? { 'before-traffic-hook': HOOK } : {}),
    ...(c.hook === 'after' ? { 'after-traffic-hook': HOOK } : {}),
    ...(gated(s) ? { 'metric-gates': 'error-rate < 5%' } : {}),
    'auto-rollback': String(c.autoRollback),
    'on-timeout': c.onTimeout,
    'on-cancel': c.onCancel,
    // Each poll is a few HTTP calls in real time: fewer polls keep a schedule short.
    'poll-interval': '30',
    ...(c.timeoutMinutes ? { 'timeout-minutes': String(c.timeoutMinutes) } : {}),
  };
}

const serviceOf = (op: string) =>
  CODEDEPLOY_OPS.includes(op)
    ? 'codedeploy'
    : CLOUDWATCH_OPS.includes(op)
      ? 'cloudwatch'
      : 'lambda';

function faultSpec(f: ChaosFault): FaultSpec {
  const service = serviceOf(f.operation);
  const base = { service, operation: f.operation, count: f.count } as const;
  if (f.kind === 'slow') return { ...base, kind: 'slow', delayMs: 5 };
  // The call is made at once, its answer outlasts the client's timeout: a slow answer. (A
  // slow start beyond the timeout would, at this time scale, land minutes of emulated time
  // late: no AWS request stays in flight that long.)
  if (f.kind === 'stall')
    return { ...base, kind: 'slow', slowAnswer: true, delayMs: REQUEST_TIMEOUT_MS + 40 };
  return { ...base, kind: f.kind, retryAfterSeconds: 0 };
}

/** Someone else's change, the alarm and the cancel, each when its call arrives. */
function arm(
  emu: Emulator,
  s: Schedule,
  configName: string | undefined,
  abort: () => void,
  meddled: (at: number) => void,
): void {
  const m = s.meddle;
  if (m) {
    const run = () => {
      meddled(emu.calls.length);
      if (m.what === 'latest') emu.updateCodeOutOfBand(FN, 'someone-elses-code');
      else if (m.what === 'config' && configName)
        try {
          emu.createDeploymentConfig(configName, { type: 'AllAtOnce' });
        } catch {
          // Ours came first: the race was lost by the other side.
        }
      else if (m.what === 'alias') {
        const other = m.version === '1' ? '2' : '1';
        emu.setAlias(FN, ALIAS, m.version, m.weight ? { [other]: m.weight } : undefined);
      }
    };
    emu.onCall({ skip: m.atCall, run });
  }
  if (s.alarmAtCall !== undefined && s.scenario.alarm)
    emu.onCall({ skip: s.alarmAtCall, run: () => emu.setAlarm(ALARM, 'ALARM') });
  if (s.cancelAtCall !== undefined) emu.onCall({ skip: s.cancelAtCall, run: abort });
  for (const f of s.faults) emu.injectFault(faultSpec(f));
  if (s.outage) emu.injectFault(outageSpec(s.outage));
}

function outageSpec(o: Outage): FaultSpec {
  return {
    service: o.service,
    kind: o.kind,
    afterMs: o.afterMs,
    forMs: o.forMs,
    retryAfterSeconds: 0,
  };
}

/** The harness's clients, the SDK's back-off on the emulator's clock. */
const clientsFor = (emu: Emulator) =>
  emulatorClientOptions(emu, { requestTimeoutMs: REQUEST_TIMEOUT_MS });

export async function play(emu: Emulator, s: Schedule): Promise<Played> {
  seedWorld(emu, s);
  const settings = await settingsFor(emu, inputsOf(s));
  const st = settings.strategy;
  const controller = new AbortController();
  let meddledAt: number | undefined;
  arm(
    emu,
    s,
    st.kind === 'inline' ? st.configName : undefined,
    () => controller.abort(),
    (at) => {
      meddledAt = at;
    },
  );
  const clients = createClients(clientsFor(emu));
  const result = initialResult(settings, emu.clock.now());
  let deploymentId: string | undefined;
  let preflightEnd: number | undefined;
  const deps: ReleaseDeps = {
    lambda: new LambdaApi(clients.lambda, controller.signal),
    codedeploy: new CodeDeployApi(clients.codedeploy, controller.signal, clients.codedeployOnce),
    clock: emu.clock,
    cloudwatch: () => cloudWatchFor(clientsFor(emu), controller.signal),
    progress: () => {},
    output: () => {},
    onDeployment: (id) => {
      deploymentId = id;
    },
    group: async (name, fn) => {
      const out = await fn();
      if (name === 'Preflight') preflightEnd = emu.calls.length;
      return out;
    },
    signal: controller.signal,
  };
  let escaped: string | undefined;
  try {
    await release(settings, deps, result);
  } catch (error) {
    if (!controller.signal.aborted) escaped = String((error as Error)?.stack ?? error);
  }
  if (controller.signal.aborted) {
    const fresh = createClients(clientsFor(emu));
    const outcome = await cancelRelease(
      {
        lambda: new LambdaApi(fresh.lambda),
        codedeploy: new CodeDeployApi(fresh.codedeploy),
        clock: emu.clock,
      },
      {
        functionName: settings.functionName,
        alias: settings.alias,
        onCancel: settings.onCancel,
        deploymentId,
        find:
          st.kind === 'direct'
            ? undefined
            : {
                application: APP,
                deploymentGroup: GROUP,
                description: deploymentDescription(settings),
                since: result.startedAt - 30_000,
              },
        previousVersion: result.previousVersion,
      },
      emu.clock.now() + 9_000,
    );
    Object.assign(result, outcome);
  }
  // A slowed call is still on the server after the client moved on: let it land (and be
  // logged) in this run's world, not the next one's.
  const slowest = Math.max(0, ...s.faults.map((f) => faultSpec(f).delayMs ?? 0));
  if (slowest) await new Promise((r) => setTimeout(r, slowest + 10));
  const description = deploymentDescription(settings);
  const versions = emu.versions(FN);
  return {
    schedule: s,
    result,
    escaped,
    cancelled: controller.signal.aborted,
    preflightEnd,
    calls: [...emu.calls],
    meddledAt,
    gateAlarms: emu
      .metricAlarms()
      .map((a) => a.name)
      .filter((n) => n.startsWith('lgr-gate/')),
    configOf: (v) => versions.find((x) => x.version === v)?.configuration,
    alias: emu.getAlias(FN, ALIAS),
    versions: versions.length,
    ours: emu.deployments().filter((d) => d.creator === 'user' && d.description === description),
  };
}

export type { AliasInfo };
