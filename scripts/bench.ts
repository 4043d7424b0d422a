// `npm run bench`: prints numbers, asserts nothing. Runs on the project's Node 24 with
// NODE_EXTRA_CA_CERTS unset (GitHub's runners don't set it; here it adds ~90 ms per start).
//   BENCH_RUNS=N               cold-start repetitions (default 15)
//   BENCH_DIST=path            the bundle to time (default dist/index.js)
//   BENCH_OFFICIAL_DIST=path   also time another action's bundle (e.g. aws-actions/aws-lambda-deploy's dist/index.js)
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createClients } from '../src/aws/clients.ts';
import { CodeDeployApi } from '../src/aws/codedeploy.ts';
import { LambdaApi } from '../src/aws/lambda.ts';
import { release } from '../src/release/run.ts';
import { readSettings } from '../src/settings/index.ts';
import { runStep, startEmulatorProcess } from '../test/e2e/runner.ts';
import { startEmulator } from '../test/emulator/index.ts';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = process.env.BENCH_DIST ?? join(ROOT, 'dist/index.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
delete process.env.NODE_EXTRA_CA_CERTS;
// In-process runs talk to the emulator with fake credentials.
process.env.AWS_ACCESS_KEY_ID ??= 'AKIABENCH';
process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';
process.env.AWS_EC2_METADATA_DISABLED = 'true';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const fmt = (n: number, unit = 'ms') => `${n.toFixed(n < 10 ? 2 : 0)} ${unit}`;

/** Time from spawn to the first HTTP request the bundle makes, and its peak RSS. */
async function coldStart(script: string, inputs: Record<string, string>) {
  let firstRequest = 0;
  const server = createServer((req, res) => {
    firstRequest ||= performance.now();
    // Any answer ends the run quickly: a Lambda "not found".
    res.writeHead(404, {
      'x-amzn-errortype': 'ResourceNotFoundException',
      'content-type': 'application/json',
    });
    res.end('{"Type":"User","Message":"Function not found"}');
    req.resume();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIABENCH',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
    AWS_EC2_METADATA_DISABLED: 'true',
    GITHUB_OUTPUT: join(dir, 'out'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
  };
  for (const f of ['out', 'state', 'summary']) writeFileSync(join(dir, f), '');
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const starts: number[] = [];
  const rss: number[] = [];
  const hook =
    'data:text/javascript,process.on("exit",()=>process.stderr.write("maxrss="+process.resourceUsage().maxRSS+"\\n"))';
  // Timed runs are plain `node <script>`, as the runner starts them; peak RSS comes from
  // separate runs with an exit hook (--import itself costs start-up time).
  for (let i = 0; i < RUNS * 2; i++) {
    const timed = i < RUNS;
    firstRequest = 0;
    const t0 = performance.now();
    const child = spawn(process.execPath, timed ? [script] : ['--import', hook, script], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    await new Promise((ok) => child.once('exit', ok));
    if (timed && firstRequest) starts.push(firstRequest - t0);
    const m = /maxrss=(\d+)/.exec(err);
    if (m) rss.push(Number(m[1]) / 1024);
  }
  server.close();
  return { start: median(starts), rss: Math.max(...rss), samples: starts.length };
}

async function main() {
  const files = readdirSync(join(ROOT, 'dist'));
  const total = files.reduce((n, f) => n + statSync(join(ROOT, 'dist', f)).size, 0);
  console.log(
    `dist/: ${(total / 1024).toFixed(0)} kB in ${files.length} files; the entry dist/index.js ${(statSync(join(ROOT, 'dist/index.js')).size / 1024).toFixed(0)} kB; the other files are shared chunks and code loaded only when needed`,
  );

  const ours = await coldStart(DIST, {
    'function-name': 'orders',
    alias: 'live',
    application: 'app',
    'deployment-group': 'group',
  });
  console.log(
    `cold start to first AWS request: ${fmt(ours.start)} (median of ${ours.samples}); peak RSS ${fmt(ours.rss, 'MB')}`,
  );
  const official = process.env.BENCH_OFFICIAL_DIST;
  if (official) {
    // Its action.yml defaults, as the runner would pass them.
    const code = mkdtempSync(join(tmpdir(), 'bench-code-'));
    writeFileSync(join(code, 'index.js'), 'exports.handler = async () => 1;\n');
    const theirs = await coldStart(official, {
      'function-name': 'orders',
      'code-artifacts-dir': code,
      'package-type': 'Zip',
      runtime: 'nodejs20.x',
      handler: 'index.handler',
      publish: 'true',
      'dry-run': 'false',
    });
    console.log(
      `  other bundle ${official} (${(statSync(official).size / 1024).toFixed(0)} kB): ${fmt(theirs.start)}; peak RSS ${fmt(theirs.rss, 'MB')}`,
    );
  }

  if (process.env.BENCH_ONLY_START) return;
  await endToEnd();
  await pollCost();
}

/** An all-at-once release through the bundle against the emulator process, minus the emulator's own time. */
async function endToEnd() {
  const scale = 6000;
  const emu = await startEmulatorProcess(scale);
  const times: number[] = [];
  const lags: number[] = [];
  try {
    for (let i = 0; i < 5; i++) {
      await emu.reset();
      await emu.createFunction({ name: 'orders', code: 'v1', versions: 2, aliases: { live: '1' } });
      await emu.createApplication('app', 'Lambda');
      await emu.createDeploymentGroup('app', 'group');
      const t0 = performance.now();
      const run = await runStep({
        emulatorUrl: emu.url,
        inputs: {
          'function-name': 'orders',
          alias: 'live',
          application: 'app',
          'deployment-group': 'group',
          strategy: 'AllAtOnce',
          version: '2',
          'poll-interval': '1',
        },
      });
      const wall = performance.now() - t0;
      const deployments = await emu.deployments();
      const d = deployments[0];
      if (run.exitCode !== 0 || !d) throw new Error(`release failed: ${run.stdout}`);
      // deployments() times are epoch seconds, as GetDeployment reports them.
      times.push(wall - (((d.completeTime ?? d.createTime) - d.createTime) * 1000) / scale);
    }
  } finally {
    await emu.stop();
  }
  console.log(
    `all-at-once release end to end, minus the emulator's time: ${fmt(median(times))} (median of ${times.length})`,
  );
  void lags;
}

/** Calls per deployment-minute on the emulator's scaled clock, against a fixed 5-second poller. */
async function pollCost() {
  // Scale 30: an HTTP round trip (~3 ms) stays under 0.1 emulated seconds.
  const emu = await startEmulator({ timeScale: 30 });
  try {
    for (const strategy of [
      'Canary10Percent5Minutes',
      'Linear10PercentEvery1Minute',
      'AllAtOnce',
    ]) {
      for (const pollInterval of ['15', '60']) {
        emu.reset();
        emu.createFunction({ name: 'orders', code: 'v1', versions: 2, aliases: { live: '1' } });
        emu.createApplication('app', 'Lambda');
        emu.createDeploymentGroup('app', 'group');
        const clients = createClients({ region: emu.region, endpoint: emu.url });
        const settings = await readSettings(
          (n) =>
            ({
              'function-name': 'orders',
              alias: 'live',
              application: 'app',
              'deployment-group': 'group',
              strategy,
              version: '2',
              'poll-interval': pollInterval,
            })[n] ?? '',
          { AWS_REGION: emu.region },
        );
        const before = emu.calls.length;
        const result = await release(settings, {
          lambda: new LambdaApi(clients.lambda),
          codedeploy: new CodeDeployApi(clients.codedeploy),
          clock: emu.clock,
          progress: () => {},
          output: () => {},
        });
        const end = emu.clock.now();
        const calls = emu.calls.slice(before);
        const d = emu.deployments()[0];
        if (!d)
          throw new Error(
            `${strategy}: no deployment (${result.status}: ${result.cause?.message})`,
          );
        const ms = ((d.completeTime ?? end / 1000) - d.createTime) * 1000;
        const minutes = ms / 60_000;
        const getDeployment = calls.filter((c) => c.operation === 'GetDeployment').length;
        const lambda = calls.filter((c) => c.service === 'lambda').length;
        const fixed = Math.ceil(ms / 5_000);
        const lag = end / 1000 - (d.completeTime ?? end / 1000);
        console.log(
          `${strategy.padEnd(28)} poll-interval ${pollInterval.padStart(2)} s: ${result.status}, ${minutes.toFixed(1)} min; GetDeployment ${getDeployment} (${(getDeployment / minutes).toFixed(1)}/min) vs fixed 5 s poller ${fixed} (${(fixed / minutes).toFixed(1)}/min); Lambda calls ${lambda} (${(lambda / minutes).toFixed(1)}/min); terminal noticed after ${lag.toFixed(1)} s`,
        );
      }
    }
  } finally {
    await emu.close();
  }
}

await main();
