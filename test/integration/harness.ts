// The release, in process, against the emulator: real SDK clients over HTTP, the emulator's
// scaled clock for every sleep, outputs and progress events captured for assertions.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloudWatchFor, createClients } from '../../src/aws/clients.ts';
import { CodeDeployApi } from '../../src/aws/codedeploy.ts';
import { LambdaApi } from '../../src/aws/lambda.ts';
import type { ReleaseDeps } from '../../src/release/deps.ts';
import { release } from '../../src/release/release.ts';
import type { ProgressEvent, ReleaseResult } from '../../src/release/result.ts';
import { readSettings } from '../../src/settings/index.ts';
import type { Emulator } from '../emulator/index.ts';
import { emulatorClientOptions } from '../scaled-retry.ts';

export const FN = 'orders';
export const ALIAS = 'live';
export const APP = 'orders-app';
export const GROUP = 'orders-live';

/** A function with versions 1..n published and `live` on `liveVersion`, plus its CodeDeploy group. */
export function seed(
  emu: Emulator,
  o: { versions?: number; live?: string | null; group?: object } = {},
) {
  const versions = o.versions ?? 1;
  const aliases: Record<string, string> = {};
  if (o.live !== null) aliases[ALIAS] = o.live ?? String(versions);
  emu.createFunction({ name: FN, code: `code-v${versions}`, versions, aliases });
  emu.createApplication(APP, 'Lambda');
  emu.createDeploymentGroup(APP, GROUP, o.group);
}

export function codeDir(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'code-'));
  mkdirSync(join(dir, 'lib'));
  writeFileSync(
    join(dir, 'index.js'),
    `exports.handler = async () => ${JSON.stringify(content)};\n`,
  );
  writeFileSync(join(dir, 'lib', 'util.js'), 'module.exports = {};\n');
  return dir;
}

export interface Run {
  result: ReleaseResult;
  outputs: Record<string, string>;
  events: ProgressEvent[];
  /** Calls the emulator saw during this run. */
  calls: Emulator['calls'];
}

export const baseInputs = {
  'function-name': FN,
  alias: ALIAS,
  application: APP,
  'deployment-group': GROUP,
  'poll-interval': '15',
};

export function settingsFor(emu: Emulator, inputs: Record<string, string>) {
  const all: Record<string, string> = { ...baseInputs, ...inputs };
  return readSettings((name) => all[name] ?? '', {
    AWS_REGION: emu.region,
    GITHUB_REPOSITORY: 'acme/orders',
    GITHUB_SHA: '0123456789abcdef',
    GITHUB_RUN_ID: '42',
  });
}

/** The harness clients' request timeout (ms): a response slower than this is abandoned. */
export const REQUEST_TIMEOUT_MS = 5_000;

export function depsFor(
  emu: Emulator,
  extra: Partial<ReleaseDeps> = {},
  requestTimeoutMs = REQUEST_TIMEOUT_MS,
): { deps: ReleaseDeps; outputs: Record<string, string>; events: ProgressEvent[] } {
  const clients = createClients(emulatorClientOptions(emu, { requestTimeoutMs }));
  const outputs: Record<string, string> = {};
  const events: ProgressEvent[] = [];
  const deps: ReleaseDeps = {
    lambda: new LambdaApi(clients.lambda, extra.signal),
    codedeploy: new CodeDeployApi(clients.codedeploy, extra.signal, clients.codedeployOnce),
    s3: () => clients.s3(extra.signal),
    clock: emu.clock,
    cloudwatch: () => cloudWatchFor(emulatorClientOptions(emu), extra.signal),
    progress: (e) => events.push(e),
    output: (name, value) => {
      outputs[name] = value;
    },
    ...extra,
  };
  return { deps, outputs, events };
}

/**
 * Lambda and CodeDeploy adapters whose SDK clients make 2 attempts a call: the SDK's backoff
 * between retries runs on real time, so a test of what follows a failing call need not wait
 * out the action's 10.
 */
export function twoAttemptApis(emu: Emulator): Pick<ReleaseDeps, 'lambda' | 'codedeploy'> {
  const c = createClients(
    emulatorClientOptions(emu, { requestTimeoutMs: REQUEST_TIMEOUT_MS, maxAttempts: 2 }),
  );
  return { lambda: new LambdaApi(c.lambda), codedeploy: new CodeDeployApi(c.codedeploy) };
}

/** `requestTimeoutMs`: lower for a test of slow responses, so that it waits less real time. */
export async function runRelease(
  emu: Emulator,
  inputs: Record<string, string>,
  extra: Partial<ReleaseDeps> = {},
  requestTimeoutMs = REQUEST_TIMEOUT_MS,
): Promise<Run> {
  const settings = await settingsFor(emu, inputs);
  const { deps, outputs, events } = depsFor(emu, extra, requestTimeoutMs);
  const before = emu.calls.length;
  const result = await release(settings, deps);
  return { result, outputs, events, calls: emu.calls.slice(before) };
}

/** Someone else's deployment in the group: `live` from v1 to v2 with `config`; its id. */
export function startOtherDeployment(emu: Emulator, config: string): string {
  return emu.startDeployment(APP, GROUP, FN, ALIAS, '1', '2', config);
}

/**
 * A release of new code (`v2`) whose AfterAllowTraffic hook reports Failed, by a 10% canary
 * unless `inputs` say otherwise.
 */
export function runWithFailingHook(
  emu: Emulator,
  inputs: Record<string, string> = {},
  extra: Partial<ReleaseDeps> = {},
): Promise<Run> {
  emu.setHook('CodeDeployHook_post', { result: 'Failed' });
  return runRelease(
    emu,
    {
      'code-dir': codeDir('v2'),
      strategy: 'Canary10Percent5Minutes',
      'after-traffic-hook': 'CodeDeployHook_post',
      ...inputs,
    },
    extra,
  );
}

export function mutating(calls: Emulator['calls']): string[] {
  return calls.filter((c) => c.mutating).map((c) => c.operation);
}
