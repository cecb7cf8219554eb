/**
 * A daemon: a repo held under its lock, a running node and its API server.
 * Used by `cpnet daemon`, by tests that run daemons in-process, and by the
 * in-process network.
 */
import { rmSync, writeFileSync } from 'node:fs'
import type { FlagOverride } from '../config/load.ts'
import { createLogger, type Logger } from '../log/logger.ts'
import { initRepo, isInitialized, openRepo } from '../repo/repo.ts'
import { RpcServer } from '../rpc/http-server.ts'
import { nodeMethods } from '../rpc/methods/index.ts'
import { healthReport } from '../rpc/methods/node/health.ts'
import type { CapacitySource } from '../inventory/capacity.ts'
import type { TransportKind } from '../host/libp2p.ts'
import { CpnetNode } from './node.ts'
import { rpcComponents } from './rpc-components.ts'

export interface DaemonInit {
  repoPath: string
  env?: NodeJS.ProcessEnv
  flags?: FlagOverride[]
  /** Profiles for `init` when the repo does not exist yet. */
  initProfiles?: string[]
  /** Defaults to a logger built from the config's log section. */
  logger?: Logger
  transport?: TransportKind
  processMetrics?: boolean
  /** Free GPUs per pool (see CpnetNodeInit). */
  capacity?: CapacitySource
}

export interface Daemon {
  node: CpnetNode
  rpc: RpcServer
  /** Where the JSON-RPC API listens. */
  rpcUrl: string
  /** True when this start created the repo. */
  initialized: boolean
  stop: () => Promise<void>
  /**
   * For a forced exit (a second signal, a stop past its deadline): removes the
   * api file and releases the repo lock synchronously, before process.exit().
   * LevelDB's own LOCK goes with the process.
   */
  releaseRepo: () => void
}

export async function startDaemon (init: DaemonInit): Promise<Daemon> {
  const initialized = !isInitialized(init.repoPath)
  if (initialized) await initRepo(init.repoPath, { profiles: init.initProfiles })
  const repo = openRepo(init.repoPath, { env: init.env, flags: init.flags })
  const logger = init.logger ?? createLogger({ level: repo.config.log.level, format: repo.config.log.format })
  const log = logger.forComponent('cpnet:daemon')
  if (initialized) log.info('initialised a new repo', { repo: repo.layout.root })
  if (repo.keyTooOpen) log.warn('the node key is readable by other users; run chmod 600 on it', { key: repo.layout.key })

  const node = new CpnetNode({ repo, logger, transport: init.transport, processMetrics: init.processMetrics, capacity: init.capacity })
  let rpc: RpcServer | undefined
  let stopping: Promise<void> | undefined
  // what GET /ready says: from the api file's writing until the stop begins
  let ready = false
  // set once the api file is written: only a daemon that ran says it stopped
  let running = false
  /** Removes the api file and releases the repo lock, at once: also what a forced exit does before it exits. */
  const releaseRepo = (): void => {
    try {
      rmSync(repo.layout.api, { force: true })
    } finally {
      repo.close()
    }
  }
  const stop = async (): Promise<void> => {
    ready = false
    stopping ??= (async () => {
      try {
        await rpc?.stop()
        await node.stop()
      } finally {
        // whatever failed above: no api file of a stopped daemon, no lock that outlives it
        releaseRepo()
      }
      if (running) log.info('daemon stopped')
    })()
    return stopping
  }

  try {
    // an undeclared method fails here, before anything listens
    const components = rpcComponents(node)
    const registry = nodeMethods(components)
    await node.start()
    rpc = new RpcServer({
      config: repo.config.rpc,
      token: repo.token,
      registry,
      log: logger,
      metrics: node.metrics?.registry,
      probes: { health: async () => healthReport(components), ready: () => ready },
      onCall: node.metrics != null ? (m, o, s) => { node.metrics?.rpcCall(m, o, s) } : undefined
    })
    await rpc.start()
    writeFileSync(repo.layout.api, rpc.url + '\n')
    ready = running = true
    return { node, rpc, rpcUrl: rpc.url, initialized, stop, releaseRepo }
  } catch (err) {
    // a refused start says one thing, its cause (no "daemon stopped" for a daemon that never ran)
    await stop().catch(stopErr => { log.warn('cleanup after the failed start failed', { error: (stopErr as Error).message }) })
    throw err
  }
}
