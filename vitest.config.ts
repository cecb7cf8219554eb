import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // real nodes and processes: generous per-test limits, never a hang
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    pool: 'forks',
    // the JSON report feeds the one-line summary that .ci/run prints
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]]
  }
})
