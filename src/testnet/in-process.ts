/**
 * An in-process network: N complete daemons (repo on disk, LevelDB, libp2p
 * with kad-dht and gossipsub, JSON-RPC server) in this one process, for tests
 * and benchmarks. Nodes use the memory transport (`/memory/<id>`, the default:
 * no sockets, 50+ nodes on two cores) or TCP on loopback with OS-chosen ports,
 * all on the `test` profile. Each node bootstraps from the first node and one
 * other earlier node, so the DHT does not hang on a single seed.
 *
 *   const net = await InProcessNetwork.start({ size: 20 })
 *   await net.nodes[3].node.inventory.add({ name: 'h100', model: 'NVIDIA H100 80GB HBM3', gpus: 8, gpuMemoryMib: 81559 })
 *   const { offers } = await net.nodes[7].node.discovery.search.search({ filter: 'model=h100' })
 *   await net.stop()
 *
 * Everything started is stopped by `stop()`, in parallel (a memory-transport
 * node takes about half a second to stop), and the temp directory is removed.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import type { FlagOverride } from '../config/load.ts'
import type { CapacitySource } from '../inventory/capacity.ts'
import { silentLogger, type Logger } from '../log/logger.ts'
import { startDaemon, type Daemon } from '../node/daemon.ts'
import type { TransportKind } from '../host/libp2p.ts'
import { waitForProgress } from './wait.ts'

export interface InProcessNetworkInit {
  size: number
  transport?: TransportKind
  /** Config changes for every node, as `--flag` overrides are given (dotted path → value). */
  flags?: FlagOverride[]
  logger?: Logger
  /** Nodes started at once after the first; more is faster but loads the CPU in bursts. */
  startConcurrency?: number
  /** Free GPUs of node `index`'s pools (tests drive capacity changes through it); all free when absent. */
  capacity?: (index: number) => CapacitySource | undefined
}

export interface NetworkNode extends Daemon {
  index: number
  repoPath: string
}

const DEFAULT_START_CONCURRENCY = 8

export class InProcessNetwork {
  readonly root: string
  private readonly init: InProcessNetworkInit
  private readonly running = new Map<number, NetworkNode>()
  private readonly addrs = new Map<number, string>()
  private readonly netId = randomBytes(4).toString('hex')

  private constructor (init: InProcessNetworkInit) {
    this.init = init
    this.root = mkdtempSync(join(tmpdir(), 'cpnet-net-'))
  }

  static async start (init: InProcessNetworkInit): Promise<InProcessNetwork> {
    const net = new InProcessNetwork(init)
    try {
      await net.startNode(0)
      const rest = Array.from({ length: init.size - 1 }, (_, i) => i + 1)
      const concurrency = init.startConcurrency ?? DEFAULT_START_CONCURRENCY
      for (let i = 0; i < rest.length; i += concurrency) {
        await Promise.all(rest.slice(i, i + concurrency).map(async index => net.startNode(index)))
      }
      return net
    } catch (err) {
      await net.stop()
      throw err
    }
  }

  /** Running nodes, by index. */
  get nodes (): NetworkNode[] {
    return [...this.running.values()].sort((a, b) => a.index - b.index)
  }

  node (index: number): NetworkNode {
    const node = this.running.get(index)
    if (node == null) throw new Error(`node ${index} is not running`)
    return node
  }

  /** Starts node `index` (again, on its old repo when it ran before: same key, same pools). */
  async startNode (index: number): Promise<NetworkNode> {
    if (this.running.has(index)) return this.node(index)
    const repoPath = join(this.root, `node-${index}`)
    const transport = this.init.transport ?? 'memory'
    const flags: FlagOverride[] = [...(this.init.flags ?? [])]
    if (transport === 'memory') flags.push({ path: 'listen', value: [`/memory/cpnet-${this.netId}-${index}`], flag: 'in-process' })
    const bootstrap = this.bootstrapFor(index)
    if (bootstrap.length > 0) flags.push({ path: 'bootstrap', value: bootstrap, flag: 'in-process' })
    const daemon = await startDaemon({ repoPath, initProfiles: ['test'], env: {}, flags, transport, logger: this.init.logger ?? silentLogger(), capacity: this.init.capacity?.(index) })
    const node: NetworkNode = { ...daemon, index, repoPath }
    const addr = daemon.node.libp2p.getMultiaddrs()[0]
    if (addr != null) this.addrs.set(index, addr.toString())
    this.running.set(index, node)
    return node
  }

  async stopNode (index: number): Promise<void> {
    const node = this.running.get(index)
    if (node == null) return
    this.running.delete(index)
    await node.stop()
  }

  /**
   * Waits until every running node has at least `minPeers` connections; fails
   * naming the nodes still short when no node has gained a peer for `stallMs`.
   */
  async ready (minPeers = 1, stallMs = 30_000): Promise<void> {
    const want = Math.min(minPeers, this.running.size - 1)
    const short = (): NetworkNode[] => this.nodes.filter(n => n.node.libp2p.getPeers().length < want)
    const missing = (): number => this.nodes.reduce((sum, n) => sum + Math.max(0, want - n.node.libp2p.getPeers().length), 0)
    try {
      await waitForProgress(`every node connected to ${want}+ peers`, missing, stallMs)
    } catch (err) {
      throw new Error(`${(err as Error).message}; short: ${short().map(n => `node ${n.index} (${n.node.libp2p.getPeers().length})`).join(', ')}`)
    }
  }

  /** Stops every node in parallel and removes the repos. */
  async stop (): Promise<void> {
    const nodes = [...this.running.values()]
    this.running.clear()
    await Promise.allSettled(nodes.map(async n => n.stop()))
    rmSync(this.root, { recursive: true, force: true })
  }

  /**
   * The first node, and one other earlier node (spread so that no single seed
   * holds the network). The other is never the seed: when it was (index × 7 a
   * multiple of the nodes known, e.g. node 41 of 41 known), the node hung on
   * the seed alone and stayed below 3 peers for minutes.
   */
  private bootstrapFor (index: number): string[] {
    const known = [...this.addrs.entries()].filter(([i]) => i !== index)
    if (known.length === 0) return []
    const seed = known[0]?.[1] as string
    if (known.length === 1) return [seed]
    const other = known[1 + (index * 7) % (known.length - 1)]?.[1] as string
    return [seed, other]
  }
}
