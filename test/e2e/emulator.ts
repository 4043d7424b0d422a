// The runner test files' shared set-up: one emulator process for the file, reset (then
// `seed`, e.g. `seedOrders`) before each test and stopped after the last.
import { afterAll, beforeEach } from 'vitest';
import { type EmulatorProcess, startEmulatorProcess } from './runner.ts';

/** Call at the top level of a test file: `const emu = await emulatorProcessForFile(60);`. */
export async function emulatorProcessForFile(
  timeScale: number,
  seed?: (emu: EmulatorProcess) => Promise<void>,
): Promise<EmulatorProcess> {
  const emu = await startEmulatorProcess(timeScale);
  afterAll(() => emu.stop());
  beforeEach(async () => {
    await emu.reset();
    await seed?.(emu);
  });
  return emu;
}
