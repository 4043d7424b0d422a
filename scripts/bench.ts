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
import { runStep, startEmulatorProcess } from '../test/e2e/runner.ts';
import { pollCost } from './bench-polling.ts';

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

await main();
