import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores, three workers: several files mostly wait on child processes and timers (process, outage,
    // jobs), so a third worker keeps both cores busy without starving the apps under test.
    maxWorkers: 3,
  },
});
