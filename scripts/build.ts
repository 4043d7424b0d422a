// Builds dist/: index.js, the one entry that serves both the main and the post step, plus the
// chunks it loads on demand. `--check` builds in memory and fails when the committed dist/
// differs from the source (a changed, missing or extra file).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import { bundleOptions, withRequire } from './build-options.ts';

const check = process.argv.includes('--check');
const outdir = 'dist';

const result = await build(bundleOptions('src/index.ts', outdir));

const built = new Map(
  (result.outputFiles ?? []).map((f) => [basename(f.path), withRequire(f.text)]),
);
let committed: string[] = [];
try {
  committed = readdirSync(outdir);
} catch {}
const total = [...built.values()].reduce((n, text) => n + text.length, 0);

if (check) {
  const stale = [
    ...[...built].filter(([name, text]) => {
      try {
        return readFileSync(join(outdir, name), 'utf8') !== text;
      } catch {
        return true;
      }
    }),
  ].map(([name]) => name);
  const extra = committed.filter((name) => !built.has(name));
  if (stale.length || extra.length) {
    console.error(
      `dist/ does not match the source (${[...stale.map((n) => `changed or missing: ${n}`), ...extra.map((n) => `extra: ${n}`)].join('; ')}). Run \`npm run build\` and commit dist/.`,
    );
    process.exit(1);
  }
  console.log(`dist/ matches the source (${built.size} files, ${total} bytes).`);
} else {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  for (const [name, text] of built) writeFileSync(join(outdir, name), text);
  console.log(`wrote dist/ (${built.size} files, ${total} bytes)`);
}
