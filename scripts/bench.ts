// `npm run bench`: prints numbers, asserts nothing. Runs on the project's Node 24 with
// NODE_EXTRA_CA_CERTS unset (GitHub's runners don't set it; here it adds ~90 ms per start).
//   BENCH_RUNS=N               cold-start repetitions (default 15)
//   BENCH_DIST=path            the bundle to time (default dist/index.js)
//   BENCH_OFFICIAL_DIST=path   the official action's bundle to compare with (aws-actions/aws-lambda-deploy's
//                              dist/index.js; default /work/official/index.js when it exists)
//   BENCH_ONLY_START=1         only the start-up comparison
//   BENCH_ONLY_ZIP=1           only the packaging figures (scripts/bench-zip.ts; BENCH_ZIP_RUNS)
//   BENCH_FLEET_SIZES=10,10    the several-functions call budget for these sizes only
// The start-up comparison also times two references in the same A B C D rounds: a bare Node
// GET, and the SDK floor (one LambdaClient sending one GetFunction, bundled as dist/ is), so
// the numbers say how much of the time is Node's, the SDK's and this action's own.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { runStep, startEmulatorProcess } from '../test/e2e/runner.ts';
import { fleetCost, fleetRss } from './bench-fleet.ts';
import { pollCost } from './bench-polling.ts';
import { packaging } from './bench-zip.ts';
import { bundleOptions, withRequire } from './build-options.ts';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = process.env.BENCH_DIST ?? join(ROOT, 'dist/index.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
/** aws-actions/aws-lambda-deploy's dist at 5ab3fe6, where this machine keeps it. */
const OFFICIAL = process.env.BENCH_OFFICIAL_DIST ?? '/work/official/index.js';
delete process.env.NODE_EXTRA_CA_CERTS;
// In-process runs talk to the emulator with fake credentials.
process.env.AWS_ACCESS_KEY_ID ??= 'AKIABENCH';
process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';
process.env.AWS_EC2_METADATA_DISABLED = 'true';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const fmt = (n: number, unit = 'ms') => `${n.toFixed(n < 10 ? 2 : 0)} ${unit}`;

type FirstRequest = Awaited<ReturnType<typeof firstRequestServer>>;

/** A server that answers any request at once with a Lambda "not found"; records the first. */
async function firstRequestServer() {
  let first = 0;
  const server = createServer((req, res) => {
    first ||= performance.now();
    res.writeHead(404, {
      'x-amzn-errortype': 'ResourceNotFoundException',
      'content-type': 'application/json',
    });
    res.end('{"Type":"User","Message":"Function not found"}');
    req.resume();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    reset: () => {
      first = 0;
    },
    first: () => first,
    close: () => server.close(),
  };
}

interface Bundle {
  script: string;
  inputs: Record<string, string>;
}

function stepEnv(url: string, inputs: Record<string, string>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    // The runner sets HOME; without it Node reads /etc/passwd to find the SDK's ~/.aws.
    HOME: dir,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIABENCH',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_ENDPOINT_URL: url,
    AWS_EC2_METADATA_DISABLED: 'true',
    GITHUB_OUTPUT: join(dir, 'out'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
  };
  for (const f of ['out', 'state', 'summary']) writeFileSync(join(dir, f), '');
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  return env;
}

/** One plain `node <script>` run, as the runner starts it: ms from spawn to its first request. */
async function startOnce(server: FirstRequest, b: Bundle): Promise<number> {
  server.reset();
  const env = stepEnv(server.url, b.inputs);
  const t0 = performance.now();
  const child = spawn(process.execPath, [b.script], { env, stdio: 'ignore' });
  await new Promise((ok) => child.once('exit', ok));
  return server.first() ? server.first() - t0 : Number.NaN;
}

/**
 * Peak RSS of one run, through an exit hook (--import itself costs start-up time: run apart):
 * VmHWM, as resourceUsage().maxRSS carries the spawning process's own peak over exec on Linux.
 */
async function peakRss(server: FirstRequest, b: Bundle): Promise<number> {
  const hook =
    'data:text/javascript,import{readFileSync}from"node:fs";process.on("exit",()=>process.stderr.write("maxrss="+/VmHWM:\\s*(\\d+)/.exec(readFileSync("/proc/self/status","utf8"))[1]+"\\n"))';
  const child = spawn(process.execPath, ['--import', hook, b.script], {
    env: stepEnv(server.url, b.inputs),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => {
    err += d;
  });
  await new Promise((ok) => child.once('exit', ok));
  const m = /maxrss=(\d+)/.exec(err);
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/**
 * Start to first AWS request, pair by pair (A B A B ...): both bundles see the same machine
 * load at nearly the same moment; the ratio is the median of the pairs' ratios.
 */
async function coldStarts(bundles: Bundle[]) {
  const server = await firstRequestServer();
  const times: number[][] = bundles.map(() => []);
  for (let i = 0; i < RUNS; i++)
    for (const [k, b] of bundles.entries()) times[k]!.push(await startOnce(server, b));
  const rss: number[] = [];
  for (const b of bundles) rss.push(await peakRss(server, b));
  server.close();
  return { times, rss };
}

function officialBundle(): Bundle | undefined {
  if (!existsSync(OFFICIAL)) return undefined;
  const code = mkdtempSync(join(tmpdir(), 'bench-code-'));
  writeFileSync(join(code, 'index.js'), 'exports.handler = async () => 1;\n');
  // Its action.yml defaults, as the runner would pass them.
  return {
    script: OFFICIAL,
    inputs: {
      'function-name': 'orders',
      'code-artifacts-dir': code,
      'package-type': 'Zip',
      runtime: 'nodejs20.x',
      handler: 'index.handler',
      publish: 'true',
      'dry-run': 'false',
    },
  };
}

/** The references, written to a temporary folder: a bare GET and the SDK floor. */
async function references(): Promise<{ name: string; bundle: Bundle }[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-ref-'));
  const bare = join(dir, 'bare.js');
  writeFileSync(
    bare,
    [
      "import { createRequire } from 'node:module';",
      "const { request } = createRequire(import.meta.url)('node:http');",
      'request(process.env.AWS_ENDPOINT_URL).end();',
    ].join('\n'),
  );
  const out = join(dir, 'floor');
  const contents = [
    "import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';",
    'new LambdaClient({ region: process.env.AWS_REGION })',
    "  .send(new GetFunctionCommand({ FunctionName: 'orders' }))",
    '  .catch(() => {});',
  ].join('\n');
  const { entryPoints: _, ...options } = bundleOptions('', out);
  const built = await build({
    ...options,
    stdin: { contents, resolveDir: ROOT, sourcefile: 'floor.ts', loader: 'ts' },
  });
  mkdirSync(out, { recursive: true });
  for (const f of built.outputFiles ?? []) writeFileSync(f.path, withRequire(f.text));
  return [
    { name: 'bare Node GET', bundle: { script: bare, inputs: {} } },
    { name: 'SDK floor: one GetFunction', bundle: { script: join(out, 'stdin.js'), inputs: {} } },
  ];
}

async function startUp() {
  const ours: Bundle = {
    script: DIST,
    inputs: {
      'function-name': 'orders',
      alias: 'live',
      application: 'app',
      'deployment-group': 'group',
    },
  };
  const theirs = officialBundle();
  const rows = [{ name: 'this action', bundle: ours }, ...(await references())];
  if (theirs) rows.push({ name: 'official', bundle: theirs });
  const { times, rss } = await coldStarts(rows.map((r) => r.bundle));
  console.log(`cold start to first AWS request, median of ${RUNS} rounds (A B C D ...):`);
  const official = theirs ? times.at(-1)! : undefined;
  for (const [k, row] of rows.entries()) {
    const mine = times[k]!;
    const ratios = official ? mine.map((t, i) => t / official[i]!) : [];
    console.log(
      `  ${row.name.padEnd(28)} ${fmt(median(mine)).padStart(7)}  peak RSS ${fmt(rss[k]!, 'MB')}${
        official && row.bundle !== theirs
          ? `  / official: median ${median(ratios).toFixed(2)}, pairs ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}`
          : ''
      }`,
    );
  }
  if (!theirs) console.log('  (no official bundle: set BENCH_OFFICIAL_DIST to compare)');
  else
    console.log(
      `  official: ${OFFICIAL} (${(statSync(OFFICIAL).size / 1024).toFixed(0)} kB). Goal for this action: <= 0.40`,
    );
}

async function main() {
  if (process.env.BENCH_ONLY_ZIP) return packaging();
  const files = readdirSync(join(ROOT, 'dist'));
  const total = files.reduce((n, f) => n + statSync(join(ROOT, 'dist', f)).size, 0);
  console.log(
    `dist/: ${(total / 1024).toFixed(0)} kB in ${files.length} files, each loaded when a step first needs it`,
  );
  await startUp();
  if (process.env.BENCH_ONLY_START) return;
  await endToEnd();
  await pollCost();
  await packaging();
  await fleetCost();
  await fleetRss();
}

/** An all-at-once release through the bundle against the emulator process, minus the emulator's own time. */
async function endToEnd() {
  const scale = 6000;
  const emu = await startEmulatorProcess(scale);
  const times: number[] = [];
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
}

await main();
