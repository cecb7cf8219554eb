import { defineConfig } from 'vitest/config'

// Every in-process node's LevelDB works on libuv's thread pool, 4 threads by
// default and shared by the whole process; with 20 nodes in one test file the
// DHT's reads and writes queue there for seconds. Workers are forked from
// this process and inherit the variable (it must be set before a pool exists).
process.env.UV_THREADPOOL_SIZE ??= '32'

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
