// `npm run chaos`: only the chaos property, thousands of schedules with a random seed.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/chaos/chaos.test.ts'],
    setupFiles: ['test/setup-env.ts'],
    env: { CHAOS_MODE: 'full' },
    testTimeout: 3_600_000,
  },
});
