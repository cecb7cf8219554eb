import { defineConfig } from 'vitest/config'

// Every in-process node's LevelDB works on libuv's thread pool, 4 threads by
// default and shared by the whole process; with 20 nodes in one test file the
// DHT's reads and writes queue there for seconds. Workers are forked from
// this process and inherit the variable (it must be set before a pool exists).
process.env.UV_THREADPOOL_SIZE ??= '32'

/**
 * The files that run a whole network (21 in-process nodes, or a testnet of
 * daemon processes). Two of them side by side on two cores, or one beside the
 * rest of the suite, starved each other until the nodes could not keep up
 * with their own timers; they run after the other files, one at a time.
 */
const NETWORKS = [
  'test/discovery/network.test.ts',
  'test/pricing/network.test.ts',
  'test/testnet/process-testnet.test.ts',
  'test/testnet/demo.test.ts'
]

export default defineConfig({
  test: {
    // real nodes and processes: generous per-test limits, never a hang
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    pool: 'forks',
    // the JSON report feeds the one-line summary that .ci/run prints
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    projects: [
      { extends: true, test: { name: 'parts', include: ['test/**/*.test.ts'], exclude: NETWORKS } },
      {
        extends: true,
        test: {
          name: 'networks',
          include: NETWORKS,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          // limits against a hang only: what these files wait for is a condition
          testTimeout: 180_000,
          hookTimeout: 300_000
        }
      }
    ]
  }
})
