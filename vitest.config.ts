import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { relative, resolve } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest start first, so that nothing long is left for the end: on a clean
 * clone there are no durations from an earlier run to sort by. First the files measured at over
 * ten seconds (mostly waiting: real request timeouts, the emulator's scaled minutes), then by
 * kind, runner and fault tests before unit tests, larger files first within a kind.
 */
const FIRST = [
  'test/chaos/chaos.test',
  'test/hardening/faults.test',
  'test/e2e/whole-version',
  'test/e2e/fleet.test',
  'test/e2e/lambda-2026',
  'test/e2e/first-use',
  'test/e2e/long-release',
  'test/e2e/gates',
  'test/e2e/action',
  'test/hardening/security',
  'test/e2e/demo',
  'test/integration/release.test',
  'test/contract/s3.test',
  'test/unit/zip',
  'test/e2e/',
  'test/chaos/',
  'test/hardening/',
  'test/integration/',
  'test/contract/',
];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const path = relative(process.cwd(), f.moduleId);
      const at = FIRST.findIndex((prefix) => path.startsWith(prefix));
      return at < 0 ? FIRST.length : at;
    };
    const size = (f: TestSpecification) => statSync(f.moduleId).size;
    return [...files].sort((a, b) => rank(a) - rank(b) || size(b) - size(a));
  }
}

// Node keeps what it compiled (the emulator's TypeScript once its types are stripped) for the
// next process: every runner test file starts an emulator of its own, each start ~0.7 s of CPU
// less. The workers and every process they start inherit it; the bundle under test does not
// (runStep gives it a runner's environment).
process.env.NODE_COMPILE_CACHE ??= resolve(import.meta.dirname, 'node_modules/.cache/node-compile');

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup-env.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Most of a runner test's time is waiting (on the bundle, the emulator's scaled minutes),
    // so three files per core keep the cores busy (measured on 2 cores: 2 a core 88 s, 3 a core
    // 80 s, 4 a core 74 s but with more CPU spent and less room for timing). Files share a
    // worker's modules (no fresh module graph per file): each file sets up its own emulator and state.
    // At most 16: each worker holds its own copy of the SDK and the emulator.
    maxWorkers: Math.min(16, Math.max(2, availableParallelism() * 3)),
    isolate: false,
    sequence: { sequencer: LongestFirst },
  },
});
