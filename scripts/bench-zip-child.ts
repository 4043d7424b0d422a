// One zip for `npm run bench`, in a process of its own so that its peak RSS is its own:
//   node scripts/bench-zip-child.ts new|before <code-dir> <out.zip>
// prints one JSON line: wall ms, idle and peak RSS (bytes), archive bytes.
import { writeFileSync } from 'node:fs';
import { zipToFile } from '../src/release/zip.ts';
import { zipDirectory as before } from './zip-before-21.ts';

const [which, dir, out] = process.argv.slice(2) as [string, string, string];
// Idle: the writer loaded, nothing zipped yet.
const idle = process.memoryUsage().rss;
const t0 = performance.now();
let bytes: number;
if (which === 'before') {
  const zip = before(dir);
  writeFileSync(out, zip);
  bytes = zip.length;
} else bytes = (await zipToFile(dir, out)).bytes;
const ms = performance.now() - t0;
console.log(JSON.stringify({ ms, idle, peak: process.resourceUsage().maxRSS * 1024, bytes }));
