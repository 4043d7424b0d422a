// Shared helpers of the contract tests: real SDK v3 clients pointed at the emulator.
import { createHash } from 'node:crypto';
import { endianness } from 'node:os';
import {
  CodeDeployClient,
  CreateDeploymentCommand,
  type CreateDeploymentCommandInput,
  type DeploymentInfo,
  GetDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { type ControlApi, type Emulator, startEmulator } from '../emulator/index.ts';

export const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

export function clients(
  emu: Emulator,
  maxAttempts = 3,
): { lambda: LambdaClient; cd: CodeDeployClient } {
  const cfg = { endpoint: emu.url, region: emu.region, credentials, maxAttempts };
  return { lambda: new LambdaClient(cfg), cd: new CodeDeployClient(cfg) };
}

/** One file's emulator and SDK clients (`noRetry`: clients with a single attempt). */
export interface ContractEnv {
  emu: Emulator;
  lambda: LambdaClient;
  cd: CodeDeployClient;
  noRetry: { lambda: LambdaClient; cd: CodeDeployClient };
}

/**
 * The contract tests' shared set-up: one emulator on `timeScale` for the file, SDK clients,
 * and a reset (then `seed`) before each test. `bind` receives them once they are up.
 */
export function useEmulator(
  timeScale: number,
  bind: (env: ContractEnv) => void,
  seed?: (emu: Emulator) => void,
): void {
  let env: ContractEnv | undefined;
  beforeAll(async () => {
    const emu = await startEmulator({ timeScale });
    env = { emu, ...clients(emu), noRetry: clients(emu, 1) };
    bind(env);
  });
  afterAll(async () => {
    if (!env) return;
    for (const c of [env.lambda, env.cd, env.noRetry.lambda, env.noRetry.cd]) c.destroy();
    await env.emu.close();
  });
  beforeEach(() => {
    env?.emu.reset();
    if (env && seed) seed(env.emu);
  });
}

/** The AWS error a promise rejects with (fails the test when it resolves). */
export async function awsError(p: Promise<unknown>): Promise<{
  name: string;
  message: string;
  status: number | undefined;
  raw: Record<string, unknown>;
}> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number } };
    return {
      name: err.name,
      message: err.message,
      status: err.$metadata?.httpStatusCode,
      raw: err as unknown as Record<string, unknown>,
    };
  }
  throw new Error('expected the call to fail');
}

export async function expectAwsError(
  p: Promise<unknown>,
  name: string,
  status: number,
  message?: string | RegExp,
): Promise<{ name: string; message: string; raw: Record<string, unknown> }> {
  const e = await awsError(p);
  expect({ name: e.name, status: e.status }).toEqual({ name, status });
  if (typeof message === 'string') expect(e.message).toBe(message);
  else if (message) expect(e.message).toMatch(message);
  return e;
}

/** A minimal valid (empty) zip archive: the end-of-central-directory record. */
export const emptyZip = (salt = 0) => {
  const b = Buffer.alloc(22);
  b.writeUInt32LE(0x06054b50, 0);
  b.writeUInt16LE(salt, 20); // comment length field varies the bytes
  return Buffer.concat([b, Buffer.alloc(salt)]);
};

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

export function sha256Base64(b: string | Uint8Array): string {
  return createHash('sha256').update(b).digest('base64');
}

export interface AppSpecInput {
  fn: string;
  alias: string;
  current: string;
  target: string;
  before?: string;
  after?: string;
}

export function appSpec(a: AppSpecInput): string {
  const hooks: Record<string, string>[] = [];
  if (a.before) hooks.push({ BeforeAllowTraffic: a.before });
  if (a.after) hooks.push({ AfterAllowTraffic: a.after });
  return JSON.stringify({
    version: '0.0',
    Resources: [
      {
        [a.fn]: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            Name: a.fn,
            Alias: a.alias,
            CurrentVersion: a.current,
            TargetVersion: a.target,
          },
        },
      },
    ],
    ...(hooks.length ? { Hooks: hooks } : {}),
  });
}

export function revision(content: string): CreateDeploymentCommandInput['revision'] {
  return {
    revisionType: 'AppSpecContent',
    appSpecContent: { content, sha256: sha256Hex(content) },
  };
}

export async function createDeployment(
  cd: CodeDeployClient,
  input: Omit<CreateDeploymentCommandInput, 'revision'> & { spec: AppSpecInput },
): Promise<string> {
  const { spec, ...rest } = input;
  const out = await cd.send(
    new CreateDeploymentCommand({ ...rest, revision: revision(appSpec(spec)) }),
  );
  expect(out.deploymentId).toMatch(/^d-[A-Z0-9]{9}$/);
  return out.deploymentId as string;
}

const TERMINAL = new Set(['Succeeded', 'Failed', 'Stopped']);

/** Poll GetDeployment (every 5 emulated seconds) until the deployment is terminal. */
export async function waitForDeployment(
  emu: Emulator,
  cd: CodeDeployClient,
  id: string,
): Promise<DeploymentInfo> {
  for (let i = 0; i < 10_000; i++) {
    const { deploymentInfo } = await cd.send(new GetDeploymentCommand({ deploymentId: id }));
    if (deploymentInfo?.status && TERMINAL.has(deploymentInfo.status)) return deploymentInfo;
    await emu.clock.sleep(5000);
  }
  throw new Error(`deployment ${id} did not finish`);
}

/** Poll (every emulated second) until `check` returns a value. */
export async function until<T>(
  emu: Emulator,
  check: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  for (let i = 0; i < 100_000; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await emu.clock.sleep(1000);
  }
  throw new Error('condition not reached');
}

/** Seed a function with versions 1..n, alias `live` on 1, a Lambda app and a group (in `emu`'s region). */
export function seedRelease(
  emu: ControlApi,
  opts: {
    fn?: string;
    versions?: number;
    config?: string;
    alarms?: string[];
    autoRollback?: { enabled: boolean; events: string[] };
    managedRolePolicy?: boolean;
  } = {},
): { fn: string; app: string; group: string } {
  const fn = opts.fn ?? 'orders';
  emu.createFunction({ name: fn, versions: opts.versions ?? 2, aliases: { live: '1' } });
  emu.createApplication('app');
  emu.createDeploymentGroup('app', 'dg', {
    deploymentConfigName: opts.config ?? 'CodeDeployDefault.LambdaAllAtOnce',
    ...(opts.alarms ? { alarms: opts.alarms } : {}),
    ...(opts.autoRollback ? { autoRollback: opts.autoRollback } : {}),
    ...(opts.managedRolePolicy !== undefined ? { managedRolePolicy: opts.managedRolePolicy } : {}),
  });
  return { fn, app: 'app', group: 'dg' };
}

export const ALL_ROLLBACK_EVENTS = [
  'DEPLOYMENT_FAILURE',
  'DEPLOYMENT_STOP_ON_ALARM',
  'DEPLOYMENT_STOP_ON_REQUEST',
];

/** A per-minute Sum of one of Lambda's metrics of `fn`, as GetMetricData's MetricStat. */
export function lambdaMinuteSum(metricName: string, fn: string) {
  return {
    Metric: {
      Namespace: 'AWS/Lambda',
      MetricName: metricName,
      Dimensions: [{ Name: 'FunctionName', Value: fn }],
    },
    Period: 60,
    Stat: 'Sum',
  };
}

/**
 * `size` bytes that deflate cannot shrink, the same for the same seed: a linear congruential
 * sequence of little-endian 32-bit words (written through a typed array: 60 MB in a blink).
 */
export function lcgBytes(size: number, seed = 1): Buffer {
  const words = new Uint32Array(Math.ceil(size / 4));
  let x = seed;
  for (let i = 0; i < words.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    words[i] = x;
  }
  const bytes = Buffer.from(words.buffer);
  if (endianness() === 'BE') bytes.swap32();
  return bytes.subarray(0, size);
}
