/**
 * Daemons for tests: real repos under the OS temp directory, real TCP on
 * loopback with OS-chosen ports, stopped (in parallel) in teardown.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Level } from 'level'
import type { NodeDb } from '../../src/host/db.ts'
import { startDaemon, type Daemon, type DaemonInit } from '../../src/node/daemon.ts'
import { waitFor } from '../../src/testnet/wait.ts'
import { silentLogger } from '../../src/log/logger.ts'
import { RpcClient } from '../../src/rpc/client.ts'
import type { FlagOverride } from '../../src/config/load.ts'

export function tempDir (prefix = 'cpnet-test-'): { path: string, remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix))
  return { path, remove: () => { rmSync(path, { recursive: true, force: true }) } }
}

/** The node database at `<dir>/db`, opened with the encodings the daemon uses; the caller closes it. */
export async function openTestDb (dir: string): Promise<NodeDb> {
  const db: NodeDb = new Level(join(dir, 'db'), { keyEncoding: 'utf8', valueEncoding: 'view' })
  await db.open()
  return db
}

export interface TestDaemon extends Daemon {
  repoPath: string
  /** A client holding the repo's admin token. */
  admin: RpcClient
  /** A client without a token (read permission). */
  anonymous: RpcClient
  /** Listen addresses with /p2p/. */
  addrs: string[]
}

/** Starts daemons on the test profile and stops them all at the end. */
export class DaemonPool {
  private readonly dir = tempDir()
  private readonly running = new Set<TestDaemon>()
  private count = 0

  get root (): string {
    return this.dir.path
  }

  async start (init: Partial<DaemonInit> & { bootstrap?: string[], extraFlags?: FlagOverride[] } = {}): Promise<TestDaemon> {
    const repoPath = init.repoPath ?? join(this.dir.path, `node-${this.count++}`)
    const flags: FlagOverride[] = [...(init.extraFlags ?? [])]
    if (init.bootstrap != null) flags.push({ path: 'bootstrap', value: init.bootstrap, flag: '--bootstrap' })
    const daemon = await startDaemon({ initProfiles: ['test'], logger: silentLogger(), env: {}, ...init, repoPath, flags })
    const test: TestDaemon = {
      ...daemon,
      repoPath,
      admin: new RpcClient({ url: daemon.rpcUrl, token: daemon.node.repo.token }),
      anonymous: new RpcClient({ url: daemon.rpcUrl }),
      addrs: daemon.node.libp2p.getMultiaddrs().map(String),
      stop: async () => {
        this.running.delete(test)
        await daemon.stop()
      }
    }
    this.running.add(test)
    return test
  }

  /** Stops every daemon still running, in parallel, and removes the temp directory. */
  async cleanup (): Promise<void> {
    await Promise.allSettled([...this.running].map(async d => d.stop()))
    this.dir.remove()
  }
}

/**
 * Connects `consumer` to a provider that was just restarted under the same
 * PeerId. The consumer redials the killed one by itself (keep-alive), and a
 * dial of ours that races that one can be closed while it opens ("Remote
 * closed connection during opening"): dial again until one holds.
 */
export async function connectRestarted (consumer: TestDaemon, multiaddr: string): Promise<void> {
  await waitFor('the consumer connected to the restarted provider', async () =>
    consumer.admin.call('node_connect', { multiaddr }).then(() => true, () => false))
}

export { freePort } from '../../src/testnet/free-port.ts'

export { waitFor }
