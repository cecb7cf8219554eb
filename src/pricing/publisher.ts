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
import type { Inventory, PoolChange } from '../inventory/inventory.ts'
import type { Pool } from '../inventory/pool.ts'
import type { Logger } from '../log/logger.ts'
import type { CpnetLibp2p } from '../node/libp2p.ts'
import { ownTransportAddrs } from '../node/addrs.ts'
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

interface PoolRun {
  done: Promise<void>
  /** Another change came in while this run was signing. */
  again: boolean
  /** The next update goes out at once (not a capacity change alone). */
  urgent: boolean
  /** The pool as it was removed, when the latest change is its removal. */
  removed?: Pool
  /** Ends the wait for the capacity gap early (an urgent change, or stop). */
  wake?: () => void
}

export class PricePublisher {
  private readonly init: PricePublisherInit
  private readonly log: Logger
  private readonly runs = new Map<string, PoolRun>()
  /** When each pool's last update went out, in ms. */
  private readonly lastPublishedAt = new Map<string, number>()
  private unsubscribe?: () => void
  private timer?: NodeJS.Timeout
  private running = false

  constructor (init: PricePublisherInit) {
    this.init = init
    this.log = init.logger.forComponent('cpnet:pricing:publisher')
  }

  start (): void {
    if (this.running) return
    this.running = true
    this.unsubscribe = this.init.inventory.onChange(change => { this.onChange(change) })
    this.heartbeat()
    this.timer = setInterval(() => { this.heartbeat() }, this.init.heartbeatMs)
    this.timer.unref()
  }

  async stop (): Promise<void> {
    if (!this.running) return
    this.running = false
    clearInterval(this.timer)
    this.unsubscribe?.()
    for (const run of this.runs.values()) run.wake?.()
    await this.settled()
  }

  /** Resolves when no update is being published (tests and benchmarks wait on it). */
  async settled (): Promise<void> {
    while (this.runs.size > 0) await Promise.allSettled([...this.runs.values()].map(async r => r.done))
  }

  private onChange (change: PoolChange): void {
    this.request(change.pool.name, { urgent: change.kind !== 'capacity', removed: change.kind === 'removed' ? change.pool : undefined })
  }

  private heartbeat (): void {
    for (const pool of this.init.inventory.list()) this.request(pool.name, { urgent: false })
  }

  private request (name: string, ask: { urgent: boolean, removed?: Pool }): void {
    if (!this.running) return
    const run = this.runs.get(name)
    if (run != null) {
      run.again = true
      run.urgent ||= ask.urgent
      // a removal stays pending until published; a later change of a re-added pool publishes that pool
      run.removed = ask.removed ?? run.removed
      if (ask.urgent) run.wake?.()
      return
    }
    const next: PoolRun = { done: Promise.resolve(), again: true, urgent: ask.urgent, removed: ask.removed }
    next.done = this.loop(name, next).finally(() => { this.runs.delete(name) })
    this.runs.set(name, next)
  }

  private async loop (name: string, run: PoolRun): Promise<void> {
    while (run.again && this.running) {
      if (!run.urgent) await this.capacityGap(name, run)
      if (!this.running) return
      run.again = false
      run.urgent = false
      const removed = run.removed
      run.removed = undefined
      try {
        await this.publish(name, removed)
      } catch (err) {
        this.log.warn('price update failed', { pool: name, error: (err as Error).message })
      }
      if (this.init.inventory.get(name) != null) this.lastPublishedAt.set(name, Date.now())
      else this.lastPublishedAt.delete(name)
    }
  }

  /** Waits until CAPACITY_UPDATE_GAP_MS have passed since the pool's last update, or until woken. */
  private async capacityGap (name: string, run: PoolRun): Promise<void> {
    const waitMs = (this.lastPublishedAt.get(name) ?? 0) + CAPACITY_UPDATE_GAP_MS - Date.now()
    if (waitMs <= 0) return
    await new Promise<void>(resolve => {
      const timer = setTimeout(resolve, waitMs)
      run.wake = () => { clearTimeout(timer); resolve() }
    })
    run.wake = undefined
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
