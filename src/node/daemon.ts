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
import type { TransportKind } from './libp2p.ts'
import { CpnetNode } from './node.ts'

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
  const stop = async (): Promise<void> => {
    ready = false
    stopping ??= (async () => {
      await rpc?.stop()
      await node.stop()
      rmSync(repo.layout.api, { force: true })
      repo.close()
      log.info('daemon stopped')
    })()
    return stopping
  }

  try {
    // an undeclared method fails here, before anything listens
    const registry = nodeMethods(node)
    await node.start()
    rpc = new RpcServer({
      config: repo.config.rpc,
      token: repo.token,
      registry,
      log: logger,
      metrics: node.metrics?.registry,
      probes: { health: async () => healthReport(node), ready: () => ready },
      onCall: node.metrics != null ? (m, o, s) => { node.metrics?.rpcCall(m, o, s) } : undefined
    })
    await rpc.start()
    writeFileSync(repo.layout.api, rpc.url + '\n')
    ready = true
    return { node, rpc, rpcUrl: rpc.url, initialized, stop }
  } catch (err) {
    await stop()
    throw err
  }
}
