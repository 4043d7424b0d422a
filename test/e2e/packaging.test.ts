// Packaging a large code-dir under the runner: the zip is made off the main thread, so a
// cancel that comes while it is being made is heard at once. The step abandons the zip and
// ends by itself with its cancel summary, before the runner would kill it; nothing changes
// in AWS.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emulatorProcessForFile } from './emulator.ts';
import { ORDERS_INPUTS, runStep, seedOrders } from './runner.ts';

const emu = await emulatorProcessForFile(120, (e) => seedOrders(e));

/** ~32 MB of text-like bytes (4 bits of entropy a byte): seconds of level-9 deflate. */
function largeTree(): string {
  const ws = mkdtempSync(join(tmpdir(), 'ws-large-'));
  for (let i = 0; i < 1_000; i++) {
    const dir = join(ws, 'app', `pkg-${i % 40}`);
    if (i < 40) mkdirSync(dir, { recursive: true });
    const bytes = randomBytes(32 * 1024);
    for (let j = 0; j < bytes.length; j++) bytes[j] = 97 + (bytes[j]! & 15);
    writeFileSync(join(dir, `file-${i}.js`), bytes);
  }
  return ws;
}

const workspace = largeTree();
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

describe('a cancel while code-dir is being zipped', () => {
  it('ends the step by itself with its cancel summary, the zip abandoned, nothing changed in AWS', async () => {
    const run = await runStep({
      emulatorUrl: emu.url,
      inputs: { ...ORDERS_INPUTS, 'code-dir': 'app', strategy: 'AllAtOnce' },
      workspace,
      cancelWhen: (line) => /Zipping code-dir app/.test(line),
    });
    // Not killed by the runner: the step ended itself, as it does on a cancel.
    expect(run.signal).toBeNull();
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/SIGINT received: the workflow run is being cancelled/);
    // A zip on the main thread would finish before the signal is heard.
    expect(run.stdout).not.toMatch(/Zipped code-dir/);
    expect(run.outputs).toMatchObject({ status: 'stopped', 'rolled-back': 'false' });
    expect(run.summary).not.toBe('');
    expect((await emu.calls()).filter((c) => c.mutating)).toEqual([]);
    expect(await emu.getAlias('orders', 'live')).toEqual({ version: '1', weights: {} });
  }, 60_000);
});
