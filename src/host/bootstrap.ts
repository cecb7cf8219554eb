/**
 * Keeps the node connected: dials the bootstrap list at start, and again every
 * interval while fewer than `minPeers` connections are open, then falls back to
 * peers remembered in the peer store (so a restarted node finds its network
 * even when its bootstrap peers are gone). Bootstrap peers are tagged
 * keep-alive, so libp2p redials them when a connection drops.
 *
 * When every known peer is connected and the node is still short, it asks the
 * DHT for the peers closest to itself. kad-dht runs that self-query once, a
 * second after start, and then only every 5 minutes: a node whose routing
 * table was still empty at that second learned no peer beyond its bootstrap
 * list and sat below `minPeers` for minutes (seen in a 21-node network, one
 * node at 2 peers while the other 20 had 15 or more).
 */
import { KEEP_ALIVE, type PeerId, type Startable } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { Logger } from '../log/logger.ts'
import type { CpnetLibp2p } from './libp2p.ts'

export interface BootstrapperComponents {
  libp2p: CpnetLibp2p
  logger: Logger
}

export interface BootstrapperInit {
  list: string[]
  intervalMs: number
  minPeers: number
}

const BOOTSTRAP_TAG_VALUE = 50
const DIAL_TIMEOUT_MS = 10_000
/** A self-lookup that finds nobody new in this time ends; the next round may run another. */
const LOOKUP_TIMEOUT_MS = 10_000

interface Target {
  peerId: PeerId
  addrs: Multiaddr[]
}

export class Bootstrapper implements Startable {
  private readonly libp2p: CpnetLibp2p
  private readonly log: Logger
  private readonly init: BootstrapperInit
  private readonly bootstrapPeers: Target[]
  private timer?: NodeJS.Timeout
  private round?: Promise<void>
  /** Aborts the dials and the lookup in flight at stop, so stopping never waits for the network. */
  private stopping = new AbortController()

  constructor (components: BootstrapperComponents, init: BootstrapperInit) {
    this.libp2p = components.libp2p
    this.log = components.logger.forComponent('cpnet:bootstrap')
    this.init = init
    // config validation guarantees a /p2p/ component
    this.bootstrapPeers = init.list.map(addr => {
      const ma = multiaddr(addr)
      const id = ma.getComponents().findLast(c => c.name === 'p2p')?.value ?? ''
      return { peerId: peerIdFromString(id), addrs: [ma] }
    })
  }

  async start (): Promise<void> {
    if (this.timer != null) return
    for (const peer of this.bootstrapPeers) {
      await this.libp2p.peerStore.merge(peer.peerId, {
        multiaddrs: peer.addrs,
        tags: { [KEEP_ALIVE]: { value: BOOTSTRAP_TAG_VALUE } }
      })
    }
    this.stopping = new AbortController()
    this.timer = setInterval(() => { this.tick() }, this.init.intervalMs)
    this.timer.unref()
    this.tick()
  }

  async stop (): Promise<void> {
    if (this.timer == null) return
    clearInterval(this.timer)
    this.timer = undefined
    this.stopping.abort()
    await this.round
  }

  private tick (): void {
    if (this.round != null) return
    this.round = this.dialRound()
      .catch(err => { this.log.debug('bootstrap round failed', { error: (err as Error).message }) })
      .finally(() => { this.round = undefined })
  }

  private async candidates (): Promise<Target[]> {
    const self = this.libp2p.peerId
    const connected = new Set(this.libp2p.getPeers().map(p => p.toString()))
    const known = (await this.libp2p.peerStore.all())
      .filter(p => p.addresses.length > 0 && !p.id.equals(self))
      .map(p => ({ peerId: p.id, addrs: p.addresses.map(a => a.multiaddr) }))
    const seen = new Set<string>()
    return [...this.bootstrapPeers, ...known].filter(t => {
      const id = t.peerId.toString()
      if (connected.has(id) || seen.has(id) || t.peerId.equals(self)) return false
      seen.add(id)
      return true
    })
  }

  private async dialRound (): Promise<void> {
    const missing = this.init.minPeers - this.libp2p.getConnections().length
    if (missing <= 0 && this.bootstrapPeers.every(p => this.libp2p.getConnections(p.peerId).length > 0)) return
    const candidates = await this.candidates()
    const targets = candidates.slice(0, Math.max(missing, this.bootstrapPeers.length))
    await Promise.all(targets.map(async t => {
      try {
        await this.libp2p.dial(t.addrs.length > 0 ? t.addrs : t.peerId, { signal: AbortSignal.any([this.stopping.signal, AbortSignal.timeout(DIAL_TIMEOUT_MS)]) })
        this.log.debug('connected', { peer: t.peerId.toString() })
      } catch (err) {
        this.log.debug('dial failed', { peer: t.peerId.toString(), error: (err as Error).message })
      }
    }))
    if (candidates.length < missing && this.libp2p.getConnections().length < this.init.minPeers) await this.lookUpPeers()
  }

  /**
   * A DHT query for the peers closest to this node's own id: it connects to
   * each peer it asks and puts the peers it hears of in the peer store, where
   * the next round finds them.
   */
  private async lookUpPeers (): Promise<void> {
    if (this.libp2p.getConnections().length === 0) return
    let found = 0
    for await (const peer of this.libp2p.peerRouting.getClosestPeers(this.libp2p.peerId.toMultihash().bytes, { signal: AbortSignal.any([this.stopping.signal, AbortSignal.timeout(LOOKUP_TIMEOUT_MS)]) })) {
      if (!peer.id.equals(this.libp2p.peerId)) found++
    }
    this.log.debug('looked up peers', { found, connections: this.libp2p.getConnections().length })
  }
}
