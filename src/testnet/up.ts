/**
 * `cpnet testnet up`: P providers and C consumers as daemon processes on
 * loopback, each with its own repo, wired by bootstrap.
 *
 * Every node is written to the state file before anything starts, and each
 * pid as soon as its process exists, so `down` knows the whole network at any
 * moment. The first node starts alone and becomes every other node's
 * bootstrap peer (its address is only known once it listens, on a port the OS
 * chose); the rest start in parallel. On any failure (a node exits, the
 * deadline passes, the caller aborts) the nodes started are stopped before
 * the error is thrown; their logs stay.
 */
import { mkdirSync, rmSync } from 'node:fs'
import type { Config } from '../config/schema.ts'
import { initRepo } from '../repo/repo.ts'
import { down } from './down.ts'
import { TestnetAbortedError, TestnetRunningError, TestnetSizeError, TestnetTimeoutError } from './errors.ts'
import { DEFAULT_UP_TIMEOUT_MS, testnetLayout, type TestnetLayout } from './layout.ts'
import { nodeConfigFor } from './node-config.ts'
import { daemonsUnder, listProcesses, upProcess } from './processes.ts'
import { waitForConnected, waitForReady, type ReadyNode } from './ready.ts'
import { spawnDaemon } from './spawn.ts'
import { readState, STATE_VERSION, writeState, type NodeRecord, type NodeRole, type TestnetState } from './state.ts'

/** A daemon takes about 130 MB: more than this is not a testnet for one machine. */
const MAX_NODES = 64

export type UpEvent =
  | { type: 'spawned', node: NodeRecord }
  | { type: 'ready', node: NodeRecord }
  | { type: 'connecting' }
  | { type: 'connected' }
  /** Something failed: the nodes started are being stopped. */
  | { type: 'stopping' }

export interface UpOptions {
  dir: string
  providers: number
  consumers: number
  /** For the whole start: every node ready and connected. */
  timeoutMs?: number
  signal?: AbortSignal
  onProgress?: (event: UpEvent) => void
  /** Providers hand leases over through this sshd (the ssh provisioner's settings); by their start hooks without it. */
  ssh?: Config['lease']['ssh']
}

interface PlannedNode {
  record: NodeRecord
  /** 0-based position among the nodes of its role. */
  index: number
}

function planNodes (layout: TestnetLayout, providers: number, consumers: number): PlannedNode[] {
  const ofRole = (role: NodeRole, count: number): PlannedNode[] => Array.from({ length: count }, (_, index) => {
    const name = `${role}-${index + 1}`
    return { record: { name, role, repo: layout.repo(name), log: layout.log(name) }, index }
  })
  return [...ofRole('provider', providers), ...ofRole('consumer', consumers)]
}

/** Refuses a directory where a testnet still runs; clears a previous one, so every node starts with a new key and empty stores. */
function prepareDir (layout: TestnetLayout): void {
  const previous = readState(layout)
  const processes = listProcesses()
  const running = daemonsUnder(layout.root, processes)
  if (running.length > 0 || (previous?.status === 'starting' && upProcess(previous.upPid, processes) != null)) {
    const what = running.length > 0 ? `nodes running: ${running.length}` : 'being started'
    throw new TestnetRunningError(`a testnet is already running in ${layout.root} (${what}); stop it first with: cpnet testnet down --dir ${layout.root}`)
  }
  for (const node of previous?.nodes ?? []) rmSync(layout.nodeDir(node.name), { recursive: true, force: true })
  mkdirSync(layout.root, { recursive: true })
}

function checkSize (providers: number, consumers: number): void {
  for (const [what, n] of [['providers', providers], ['consumers', consumers]] as const) {
    if (!Number.isInteger(n) || n < 0) throw new TestnetSizeError(`the number of ${what} must be a whole number, 0 or more (got ${n})`)
  }
  const total = providers + consumers
  if (total < 1 || total > MAX_NODES) throw new TestnetSizeError(`a testnet has 1 to ${MAX_NODES} nodes (asked for ${total})`)
}

/** An abort that reached no poll (between steps) still becomes one of ours. */
function asTestnetError (err: unknown, options: UpOptions): unknown {
  if (options.signal?.aborted === true && err === options.signal.reason) {
    return new TestnetAbortedError('interrupted; the nodes started were stopped')
  }
  if (err instanceof Error && err.name === 'TimeoutError') {
    return new TestnetTimeoutError(`the testnet did not start within ${(options.timeoutMs ?? DEFAULT_UP_TIMEOUT_MS) / 1000} s`)
  }
  return err
}

export async function up (options: UpOptions): Promise<TestnetState> {
  checkSize(options.providers, options.consumers)
  const layout = testnetLayout(options.dir)
  prepareDir(layout)
  const planned = planNodes(layout, options.providers, options.consumers)
  const state: TestnetState = {
    version: STATE_VERSION,
    status: 'starting',
    upPid: process.pid,
    createdAt: new Date().toISOString(),
    nodes: planned.map(p => p.record)
  }
  const save = (): void => { writeState(layout, state) }
  save()
  const emit = options.onProgress ?? (() => {})
  // the first node that fails ends the other nodes' waits
  const failed = new AbortController()
  const signal = AbortSignal.any([
    failed.signal,
    AbortSignal.timeout(options.timeoutMs ?? DEFAULT_UP_TIMEOUT_MS),
    ...(options.signal != null ? [options.signal] : [])
  ])

  const startNode = async ({ record, index }: PlannedNode, bootstrap: string[]): Promise<ReadyNode> => {
    signal.throwIfAborted()
    const config = nodeConfigFor(record.role, index, bootstrap, options.ssh)
    const { peerId } = await initRepo(record.repo, { profiles: config.profiles, patches: [config.patch] })
    record.peerId = peerId.toString()
    signal.throwIfAborted()
    const daemon = spawnDaemon(record.repo, record.log)
    record.pid = daemon.pid
    save()
    emit({ type: 'spawned', node: record })
    const ready = await waitForReady(record, daemon.exited, signal)
    record.rpcUrl = ready.rpcUrl
    record.multiaddr = ready.multiaddr
    save()
    emit({ type: 'ready', node: record })
    return ready
  }

  try {
    const [first, ...rest] = planned
    if (first == null) throw new TestnetSizeError('a testnet needs at least one node')
    const seed = await startNode(first, [])
    // each failure is caught so that all settle before the clean-up below, which must not race a node still being spawned
    await Promise.all(rest.map(async p => startNode(p, [seed.multiaddr]).catch(err => { failed.abort(err) })))
    if (failed.signal.aborted) throw failed.signal.reason
    emit({ type: 'connecting' })
    await waitForConnected(state.nodes, signal)
    state.status = 'up'
    state.upPid = undefined
    save()
    emit({ type: 'connected' })
    return state
  } catch (err) {
    emit({ type: 'stopping' })
    await down(layout.root)
    throw asTestnetError(err, options)
  }
}
