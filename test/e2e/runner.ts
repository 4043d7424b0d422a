// Runs the committed bundle the way a GitHub runner does: a Node 24 child process on
// dist/index.js, inputs as INPUT_<NAME> variables, GITHUB_OUTPUT / GITHUB_STATE /
// GITHUB_STEP_SUMMARY files, the post step with STATE_<name>, and the emulator as a separate
// process reached through AWS_ENDPOINT_URL. Cancellation follows the runner's timing:
// SIGINT, SIGTERM 7.5 s later, SIGKILL 2.5 s after that.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { connectEmulator, type RemoteEmulator } from '../emulator/index.ts';

const ROOT = resolve(import.meta.dirname, '../..');
/** The Node the project provisions (the `node` package); vitest itself runs on it. */
export const NODE = process.execPath;

export interface EmulatorProcess extends RemoteEmulator {
  url: string;
  stop(): Promise<void>;
}

export async function startEmulatorProcess(timeScale: number): Promise<EmulatorProcess> {
  const child = spawn(
    NODE,
    [join(ROOT, 'test/emulator/cli.ts'), '--port', '0', '--time-scale', String(timeScale)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((ok, fail) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m) ok(m[1]!);
    });
    child.once('exit', (code) => fail(new Error(`emulator exited with ${code}`)));
  });
  return Object.assign(connectEmulator(url), {
    url,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  });
}

export interface StepRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
}

/** Parses the runner's file commands: `name=value` lines or `name<<DELIM` heredocs. */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delim; i++) value.push(lines[i]!);
      out[name!] = value.join('\n');
    } else if (line.includes('=')) {
      const at = line.indexOf('=');
      out[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return out;
}

export interface StepOptions {
  inputs: Record<string, string>;
  emulatorUrl: string;
  /** Extra environment (e.g. fake secrets to look for in the output). */
  env?: Record<string, string>;
  /** For the post step: the state main saved. */
  state?: Record<string, string>;
  /** Called with each stdout line; return true to start the runner's cancellation sequence. */
  cancelWhen?: (line: string) => boolean;
  /** Called with each stdout and stderr line as it arrives (e.g. to stream the log live). */
  onLine?: (line: string) => void;
  workspace?: string;
  /** Kill at once instead of the runner's signal sequence (a crashed or killed runner process). */
  killOnCancel?: boolean;
  /** Real ms between the line that triggers the cancel and the first signal (default 0). */
  cancelDelayMs?: number;
  /** Starts the cancellation sequence (after cancelDelayMs) this many real ms after the step starts, whatever it printed. */
  cancelAfterMs?: number;
  /** Starts the cancellation sequence once this settles (e.g. the emulator saw a call). */
  cancelOn?: Promise<unknown>;
}

export function runStep(o: StepOptions): Promise<StepRun> {
  const dir = mkdtempSync(join(tmpdir(), 'runner-'));
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    GITHUB_ENV: join(dir, 'env'),
    GITHUB_PATH: join(dir, 'path'),
  };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    RUNNER_TEMP: dir,
    GITHUB_WORKSPACE: o.workspace ?? dir,
    GITHUB_REPOSITORY: 'acme/orders',
    GITHUB_SHA: 'abcdef0123456789abcdef0123456789abcdef01',
    GITHUB_RUN_ID: '7',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_ACTION: 'release',
    GITHUB_EVENT_NAME: 'push',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIAE2EFAKEKEY000001',
    AWS_SECRET_ACCESS_KEY: 'e2e-fake-secret-access-key',
    AWS_ENDPOINT_URL: o.emulatorUrl,
    AWS_EC2_METADATA_DISABLED: 'true',
    ...files,
    ...o.env,
  };
  for (const [name, value] of Object.entries(o.inputs))
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  for (const [name, value] of Object.entries(o.state ?? {})) env[`STATE_${name}`] = value;

  const child: ChildProcess = spawn(NODE, [join(ROOT, 'dist/index.js')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let cancelling = false;
  const timers: NodeJS.Timeout[] = [];
  const onLine = (line: string) => {
    stdout += `${line}\n`;
    o.onLine?.(line);
    if (o.cancelWhen?.(line)) startCancel();
  };
  function startCancel(): void {
    if (cancelling) return;
    cancelling = true;
    const delay = o.cancelDelayMs ?? 0;
    if (o.killOnCancel) {
      timers.push(setTimeout(() => child.kill('SIGKILL'), delay));
      return;
    }
    timers.push(setTimeout(() => child.kill('SIGINT'), delay));
    timers.push(setTimeout(() => child.kill('SIGTERM'), delay + 7_500));
    timers.push(setTimeout(() => child.kill('SIGKILL'), delay + 10_000));
  }
  if (o.cancelAfterMs !== undefined) timers.push(setTimeout(startCancel, o.cancelAfterMs));
  o.cancelOn?.then(startCancel, startCancel);
  createInterface({ input: child.stdout! }).on('line', onLine);
  createInterface({ input: child.stderr! }).on('line', onLine);
  return new Promise((done) => {
    child.once('exit', (exitCode, signal) => {
      for (const t of timers) clearTimeout(t);
      // let readline drain
      setImmediate(() =>
        done({
          exitCode,
          signal,
          stdout,
          outputs: parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
          state: parseFileCommands(readFileSync(files.GITHUB_STATE, 'utf8')),
          summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
        }),
      );
    });
  });
}

/** The release most runner tests make: `orders`' alias `live` behind `orders-app`/`orders-live`. */
export const ORDERS_INPUTS: Readonly<Record<string, string>> = {
  'function-name': 'orders',
  alias: 'live',
  application: 'orders-app',
  'deployment-group': 'orders-live',
  'poll-interval': '1',
};

/** The CodeDeploy side of {@link ORDERS_INPUTS}: the Lambda application and its group. */
export async function seedOrdersGroup(emu: RemoteEmulator): Promise<void> {
  await emu.createApplication('orders-app', 'Lambda');
  await emu.createDeploymentGroup('orders-app', 'orders-live');
}

/** `orders` with `versions` published versions and `live` on 1, and its CodeDeploy group. */
export async function seedOrders(emu: RemoteEmulator, versions = 2, code = 'v'): Promise<void> {
  await emu.createFunction({ name: 'orders', code, versions, aliases: { live: '1' } });
  await seedOrdersGroup(emu);
}

/**
 * The `shop` application with each of `names` (the emulator of one region, or a view of another):
 * versions 1..`versions`, `live` on 1, and a deployment group `<name>-live` each.
 */
export async function seedShop(
  emu: Pick<RemoteEmulator, 'createApplication' | 'createFunction' | 'createDeploymentGroup'>,
  names: readonly string[],
  versions: number,
): Promise<void> {
  await emu.createApplication('shop', 'Lambda');
  for (const name of names) {
    await emu.createFunction({
      name,
      code: `${name}-${versions}`,
      versions,
      aliases: { live: '1' },
    });
    await emu.createDeploymentGroup('shop', `${name}-live`);
  }
}

/** A fresh workspace holding `files` (relative path → content), folders made as needed. */
export function workspaceWith(files: Record<string, string | Uint8Array>): string {
  const ws = mkdtempSync(join(tmpdir(), 'ws-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(ws, path)), { recursive: true });
    writeFileSync(join(ws, path), content);
  }
  return ws;
}
