/**
 * The provider's side of live prices: for every pool, a signed PriceUpdate on
 * /cpnet/prices/1.0.0 whenever the pool, its price or its free capacity
 * change, and every heartbeat. The seq comes from the same per-CPI counter as
 * the pool's offers. Changes that arrive while a pool's update is being
 * signed fold into one more update with the latest state, and updates for
 * capacity alone keep CAPACITY_UPDATE_GAP_MS apart, so a burst of capacity
 * changes costs a few messages, not one per change. A removed pool gets a
 * withdrawal. Gossipsub does not deliver a node's own messages back to
 * it, so each update also goes straight into this node's price book.
 */
import type { PrivateKey } from '@libp2p/interface'
import type { Inventory } from '../inventory/inventory.ts'
import type { Pool } from '../inventory/pool.ts'
import { PoolPublications } from '../inventory/pool-publications.ts'
import type { Logger } from '../log/logger.ts'
import type { CpnetLibp2p } from '../host/libp2p.ts'
import { ownTransportAddrs } from '../host/addrs.ts'
import type { SeqStore } from '../discovery/seq-store.ts'
import { formatCpi } from '../identity/cpi.ts'
import type { PriceBook } from './book.ts'
import { CAPACITY_UPDATE_GAP_MS, PRICES_TOPIC, PRICE_TTL_HEARTBEATS } from './constants.ts'
import { buildPriceUpdate, signPriceUpdate } from './message.ts'

export interface PricePublisherInit {
  libp2p: CpnetLibp2p
  privateKey: PrivateKey
  inventory: Inventory
  seqs: SeqStore
  book: PriceBook
  logger: Logger
  heartbeatMs: number
}

export class PricePublisher {
  private readonly init: PricePublisherInit
  private readonly log: Logger
  private publications?: PoolPublications
  private unsubscribe?: () => void
  private timer?: NodeJS.Timeout

  constructor (init: PricePublisherInit) {
    this.init = init
    this.log = init.logger.forComponent('cpnet:pricing:publisher')
  }

  start (): void {
    if (this.publications != null) return
    const publications = this.publications = new PoolPublications({
      gapMs: CAPACITY_UPDATE_GAP_MS,
      // an update that is not due yet waits: it goes out, with the state of then, once the gap has passed
      publish: async (name, { due, removed }) => { if (due) await this.publish(name, removed) },
      log: this.log
    })
    this.unsubscribe = this.init.inventory.onChange(change => { publications.changed(change) })
    this.heartbeat()
    this.timer = setInterval(() => { this.heartbeat() }, this.init.heartbeatMs)
    this.timer.unref()
  }

  async stop (): Promise<void> {
    const publications = this.publications
    if (publications == null) return
    clearInterval(this.timer)
    this.unsubscribe?.()
    await publications.stop()
    this.publications = undefined
  }

  /** Resolves when no update is being published (tests and benchmarks wait on it). */
  async settled (): Promise<void> {
    await this.publications?.settled()
  }

  private heartbeat (): void {
    for (const pool of this.init.inventory.list()) this.publications?.request(pool.name, { urgent: false })
  }

  /** Signs and publishes the pool's update now; a withdrawal when it was removed (and not added back since). */
  private async publish (name: string, removed?: Pool): Promise<void> {
    const { libp2p, inventory } = this.init
    if (inventory.get(name) == null && removed == null) return
    const now = Date.now()
    const seq = await this.init.seqs.next(formatCpi(libp2p.peerId, name), now)
    // the pool is read after its seq is drawn: a higher seq never carries an older state
    const current = inventory.get(name)
    const pool = current ?? removed
    if (pool == null) return
    const update = buildPriceUpdate(pool, {
      peerId: libp2p.peerId,
      seq,
      now,
      ttlMs: PRICE_TTL_HEARTBEATS * this.init.heartbeatMs,
      availableGpus: current != null ? inventory.available(current) : 0,
      addrs: ownTransportAddrs(libp2p)
    }, current == null)
    const signed = await signPriceUpdate(update, this.init.privateKey)
    this.init.book.admit(signed)
    await libp2p.services.pubsub.publish(PRICES_TOPIC, signed.bytes)
    this.log.debug('price update published', { cpi: update.cpi, seq: signed.seq, free: update.availableGpus, withdrawn: update.withdrawn })
  }
}
