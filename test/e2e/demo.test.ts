// `npm run demo` end to end: scripts/demo.ts as its own process (emulator, two releases of the
// committed bundle). Asserts the outcomes it reports, not how long anything took.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { NODE } from './runner.ts';

const ROOT = resolve(import.meta.dirname, '../..');

it('npm run demo: the canary succeeds, the alarmed release stops and rolls back', async () => {
  const child = spawn(NODE, [resolve(ROOT, 'scripts/demo.ts')], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const code = await new Promise<number | null>((done) => child.once('exit', done));

  expect(out).toMatch(/^PASS first release: v2 succeeded by canary; live → v2$/m);
  expect(out).toMatch(
    /^PASS second release: v3 stopped by alarm orders-errors, rolled back; live → v2$/m,
  );
  expect(out).not.toMatch(/^FAIL /m);
  // The live log and both job summaries are shown.
  expect(out).toMatch(/traffic: 10% → v2/);
  expect(out).toContain('### ✅ Released: `live` v1 → v2');
  expect(out).toMatch(/### ↩️ Rolled back — .*: `live` v2 → v3 → v2/);
  expect(code, out).toBe(0);
}, 150_000);
