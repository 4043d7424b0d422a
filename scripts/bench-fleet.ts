// `npm run bench`, several functions at once: a release of N functions in one wave
// (Canary10Percent30Minutes, poll-interval 15 s) against N single-function releases run side
// by side (the README's matrix), on a virtual clock shared by every run: time jumps to the
// next sleeper's wake only once no HTTP request is in flight and nothing has stirred for a few
// turns of the event loop, so concurrent watches interleave as they would in real time while
// a 30-minute canary takes seconds. HTTP takes no virtual time.
import { randomBytes } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { ClientRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClients } from '../src/aws/clients.ts';
import { CodeDeployApi } from '../src/aws/codedeploy.ts';
import { LambdaApi } from '../src/aws/lambda.ts';
import { abortError } from '../src/release/abort.ts';
import { batchedPolling } from '../src/release/batched-reads.ts';
import type { Clock as ReleaseClock, ReleaseDeps } from '../src/release/deps.ts';
import { release, releaseAll } from '../src/release/release.ts';
import type { ProgressEvent } from '../src/release/result.ts';
import { readRelease, readSettings } from '../src/settings/index.ts';
import {
  type EmulatorProcess,
  runStep,
  startEmulatorProcess,
  workspaceWith,
} from '../test/e2e/runner.ts';
import type { Clock } from '../test/emulator/clock.ts';
import { type Emulator, startEmulator } from '../test/emulator/index.ts';
import { type Moments, passTo } from './virtual-time.ts';

interface Sleeper {
  until: number;
  seq: number;
  wake(): void;
}

/** Discrete-event time: jumps to the earliest sleeper once everything else is quiet. */
class EventClock implements Clock, ReleaseClock, Moments {
  t = Date.UTC(2030, 0, 1);
  readonly scale = 1e6;
  /** Called every virtual second time passes (the emulator's engine steps on it). */
  tick: () => void = () => {};
  #sleepers: Sleeper[] = [];
  due: Moments['due'] = [];
  #seq = 0;
  /** Bumped whenever something happens: a sleep, a request starting or ending. */
  #stir = 0;
  #inFlight = 0;
  #running = false;

  constructor() {
    subscribe('http.client.request.start', (message) => {
      const { request } = message as { request: ClientRequest };
      this.#inFlight++;
      this.#stir++;
      request.once('close', () => {
        this.#inFlight--;
        this.#stir++;
        this.#run();
      });
    });
  }
  now(): number {
    return this.t;
  }
  realEpoch(ms: number): number {
    return ms;
  }
  at(when: number, fn: () => void): void {
    this.due.push({ when, fn });
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortError());
      const onAbort = () => {
        this.#sleepers = this.#sleepers.filter((x) => x !== s);
        this.#stir++;
        reject(abortError());
      };
      const s: Sleeper = {
        until: this.t + Math.max(0, ms),
        seq: this.#seq++,
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#sleepers.push(s);
      this.#stir++;
      this.#run();
    });
  }

  #run(): void {
    if (this.#running) return;
    this.#running = true;
    void this.#loop();
  }

  async #loop(): Promise<void> {
    for (;;) {
      const stir = this.#stir;
      for (let i = 0; i < 4; i++) await new Promise((r) => setImmediate(r));
      await new Promise((r) => setTimeout(r, 1));
      if (stir !== this.#stir) continue;
      if (this.#inFlight > 0 || this.#sleepers.length === 0) {
        this.#running = false;
        return;
      }
      const next = Math.min(...this.#sleepers.map((s) => s.until));
      passTo(this, next);
      const due = this.#sleepers.filter((s) => s.until <= this.t).sort((a, b) => a.seq - b.seq);
      this.#sleepers = this.#sleepers.filter((s) => s.until > this.t);
      for (const s of due) s.wake();
      this.#stir++;
    }
  }
}

const NAMES = (n: number) => Array.from({ length: n }, (_, i) => `fn${i + 1}`);
const STEP = {
  alias: 'live',
  application: 'app',
  strategy: 'Canary10Percent30Minutes',
  version: '2',
  'poll-interval': '15',
};

function seed(emu: Emulator, n: number): void {
  emu.reset();
  emu.createApplication('app', 'Lambda');
  for (const name of NAMES(n)) {
    emu.createFunction({ name, code: 'v1', versions: 2, aliases: { live: '1' } });
    emu.createDeploymentGroup('app', `${name}-group`, { alarms: [`${name}-errors`] });
    emu.setAlarm(`${name}-errors`, 'OK');
  }
}

interface Case {
  n: number;
  /** Minutes after the start at which the first function's alarm fires (the stop case). */
  alarmAt?: number;
}

interface Measure {
  calls: Record<string, number>;
  codedeployCalls: number;
  minutes: number;
  /** Seconds from the last deployment's end to seeing it, when its watch saw it. */
  lastEndS?: number;
  /** The longest, over the deployments, from an end to seeing it. */
  worstEndS: number;
  /** Seconds from the alarmed deployment's stop to seeing it (the stop case). */
  stopS?: number;
}

/** Which terminal statuses each run saw, and when (virtual ms), by deployment id. */
function ends(clock: EventClock) {
  const seen = new Map<string, number>();
  const progress = (e: ProgressEvent) => {
    if (
      e.kind === 'status' &&
      /Succeeded|Failed|Stopped/.test(e.status) &&
      !seen.has(e.deploymentId)
    )
      seen.set(e.deploymentId, clock.now());
  };
  return { seen, progress };
}

function depsOf(emu: Emulator, clock: EventClock, progress: ReleaseDeps['progress']) {
  return releaseDeps(createClients({ region: emu.region, endpoint: emu.url }), clock, progress);
}

/** A release's outside world as the benches give it: the emulator's clients, no outputs. */
export function releaseDeps(
  clients: ReturnType<typeof createClients>,
  clock: ReleaseClock,
  progress: ReleaseDeps['progress'],
) {
  return {
    lambda: new LambdaApi(clients.lambda),
    codedeploy: new CodeDeployApi(clients.codedeploy, undefined, clients.codedeployOnce),
    polling: {
      lambda: new LambdaApi(clients.lambdaPoll),
      codedeploy: new CodeDeployApi(clients.codedeployPoll),
    },
    clock,
    progress,
    output: () => {},
  };
}

const env = { AWS_REGION: 'us-east-1' };

/** One release of every function, as main-release.ts wires it: one batched reader a region. */
async function together(emu: Emulator, clock: EventClock, c: Case) {
  const functions = NAMES(c.n)
    .map((name) => `- function-name: ${name}\n  deployment-group: ${name}-group\n`)
    .join('');
  const all: Record<string, string> = { ...STEP, functions };
  const rs = await readRelease((k) => all[k] ?? '', { ...env, AWS_REGION: emu.region });
  const { seen, progress } = ends(clock);
  const base = depsOf(emu, clock, progress);
  // As main-release.ts: a `functions` list of one polls as a single function does.
  const polling = rs.several
    ? batchedPolling(base.polling, clock, { staleMs: 30_000 })
    : base.polling;
  await releaseAll(rs, (_entry, signal) => ({ ...base, polling, signal }), {
    clock,
    say: () => {},
  });
  return seen;
}

/** N single-function releases side by side, each with its own clients (the matrix). */
async function apart(emu: Emulator, clock: EventClock, c: Case) {
  const { seen, progress } = ends(clock);
  await Promise.all(
    NAMES(c.n).map(async (name) => {
      const all: Record<string, string> = {
        ...STEP,
        'function-name': name,
        'deployment-group': `${name}-group`,
      };
      const settings = await readSettings((k) => all[k] ?? '', { AWS_REGION: emu.region });
      await release(settings, depsOf(emu, clock, progress));
    }),
  );
  return seen;
}

async function measure(
  emu: Emulator,
  clock: EventClock,
  c: Case,
  run: typeof together,
): Promise<Measure> {
  seed(emu, c.n);
  if (c.alarmAt !== undefined)
    clock.at(clock.now() + c.alarmAt * 60_000, () => emu.setAlarm('fn1-errors', 'ALARM'));
  const from = emu.calls.length;
  const seen = await run(emu, clock, c);
  const mine = emu.deployments().filter((d) => d.creator === 'user');
  const firstCreate = Math.min(...mine.map((d) => d.createTime * 1000));
  const lastSeen = Math.max(...seen.values());
  const calls: Record<string, number> = {};
  let codedeployCalls = 0;
  const start = emu.calls.findIndex((x, i) => i >= from && x.operation === 'CreateDeployment');
  for (const call of emu.calls.slice(start)) {
    if (call.at > lastSeen) break;
    calls[call.operation] = (calls[call.operation] ?? 0) + 1;
    if (call.service === 'codedeploy') codedeployCalls++;
  }
  const endOf = (id: string) => mine.find((d) => d.deploymentId === id)?.completeTimeMs ?? 0;
  const delays = [...seen].map(([id, at]) => (at - endOf(id)) / 1000);
  const last = mine.reduce((a, d) => ((d.completeTimeMs ?? 0) > (a.completeTimeMs ?? 0) ? d : a));
  const alarmed = mine.find((d) => d.deploymentGroupName === 'fn1-group');
  return {
    calls,
    codedeployCalls,
    minutes: (lastSeen - firstCreate) / 60_000,
    lastEndS: seen.has(last.deploymentId)
      ? (seen.get(last.deploymentId)! - (last.completeTimeMs ?? 0)) / 1000
      : undefined,
    worstEndS: Math.max(...delays),
    stopS:
      c.alarmAt !== undefined && alarmed
        ? ((seen.get(alarmed.deploymentId) ?? 0) - (alarmed.completeTimeMs ?? 0)) / 1000
        : undefined,
  };
}

function line(name: string, m: Measure, ref?: Measure): string {
  const perMin = m.codedeployCalls / m.minutes;
  const ratio = ref
    ? ` (${(perMin / (ref.codedeployCalls / ref.minutes)).toFixed(2)} of apart)`
    : '';
  const ops = Object.entries(m.calls)
    .sort()
    .map(([op, k]) => `${op} ${k}`)
    .join(', ');
  const stop = m.stopS !== undefined ? `, the stop seen after ${m.stopS.toFixed(1)} s` : '';
  // After a stop, one fate stops the others: their ends are not watched.
  const end =
    m.lastEndS !== undefined
      ? `last end seen after ${m.lastEndS.toFixed(1)} s (worst ${m.worstEndS.toFixed(1)} s)`
      : `ends seen after at most ${m.worstEndS.toFixed(1)} s`;
  return `    ${name.padEnd(9)} CodeDeploy ${perMin.toFixed(1)}/min${ratio}; ${end}${stop}; ${m.minutes.toFixed(1)} min: ${ops}`;
}

export async function fleetCost(): Promise<void> {
  const clock = new EventClock();
  const emu = await startEmulator({ clock });
  clock.tick = () => void emu.deployments();
  console.log(
    'several functions at once (Canary10Percent30Minutes, poll-interval 15 s, one region; calls from the first CreateDeployment until the last end is seen; virtual clock):',
  );
  const sizes = process.env.BENCH_FLEET_SIZES?.split(',').map(Number);
  const cases: Case[] = sizes
    ? sizes.map((n) => ({ n }))
    : [{ n: 1 }, { n: 5 }, { n: 10 }, { n: 25 }, { n: 10, alarmAt: 12 }];
  try {
    for (const c of cases) {
      const what = c.alarmAt !== undefined ? `, fn1's alarm fires at +${c.alarmAt} min` : '';
      console.log(`  ${c.n} function${c.n > 1 ? 's' : ''}${what}:`);
      const one = await measure(emu, clock, c, together);
      const many = await measure(emu, clock, c, apart);
      console.log(line('together', one, many));
      console.log(line('apart', many));
    }
  } finally {
    await emu.close();
  }
}

/**
 * The step's peak RSS, read by an exit hook the runner's Node loads first (NODE_OPTIONS): the
 * VmHWM of /proc/self/status, not resourceUsage().maxRSS, which Linux carries over from the
 * parent across exec (this bench holds 125 MB of code while it spawns the step).
 */
async function stepRss(
  emu: EmulatorProcess,
  workspace: string,
  inputs: Record<string, string>,
): Promise<{ mb: number; exitCode: number | null }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-rss-'));
  const hook = join(dir, 'hook.mjs');
  const out = join(dir, 'maxrss');
  writeFileSync(
    hook,
    [
      "import { readFileSync, writeFileSync } from 'node:fs';",
      "const hwm = () => /VmHWM:\\s*(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1];",
      `process.on('exit', () => writeFileSync(${JSON.stringify(out)}, hwm()));`,
    ].join('\n'),
  );
  const run = await runStep({
    emulatorUrl: emu.url,
    workspace,
    inputs,
    env: { NODE_OPTIONS: `--import=${hook}` },
  });
  return { mb: Number(readFileSync(out, 'utf8')) / 1024, exitCode: run.exitCode };
}

/** Peak RSS of the built step releasing 25 functions, each from a 5 MB code-dir of random bytes. */
export async function fleetRss(n = 25): Promise<void> {
  const files: Record<string, Uint8Array | string> = {};
  for (const name of NAMES(n)) {
    files[`${name}/index.js`] = 'exports.handler = async () => 1;\n';
    // Random bytes: the zip cannot shrink them, so each upload is the full 5 MB.
    files[`${name}/blob.bin`] = randomBytes(5 * 1024 * 1024);
  }
  const workspace = workspaceWith(files);
  const emu = await startEmulatorProcess(600);
  const step = { ...STEP, strategy: 'AllAtOnce', 'poll-interval': '1', version: '' };
  try {
    const seedAll = async () => {
      await emu.reset();
      await emu.createApplication('app', 'Lambda');
      for (const name of NAMES(n)) {
        await emu.createFunction({ name, code: 'v1', versions: 1, aliases: { live: '1' } });
        await emu.createDeploymentGroup('app', `${name}-group`);
      }
    };
    await seedAll();
    const single = await stepRss(emu, workspace, {
      ...step,
      'function-name': 'fn1',
      'deployment-group': 'fn1-group',
      'code-dir': 'fn1',
    });
    await seedAll();
    const functions = NAMES(n)
      .map(
        (name) =>
          `- function-name: ${name}\n  deployment-group: ${name}-group\n  code-dir: ${name}\n`,
      )
      .join('');
    const all = await stepRss(emu, workspace, { ...step, functions });
    const ok = (r: { exitCode: number | null }) =>
      r.exitCode === 0 ? '' : ` (exit ${r.exitCode})`;
    console.log(
      `peak RSS of the built step (a 5 MB code-dir of random bytes each, max-parallel 4): ${n} functions ${all.mb.toFixed(0)} MB${ok(all)}; one function ${single.mb.toFixed(0)} MB${ok(single)}`,
    );
  } finally {
    await emu.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
}
