import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Thread tests measure real hand-offs between workers; on a two-core machine
    // running files in parallel would make them fight for the same cores.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The engine logs its life at info; in a test run only warnings and errors say something. WAVES_LOG_LEVEL overrides.
    env: { WAVES_LOG_LEVEL: process.env['WAVES_LOG_LEVEL'] ?? 'warn' },
  },
})
