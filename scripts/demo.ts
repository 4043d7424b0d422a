// `npm run demo`: two releases of a Lambda function, no AWS account needed. The project's
// emulator runs as its own process with a clock 60 times faster than real time (a 5-minute
// canary takes 5 seconds); the committed bundle dist/index.js runs as a GitHub runner runs
// it (test/e2e/runner.ts: INPUT_* variables, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files,
// AWS_ENDPOINT_URL). The first release ships v2 by canary, gated by a before-traffic hook and
// an alarm; the second ships v3, and the demo sets the alarm to ALARM once v3 has 10% of the
// traffic, so CodeDeploy stops the deployment and rolls back. Exit 0 when both behave so.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  type EmulatorProcess,
  runStep,
  type StepRun,
  startEmulatorProcess,
} from '../test/e2e/runner.ts';

const ROOT = resolve(import.meta.dirname, '..');
const TIME_SCALE = 60;
const FN = 'orders';
const ALIAS = 'live';
const HOOK = 'CodeDeployHook_orders_pre';
const ALARM = 'orders-errors';
/** Far more than the demo needs (about 20 s); only a hang gets here. */
const WATCHDOG_MS = 120_000;

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: string) => (text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const bold = paint('1');
const dim = paint('2');
const red = paint('31');
const green = paint('32');
const yellow = paint('33');
const cyan = paint('36');

function header(text: string): void {
  console.log(`\n${bold(cyan(`━━ ${text} `.padEnd(72, '━')))}\n`);
}

/** Seconds since the step started, as a log-line prefix. */
function stamp(started: number): string {
  return dim(`${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s │`);
}

/** One line of the step's log, shown roughly as the Actions log viewer shows it. */
function showLogLine(started: number, line: string): void {
  const at = stamp(started);
  const command = /^::([a-z-]+)(?: [^:]*)?::(.*)$/.exec(line);
  const [, name, text] = command ?? [];
  if (!command) console.log(`${at}   ${line}`);
  else if (name === 'group') console.log(`${at} ${bold(`▸ ${text}`)}`);
  else if (name === 'error') console.log(`${at}   ${red(`Error: ${text}`)}`);
  else if (name === 'warning') console.log(`${at}   ${yellow(`Warning: ${text}`)}`);
  else if (name === 'notice') console.log(`${at}   Notice: ${text}`);
  // endgroup, add-mask, debug: not shown in the log
}

function showSummary(run: StepRun): void {
  const text = run.summary.trim();
  console.log(text === '' ? dim('(no job summary written)') : text);
}

const inputs = (codeDir: string) => ({
  'function-name': FN,
  alias: ALIAS,
  application: 'orders-app',
  'deployment-group': 'orders-live',
  'code-dir': codeDir,
  strategy: 'Canary10Percent5Minutes',
  'before-traffic-hook': HOOK,
  alarms: ALARM,
  // The emulated clock runs 60 times faster: poll at most every (real) second.
  'poll-interval': '1',
});

function writeCode(dir: string, version: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'index.mjs'),
    `export const handler = async () => ({ statusCode: 200, body: 'orders ${version}' });\n`,
  );
}

async function aliasText(emu: EmulatorProcess): Promise<string> {
  const a = await emu.getAlias(FN, ALIAS);
  if (!a) return 'missing';
  const extra = Object.entries(a.weights);
  if (extra.length === 0) return `v${a.version} (all traffic)`;
  const rest = 1 - extra.reduce((sum, [, w]) => sum + w, 0);
  return [
    `v${a.version} ${Math.round(rest * 100)}%`,
    ...extra.map(([v, w]) => `v${v} ${Math.round(w * 100)}%`),
  ].join(', ');
}

async function demo(emu: EmulatorProcess, workspace: string): Promise<boolean> {
  const codeDir = join(workspace, 'app');

  header('Setting up the emulated AWS account');
  await emu.createFunction({ name: FN, code: 'orders v1', versions: 1, aliases: { [ALIAS]: '1' } });
  await emu.createApplication('orders-app', 'Lambda');
  await emu.createDeploymentGroup('orders-app', 'orders-live');
  await emu.setHook(HOOK, { result: 'Succeeded' });
  await emu.setAlarm(ALARM, 'OK');
  console.log(`Emulator         ${emu.url} (clock ${TIME_SCALE}× real time)`);
  console.log(`Function         ${FN}, alias ${ALIAS} → ${await aliasText(emu)}`);
  console.log('CodeDeploy       application orders-app, deployment group orders-live');
  console.log(`Hook             ${HOOK} (BeforeAllowTraffic, reports Succeeded)`);
  console.log(`Alarm            ${ALARM} (OK)`);

  // --- 1: a canary that goes through -------------------------------------------------------
  header('Release 1: v2 by Canary10Percent5Minutes (5 emulated minutes ≈ 5 s)');
  writeCode(codeDir, 'v2');
  let started = Date.now();
  const first = await runStep({
    emulatorUrl: emu.url,
    workspace,
    inputs: inputs('app'),
    onLine: (line) => showLogLine(started, line),
  });
  console.log(dim(`\nexit code ${first.exitCode}; outputs ${JSON.stringify(first.outputs)}`));
  header('Release 1: job summary (Markdown)');
  showSummary(first);
  const afterFirst = await emu.getAlias(FN, ALIAS);
  const firstOk =
    first.exitCode === 0 &&
    first.outputs.status === 'succeeded' &&
    first.outputs.version === '2' &&
    afterFirst?.version === '2' &&
    Object.keys(afterFirst.weights).length === 0;

  // --- 2: the alarm fires mid-shift ---------------------------------------------------------
  header(`Release 2: v3 by canary; ${ALARM} goes into ALARM at 10%`);
  writeCode(codeDir, 'v3');
  let alarmSet: Promise<void> | undefined;
  started = Date.now();
  const second = await runStep({
    emulatorUrl: emu.url,
    workspace,
    inputs: inputs('app'),
    onLine: (line) => {
      showLogLine(started, line);
      if (!alarmSet && /^traffic: 10% → v3/.test(line)) {
        console.log(`${stamp(started)}   ${yellow(`[demo] setting alarm ${ALARM} to ALARM`)}`);
        alarmSet = emu.setAlarm(ALARM, 'ALARM');
      }
    },
  });
  await alarmSet;
  console.log(dim(`\nexit code ${second.exitCode}; outputs ${JSON.stringify(second.outputs)}`));
  header('Release 2: job summary (Markdown)');
  showSummary(second);
  const afterSecond = await emu.getAlias(FN, ALIAS);
  const secondOk =
    alarmSet !== undefined &&
    second.exitCode !== 0 &&
    second.outputs.status === 'stopped' &&
    second.outputs['rolled-back'] === 'true' &&
    afterSecond?.version === '2' &&
    Object.keys(afterSecond.weights).length === 0;

  header('Where things ended');
  console.log(`Alias ${ALIAS}       → ${await aliasText(emu)}`);
  const versions = await emu.versions(FN);
  console.log(`Versions         ${versions.map((v) => `v${v.version}`).join(', ')}`);
  console.log();
  const mark = (ok: boolean) => (ok ? green('PASS') : red('FAIL'));
  console.log(
    `${mark(firstOk)} first release: v2 ${first.outputs.status ?? 'no status'} by canary; ${ALIAS} → v${afterFirst?.version ?? '?'}`,
  );
  console.log(
    `${mark(secondOk)} second release: v3 ${second.outputs.status ?? 'no status'} by alarm ${ALARM}${second.outputs['rolled-back'] === 'true' ? ', rolled back' : ', NOT rolled back'}; ${ALIAS} → v${afterSecond?.version ?? '?'}`,
  );
  if (!alarmSet) console.log(red('The second release never reported 10% of traffic on v3.'));
  return firstOk && secondOk;
}

if (!existsSync(join(ROOT, 'dist/index.js'))) {
  console.error('dist/index.js is missing: run `npm run build` first.');
  process.exit(1);
}

const t0 = Date.now();
const workspace = mkdtempSync(join(tmpdir(), 'lambda-gated-release-demo-'));
const emu = await startEmulatorProcess(TIME_SCALE);
let ended = false;
const finish = async (code: number) => {
  if (ended) return;
  ended = true;
  await emu.stop();
  rmSync(workspace, { recursive: true, force: true });
  process.exit(code);
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void finish(130));
setTimeout(() => {
  console.error(red(`\nThe demo did not finish within ${WATCHDOG_MS / 1000} s.`));
  void finish(1);
}, WATCHDOG_MS).unref();

let ok = false;
try {
  ok = await demo(emu, workspace);
} catch (error) {
  console.error(red(`\nThe demo failed: ${(error as Error).stack ?? error}`));
}
console.log(dim(`\n${((Date.now() - t0) / 1000).toFixed(1)} s in all`));
await finish(ok ? 0 : 1);
