/**
 * When a testnet node counts as ready, and the network as connected. The
 * daemons are separate processes with nothing to subscribe to, so both are
 * polled, each until its condition holds or the signal ends the wait.
 *
 * Ready: the daemon wrote its repo's `api` file (it does so only once its RPC
 * server listens) and `node_info` answers at that URL with a /p2p/ address.
 *
 * Connected: every node has, by its own `node_health`, a connected peer that
 * speaks our DHT (so the DHT can route; a small testnet may stay below
 * network.minPeers, so its level is not what counts here) and the
 * bootstrap node, which all the others dialled, has every one of them
 * connected.
 */
import { existsSync, readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Static } from '@sinclair/typebox'
import { repoLayout } from '../repo/layout.ts'
import { RpcClient } from '../rpc/client.ts'
import type { NodeInfoResult } from '../rpc/methods/node/info.ts'
import type { NodeHealth } from '../rpc/methods/node/health.ts'
import type { NodePeer } from '../rpc/methods/node/peers.ts'
import { NodeStartError, TestnetTimeoutError } from './errors.ts'
import type { NodeExit } from './spawn.ts'
import type { NodeRecord } from './state.ts'

const POLL_INTERVAL_MS = 100
/** One RPC call; a daemon that takes longer is not ready yet. */
const RPC_TIMEOUT_MS = 2_000

export type NodeInfo = Static<typeof NodeInfoResult>
export type { NodeHealth }
type Peer = Static<typeof NodePeer>

/** The methods used here only read, and a caller without the repo's token may read. */
export function readClient (rpcUrl: string): RpcClient {
  return new RpcClient({ url: rpcUrl, timeoutMs: RPC_TIMEOUT_MS })
}

type Check<T> = () => Promise<{ value: T } | { waiting: string }>

/**
 * Runs `check` until it yields a value. When the signal ends the wait first:
 * a timeout becomes TestnetTimeoutError naming what was still awaited; any
 * other reason (Ctrl-C, a sibling node that failed) is thrown as is.
 */
async function poll<T> (check: Check<T>, signal: AbortSignal): Promise<T> {
  let waiting = 'the first check'
  for (;;) {
    if (signal.aborted) {
      const reason: unknown = signal.reason
      if (reason instanceof Error && reason.name === 'TimeoutError') throw new TestnetTimeoutError(`timed out waiting for ${waiting}`)
      throw reason
    }
    const result = await check()
    if ('value' in result) return result.value
    waiting = result.waiting
    await sleep(POLL_INTERVAL_MS, undefined, { signal }).catch(() => {})
  }
}

export interface ReadyNode {
  rpcUrl: string
  /** A listen address with /p2p/, for the other nodes' bootstrap lists. */
  multiaddr: string
}

function lastLine (file: string): string | undefined {
  try {
    const last = readFileSync(file, 'utf8').trimEnd().split('\n').at(-1)?.slice(0, 300)
    return last === '' ? undefined : last
  } catch {
    return undefined
  }
}

async function whenExited (node: NodeRecord, exited: Promise<NodeExit>): Promise<never> {
  const exit = await exited
  const how = exit.error ?? (exit.signal != null ? `was killed by ${exit.signal}` : `exited with code ${String(exit.code)}`)
  const last = lastLine(node.log)
  throw new NodeStartError(`${node.name} ${how} before it was ready${last != null ? `: ${last}` : ''} (log: ${node.log})`)
}

export async function waitForReady (node: NodeRecord, exited: Promise<NodeExit>, signal: AbortSignal): Promise<ReadyNode> {
  const api = repoLayout(node.repo).api
  const check: Check<ReadyNode> = async () => {
    if (!existsSync(api)) return { waiting: `${node.name} to listen for RPC (log: ${node.log})` }
    const rpcUrl = readFileSync(api, 'utf8').trim()
    try {
      const info = await readClient(rpcUrl).call<NodeInfo>('node_info')
      const multiaddr = info.addrs.find(a => a.includes('/p2p/'))
      if (multiaddr == null) return { waiting: `${node.name} to listen on the swarm` }
      return { value: { rpcUrl, multiaddr } }
    } catch (err) {
      return { waiting: `${node.name} to answer at ${rpcUrl} (${(err as Error).message})` }
    }
  }
  // stop polling as soon as either side settles
  const done = new AbortController()
  try {
    return await Promise.race([poll(check, AbortSignal.any([signal, done.signal])), whenExited(node, exited)])
  } finally {
    done.abort()
  }
}

/** What keeps the network from counting as connected; empty when it is. */
async function connectionGaps (nodes: NodeRecord[]): Promise<string[]> {
  const [bootstrap, ...others] = nodes
  if (bootstrap == null || others.length === 0) return []
  const call = async <T>(node: NodeRecord, method: string): Promise<T | undefined> =>
    node.rpcUrl == null ? undefined : readClient(node.rpcUrl).call<T>(method).catch(() => undefined)
  const health = await Promise.all(nodes.map(async n => call<NodeHealth>(n, 'node_health')))
  const seen = new Set((await call<Peer[]>(bootstrap, 'node_peers') ?? []).filter(p => p.connected).map(p => p.peerId))
  const gaps: string[] = []
  const lonely = nodes.filter((_, i) => (health[i]?.dhtPeers ?? 0) < 1)
  if (lonely.length > 0) gaps.push(`${lonely.map(n => n.name).join(', ')} to have a DHT peer`)
  const unseen = others.filter(n => n.peerId == null || !seen.has(n.peerId))
  if (unseen.length > 0) gaps.push(`${bootstrap.name} to see ${unseen.map(n => n.name).join(', ')}`)
  return gaps
}

/** Waits until every node is connected; the first node is the bootstrap node. */
export async function waitForConnected (nodes: NodeRecord[], signal: AbortSignal): Promise<void> {
  await poll<true>(async () => {
    const gaps = await connectionGaps(nodes)
    return gaps.length === 0 ? { value: true } : { waiting: gaps.join(' and ') }
  }, signal)
}
