// `npm run bench`'s packaging figures (issue #21): the code-dir writer against `zip -6`,
// `zip -9` (Info-ZIP, Debian's `zip`) and the writer it replaced (scripts/zip-before-21.ts),
// in interleaved rounds (A B C D, A B C D, ...) so that each sees the same machine load, on
//   - a code-dir built from real packages (a copy of part of this repo's node_modules),
//   - 65,535 tiny files (the most a zip without ZIP64 holds).
// Each zip runs in a process of its own: wall time, CPU (user + system, every thread: the
// figure to trust on a shared machine) and peak RSS (ours: above the RSS of the process once
// loaded with the action's code, as the action is when it starts zipping; zip's: its whole
// peak, from /usr/bin/time). Each figure is printed with the highest 1-minute load average
// seen at the start of its runs: wall times mean little above ~0.7 on 2 cores.
// Next to them, the floor: what zlib itself costs for the tree at our level on one thread
// (scripts/bench-zip-child.ts), and so the least wall time the cores could reach.
//   BENCH_ZIP_RUNS=N   rounds (default 3)
import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { DEFLATE_LEVEL } from '../src/release/zip-format.ts';
import { bundleOptions, withRequire } from './build-options.ts';

const ROOT = resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_ZIP_RUNS ?? 3);
const MiB = 1024 * 1024;
/** Packages of this repo's node_modules, the kind a Lambda function bundles (~120 MiB). */
const PACKAGES = [
  '@aws-sdk',
  '@smithy',
  'typescript',
  '@octokit',
  '@actions',
  'lodash',
  'es-abstract',
  'yaml',
  'undici',
  'apache-arrow',
];

interface Run {
  ms: number;
  cpuMs: number;
  /** bytes above idle (ours) or the whole peak (zip) */
  rss: number;
  bytes: number;
  /** the 1-minute load average when it started */
  load: number;
}

/** The child, bundled as the action is (the same esbuild options), in a temporary directory. */
async function bundleChild(): Promise<string> {
  const outdir = mkdtempSync(join(tmpdir(), 'bench-zip-child-'));
  const result = await build(bundleOptions(join(ROOT, 'scripts/bench-zip-child.ts'), outdir));
  for (const f of result.outputFiles ?? [])
    writeFileSync(join(outdir, basename(f.path)), withRequire(f.text));
  return join(outdir, 'bench-zip-child.js');
}

let child: Promise<string> | undefined;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

function has(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function run(
  cmd: string,
  args: string[],
  cwd?: string,
): Promise<{ out: string; err: string; ms: number }> {
  const t0 = performance.now();
  const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  return new Promise((ok, fail) =>
    child.once('exit', (code) =>
      code === 0
        ? ok({ out, err, ms: performance.now() - t0 })
        : fail(new Error(`${cmd} ${args.join(' ')}: exit ${code}\n${err}`)),
    ),
  );
}

async function ours(which: 'new' | 'before', dir: string, out: string): Promise<Run> {
  rmSync(out, { force: true });
  child ??= bundleChild();
  const load = loadavg()[0]!;
  const { out: line } = await run(process.execPath, [await child, which, dir, out]);
  const r = JSON.parse(line) as {
    ms: number;
    cpuMs: number;
    idle: number;
    peak: number;
    bytes: number;
  };
  return { ms: r.ms, cpuMs: r.cpuMs, rss: r.peak - r.idle, bytes: r.bytes, load };
}

interface Floor {
  listMs: number;
  readMs: number;
  deflateMs: number;
  largestMs: number;
}

async function floorOf(dir: string): Promise<Floor> {
  child ??= bundleChild();
  return JSON.parse((await run(process.execPath, [await child, 'floor', dir])).out) as Floor;
}

async function infoZip(level: string, dir: string, out: string, timed: boolean): Promise<Run> {
  rmSync(out, { force: true });
  // -X: no extra attributes (as ours); -q quiet; -r the tree.
  const args = ['-qrX', `-${level}`, out, '.'];
  const load = loadavg()[0]!;
  const r = timed
    ? await run('/usr/bin/time', ['-f', 'maxrss=%M cpu=%U+%S', 'zip', ...args], dir)
    : await run('zip', args, dir);
  const m = /maxrss=(\d+) cpu=([\d.]+)\+([\d.]+)/.exec(r.err);
  return {
    ms: r.ms,
    cpuMs: m ? (Number(m[2]) + Number(m[3])) * 1000 : NaN,
    rss: m ? Number(m[1]) * 1024 : NaN,
    bytes: statSync(out).size,
    load,
  };
}

function realPackages(): { dir: string; files: number; bytes: number } {
  const dir = mkdtempSync(join(tmpdir(), 'bench-zip-pkgs-'));
  for (const p of PACKAGES) {
    const from = join(ROOT, 'node_modules', p);
    // Links copied as the files they lead to (npm's .bin links point into the source tree).
    if (existsSync(from)) execFileSync('cp', ['-rL', from, join(dir, p)]);
  }
  let files = 0;
  let bytes = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else {
        files++;
        bytes += statSync(join(d, e.name)).size;
      }
    }
  };
  walk(dir);
  return { dir, files, bytes };
}

function tinyFiles(count: number): { dir: string; files: number; bytes: number } {
  const dir = mkdtempSync(join(tmpdir(), 'bench-zip-tiny-'));
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const sub = join(dir, `d${i % 256}`);
    if (i < 256) mkdirSync(sub);
    const text = `module.exports = ${i}; // ${'x'.repeat(i % 100)}\n`;
    writeFileSync(join(sub, `f${i}.js`), text);
    bytes += text.length;
  }
  return { dir, files: count, bytes };
}

const fmtMs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const fmtMiB = (b: number) => (Number.isNaN(b) ? 'n/a' : `${(b / MiB).toFixed(0)} MiB`);

async function compare(name: string, tree: { dir: string; files: number; bytes: number }) {
  const zip = has('zip', ['-v']);
  const timed = existsSync('/usr/bin/time');
  const out = join(mkdtempSync(join(tmpdir(), 'bench-zip-out-')), 'code.zip');
  const rows: { name: string; runs: Run[]; act: (i: number) => Promise<Run> }[] = [
    { name: 'this writer', runs: [], act: () => ours('new', tree.dir, out) },
    { name: 'writer before #21', runs: [], act: () => ours('before', tree.dir, out) },
  ];
  if (zip) {
    rows.push({ name: 'zip -6', runs: [], act: () => infoZip('6', tree.dir, out, timed) });
    rows.push({ name: 'zip -9', runs: [], act: () => infoZip('9', tree.dir, out, timed) });
  }
  for (let i = 0; i < RUNS; i++) for (const row of rows) row.runs.push(await row.act(i));
  const floor = await floorOf(tree.dir);
  console.log(
    `packaging ${name}: ${tree.files} files, ${fmtMiB(tree.bytes)}; median of ${RUNS} interleaved rounds`,
  );
  const base = rows.find((r) => r.name === 'zip -6')?.runs;
  for (const row of rows) {
    const ratios = base ? row.runs.map((r, i) => r.ms / base[i]!.ms) : [];
    const isOurs = row.name.includes('writer');
    console.log(
      `  ${row.name.padEnd(18)} ${fmtMs(median(row.runs.map((r) => r.ms))).padStart(9)}  ` +
        `CPU ${fmtMs(median(row.runs.map((r) => r.cpuMs))).padStart(8)}  ` +
        `peak RSS ${isOurs ? '+' : ' '}${fmtMiB(median(row.runs.map((r) => r.rss))).padStart(8)}  ` +
        `zip ${fmtMiB(row.runs[0]!.bytes)}` +
        (base ? `  / zip -6: median ${median(ratios).toFixed(2)}` : '') +
        `  (load ${Math.max(...row.runs.map((r) => r.load)).toFixed(2)})`,
    );
  }
  // Listing comes before any deflate; then the cores share reading and deflating, but no
  // core can split the largest file.
  const cores = availableParallelism();
  const spread = Math.max((floor.readMs + floor.deflateMs) / cores, floor.largestMs);
  console.log(
    `  floor: zlib level ${DEFLATE_LEVEL} on one thread ${fmtMs(floor.deflateMs)} (largest file ${fmtMs(floor.largestMs)}), ` +
      `reading ${fmtMs(floor.readMs)}, listing ${fmtMs(floor.listMs)}: ` +
      `on ${cores} cores at least ${fmtMs(floor.listMs + spread)}`,
  );
  const mine = rows[0]!.runs;
  const budget = 64 * MiB + mine[0]!.bytes;
  const worst = Math.max(...mine.map((r) => r.rss));
  console.log(
    `  budget (64 MiB above idle + the zip's ${fmtMiB(mine[0]!.bytes)}): worst run ${fmtMiB(worst)} of ${fmtMiB(budget)}: ${worst <= budget ? 'within' : 'OVER'}`,
  );
  if (!zip) console.log('  zip (Info-ZIP) not found: zip -6 / -9 skipped (apt-get install zip)');
  else if (!timed) console.log("  /usr/bin/time not found: zip's peak RSS not measured");
  rmSync(tree.dir, { recursive: true, force: true });
}

export async function packaging(): Promise<void> {
  await compare('a code-dir of real packages', realPackages());
  await compare('65,535 tiny files', tinyFiles(65_535));
}
