// `npm run bench`, the call budget: our watch against two baselines on the same emulated
// deployments, on a virtual clock (every sleep advances it at once; HTTP takes no emulated
// time), so a 90-minute release takes seconds and the numbers are exact, not wall-clock.
//   - fixed 15 s: GetDeployment + GetAlias every 15 s, + the two target reads with hooks (a
//     poller that reads status, traffic and hooks each time: what this action did before);
//   - SDK waiter: GetDeployment only, 15 s growing to 120 s (exponential with jitter, as
//     @smithy/util-waiter does for amazon-ecs-deploy-task-definition's waitUntilServicesStable).
import {
  BatchGetDeploymentTargetsCommand,
  GetDeploymentCommand,
  ListDeploymentTargetsCommand,
} from '@aws-sdk/client-codedeploy';
import { GetAliasCommand } from '@aws-sdk/client-lambda';
import { createClients } from '../src/aws/clients.ts';
import type { Clock as ReleaseClock } from '../src/release/deps.ts';
import { release } from '../src/release/release.ts';
import { readSettings } from '../src/settings/index.ts';
import type { Clock } from '../test/emulator/clock.ts';
import { type Emulator, startEmulator } from '../test/emulator/index.ts';
import { releaseDeps } from './bench-fleet.ts';
import { type Moments, passTo } from './virtual-time.ts';

/** Time moves only when someone sleeps; `at` callbacks fire as it passes them. */
class VirtualClock implements Clock, ReleaseClock, Moments {
  t = Date.UTC(2030, 0, 1);
  readonly scale = 1e6;
  due: Moments['due'] = [];
  now(): number {
    return this.t;
  }
  realEpoch(ms: number): number {
    return ms;
  }
  /** Called every emulated second a sleep passes (the emulator's engine steps on it). */
  tick: () => void = () => {};
  at(when: number, fn: () => void): void {
    this.due.push({ when, fn });
  }
  async sleep(ms: number): Promise<void> {
    await new Promise((r) => setImmediate(r));
    passTo(this, this.t + Math.max(0, ms));
  }
}

interface Case {
  strategy: string;
  shiftMinutes: number;
  hooks: boolean;
  /** Minutes after the start at which an alarm fires (the stop case). */
  alarmAt?: number;
}

interface Measure {
  calls: Record<string, number>;
  minutes: number;
  /** Seconds from CodeDeploy's end (or stop) to the poller seeing it. */
  noticeS: number;
}

const HOOKS = { before: 'CodeDeployHook_before', after: 'CodeDeployHook_after' };

function seed(emu: Emulator, c: Case) {
  emu.reset();
  emu.createFunction({ name: 'orders', code: 'v1', versions: 2, aliases: { live: '1' } });
  emu.createApplication('app', 'Lambda');
  emu.createDeploymentGroup('app', 'group', { alarms: ['orders-errors'] });
  emu.setAlarm('orders-errors', 'OK');
  if (c.hooks) {
    emu.setHook(HOOKS.before, { result: 'Succeeded', afterMs: 60_000 });
    emu.setHook(HOOKS.after, { result: 'Succeeded', afterMs: 60_000 });
  }
}

function inputsFor(c: Case, wait: boolean): Record<string, string> {
  return {
    'function-name': 'orders',
    alias: 'live',
    application: 'app',
    'deployment-group': 'group',
    strategy: c.strategy,
    version: '2',
    'poll-interval': '15',
    wait: String(wait),
    ...(c.hooks ? { 'before-traffic-hook': HOOKS.before, 'after-traffic-hook': HOOKS.after } : {}),
  };
}

function byOperation(emu: Emulator, from: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of emu.calls.slice(from)) out[c.operation] = (out[c.operation] ?? 0) + 1;
  return out;
}

/** Starts the case's deployment (our release with wait: false), arming the alarm. */
async function start(emu: Emulator, clock: VirtualClock, c: Case, wait: boolean) {
  seed(emu, c);
  const clients = createClients({ region: emu.region, endpoint: emu.url });
  const settings = await readSettings((n) => inputsFor(c, wait)[n] ?? '', {
    AWS_REGION: emu.region,
  });
  const before = emu.calls.length;
  const t0 = clock.now();
  if (c.alarmAt !== undefined)
    clock.at(t0 + c.alarmAt * 60_000, () => emu.setAlarm('orders-errors', 'ALARM'));
  let seenEnd = 0;
  const result = await release(
    settings,
    releaseDeps(clients, clock, (e) => {
      if (e.kind === 'status' && /Succeeded|Failed|Stopped/.test(e.status)) seenEnd ||= clock.now();
    }),
  );
  const id = result.deploymentId;
  if (!id) throw new Error(`${c.strategy}: ${result.status}: ${result.cause?.message}`);
  return {
    clients,
    id,
    before,
    seenEnd,
    watchFrom: emu.calls.findIndex((x, i) => i >= before && x.operation === 'CreateDeployment') + 1,
  };
}

function measure(emu: Emulator, from: number, seenAt: number): Measure {
  const d = emu.deployments().find((x) => x.creator === 'user')!;
  const end = d.completeTimeMs ?? seenAt;
  return {
    calls: byOperation(emu, from),
    minutes: (end - d.createTime * 1000) / 60_000,
    noticeS: (seenAt - end) / 1000,
  };
}

async function ours(emu: Emulator, clock: VirtualClock, c: Case): Promise<Measure> {
  const s = await start(emu, clock, c, true);
  return measure(emu, s.watchFrom, s.seenEnd);
}

type Delays = (attempt: number) => number;

/** A baseline poller on the deployment our release started with wait: false. */
async function baseline(emu: Emulator, clock: VirtualClock, c: Case, delay: Delays, full: boolean) {
  const s = await start(emu, clock, c, false);
  const cd = await s.clients.codedeploy();
  const lambda = s.clients.lambda;
  for (let attempt = 1; ; attempt++) {
    await clock.sleep(delay(attempt));
    const out = await cd.send(new GetDeploymentCommand({ deploymentId: s.id }));
    if (full) {
      await lambda.send(new GetAliasCommand({ FunctionName: 'orders', Name: 'live' }));
      if (c.hooks) {
        const list = await cd.send(new ListDeploymentTargetsCommand({ deploymentId: s.id }));
        if (list.targetIds?.length)
          await cd.send(
            new BatchGetDeploymentTargetsCommand({ deploymentId: s.id, targetIds: list.targetIds }),
          );
      }
    }
    if (/Succeeded|Failed|Stopped/.test(out.deploymentInfo?.status ?? '')) {
      return measure(emu, s.watchFrom, clock.now());
    }
  }
}

/** @smithy/util-waiter's delay: min 15 s, max 120 s, exponential with jitter (seeded here). */
function waiterDelays(): Delays {
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const min = 15;
  const max = 120;
  const ceiling = Math.log(max / min) / Math.log(2) + 1;
  return (attempt) => {
    if (attempt > ceiling) return max * 1000;
    const d = min * 2 ** (attempt - 1);
    return Math.round((min + random() * (d - min)) * 1000);
  };
}

function total(m: Measure): number {
  return Object.values(m.calls).reduce((a, b) => a + b, 0);
}

function line(name: string, m: Measure, ref?: Measure): string {
  const n = total(m);
  const ops = Object.entries(m.calls)
    .sort()
    .map(([op, k]) => `${op} ${k}`)
    .join(', ');
  const ratio = ref ? ` (${(n / total(ref)).toFixed(2)} of fixed)` : '';
  return `    ${name.padEnd(13)} ${String(n).padStart(4)} calls${ratio}, ${(n / m.minutes).toFixed(1)}/deployment-min, noticed after ${m.noticeS.toFixed(1)} s: ${ops}`;
}

export async function pollCost(): Promise<void> {
  const clock = new VirtualClock();
  const emu = await startEmulator({ clock });
  // CodeDeploy moves on its own, not only when asked: step the engine through every second.
  clock.tick = () => void emu.deployments();
  const cases: Case[] = [];
  for (const [strategy, shiftMinutes] of [
    ['Canary10Percent30Minutes', 30],
    ['Linear10PercentEvery10Minutes', 90],
  ] as const) {
    cases.push({ strategy, shiftMinutes, hooks: false }, { strategy, shiftMinutes, hooks: true });
    cases.push({ strategy, shiftMinutes, hooks: false, alarmAt: Math.round(shiftMinutes * 0.4) });
  }
  console.log(
    'call budget (poll-interval 15 s; calls from CreateDeployment until the end is seen; virtual clock):',
  );
  try {
    for (const c of cases) {
      const what =
        c.alarmAt !== undefined
          ? `alarm fires at +${c.alarmAt} min`
          : c.hooks
            ? 'with both hooks (1 min each)'
            : 'no hooks';
      console.log(`  ${c.strategy}, ${what}:`);
      const fixed = await baseline(emu, clock, c, () => 15_000, true);
      const mine = await ours(emu, clock, c);
      const waiter = await baseline(emu, clock, c, waiterDelays(), false);
      console.log(line('this action', mine, fixed));
      console.log(line('fixed 15 s', fixed));
      console.log(line('SDK waiter', waiter, fixed));
    }
  } finally {
    await emu.close();
  }
}
