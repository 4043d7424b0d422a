// One zip for `npm run bench`, in a process of its own so that its peak RSS is its own. The
// bench bundles this file with the action's code, as the action runs it (scripts/bench-zip.ts):
//   node <bundle> new|before <code-dir> <out.zip>
// prints one JSON line: wall ms, CPU ms (user + system, every thread), idle and peak RSS
// (bytes), archive bytes;
//   node <bundle> floor <code-dir>
// prints what any zip of the tree at our level costs on one thread (see floor() below).
import { readFileSync, writeFileSync } from 'node:fs';
import * as zlib from 'node:zlib';
// Loaded for its weight only: the action has loaded all of this when its step starts zipping.
import '../src/main-release.ts';
import { zipDirectory } from '../src/release/zip.ts';
import { DEFLATE_LEVEL } from '../src/release/zip-format.ts';
import { type Listing, listTree } from '../src/release/zip-list.ts';
import { zipDirectory as before } from './zip-before-21.ts';

const [which, dir, out] = process.argv.slice(2) as [string, string, string];

/** VmHWM: the peak RSS since it was last reset (Linux). */
const peakRss = () =>
  Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) * 1024;

const cpuMs = (from: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
};

/** CPU ms of `f` on this thread. */
function timed<T>(f: () => T): [T, number] {
  const from = process.cpuUsage();
  return [f(), cpuMs(from)];
}

/**
 * The floor: CPU ms on one thread to list the tree (as our listing does), to read every file
 * whole, and to deflate every file with zlib.deflateRawSync at our level (its output buffer
 * sized to the file, its fastest), each in a tight loop; and the deflate of the largest file
 * alone, which no number of cores shortens.
 */
function floor(): void {
  const [listing, listMs] = timed(() => listTree(dir));
  const paths = names(listing).map((n) => `${listing.root}/${n}`);
  const [files, readMs] = timed(() => paths.map((p) => readFileSync(p)));
  const deflate = (f: Buffer) =>
    zlib.deflateRawSync(f, { level: DEFLATE_LEVEL, chunkSize: Math.max(64, f.length + 64) });
  const [, deflateMs] = timed(() => {
    for (const f of files) deflate(f);
  });
  const largest = files.reduce((a, b) => (b.length > a.length ? b : a));
  const [, largestMs] = timed(() => deflate(largest));
  console.log(JSON.stringify({ listMs, readMs, deflateMs, largestMs }));
}

function names(l: Listing): string[] {
  return Buffer.from(l.names).toString('utf8').split('\0').slice(0, -1);
}

async function zip(): Promise<void> {
  // Idle: the process once loaded, before zipping. The peak is reset (writing 5 to
  // clear_refs) so that loading's own peak does not hide the zip's.
  const idle = process.memoryUsage().rss;
  writeFileSync('/proc/self/clear_refs', '5');
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  // As the step does: the zip made, then read into memory for the upload (the budget counts it).
  const archive = which === 'before' ? before(dir) : await zipDirectory(dir);
  const ms = performance.now() - t0;
  const cpu = cpuMs(cpu0);
  const peak = peakRss();
  writeFileSync(out, archive);
  console.log(JSON.stringify({ ms, cpuMs: cpu, idle, peak, bytes: archive.length }));
}

if (which === 'floor') floor();
else await zip();
