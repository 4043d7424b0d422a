import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup-env.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // e2e tests spawn the bundle and the emulator as processes; keep the 2-core machine calm.
    maxWorkers: 2,
  },
});
