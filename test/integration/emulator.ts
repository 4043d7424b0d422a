// The integration files' shared set-up: one in-process emulator for the file (600 emulated
// minutes a real one by default), reset before each test and closed after the last.
import { afterAll, beforeEach } from 'vitest';
import { type Emulator, startEmulator } from '../emulator/index.ts';

/** Call at the top level of a test file: `const emu = await emulatorForFile();`. */
export async function emulatorForFile(timeScale = 600): Promise<Emulator> {
  const emu = await startEmulator({ timeScale });
  afterAll(() => emu.close());
  beforeEach(() => emu.reset());
  return emu;
}
