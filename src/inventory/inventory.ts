/**
 * The provider's pools: detected GPUs merged with declared pools and pools
 * added over RPC (persisted), prices set over RPC on top (persisted), with
 * free capacity from a CapacitySource. Listeners hear about every change that
 * alters what the node offers. nvidia-smi is asked again every
 * provider.detectIntervalSec, so that a GPU that falls off the bus leaves its
 * pool (and the offer shrinks) while the node runs. A Slurm pool's size and
 * usable GPUs are read from the cluster every provider.slurm.refreshSec (and
 * on demand, before a hold): a pool whose selection has no usable GPU is not
 * offered until it has one again.
 */
import type { Startable } from '@libp2p/interface'
import type { Logger } from '../log/logger.ts'
import { FullCapacity, type CapacitySource } from './capacity.ts'
import { CLASS_PATTERN } from './classes.ts'
import { mergePools } from './merge.ts'
import { detectGpus, poolsFromGpus, type RunCommand } from './nvidia-smi.ts'
import { resolvePool, withPrice, type Pool, type SlurmCapacity } from './pool.ts'
import type { SlurmCluster } from '../slurm/cluster.ts'
import { devicesProblem, floorProblem, kindProblem, type PoolSpec, type Price } from '../config/pool-schema.ts'
import type { ProviderConfig } from '../config/schema.ts'
import { samePrice, type PriceOverride, type PriceOverrides } from './price-overrides.ts'
import type { PoolStore } from './store.ts'
import { PoolConflictError, PoolNotFoundError, PoolSpecError } from './errors.ts'

export type PoolChange =
  | { kind: 'added' | 'updated', pool: Pool }
  | { kind: 'removed', pool: Pool }
  | { kind: 'capacity', pool: Pool }

export type PoolChangeListener = (change: PoolChange) => void

/**
 * What the latest GPU detection gave. `error` is set only when nvidia-smi is
 * there but failed (a driver it cannot talk to, output it cannot read); a
 * machine without nvidia-smi simply has no GPUs to detect. A re-detection that
 * fails keeps the GPUs found before and says why here.
 */
export interface GpuDetection {
  enabled: boolean
  /** GPUs found (by the last detection that worked). */
  gpus: number
  error?: string
}

/** What the inventory stands on. */
export interface InventoryComponents {
  store: PoolStore
  /** Prices set with setPrice, kept across restarts. */
  prices: PriceOverrides
  logger: Logger
  /** Free GPUs per pool; every pool is wholly free without one. */
  capacity?: CapacitySource
  /** The cluster Slurm pools front; without one a Slurm pool has no GPUs. */
  slurm?: SlurmCluster
}

/** How the last reading of a Slurm pool went. */
export interface SlurmPoolStatus {
  pool: string
  /** unix ms of the reading */
  at: number
  total: number
  usable: number
  /** Set when the reading failed: the pool keeps the reading before (none at start). */
  error?: string
}

export interface InventoryInit {
  config: ProviderConfig
  /** Runs nvidia-smi; tests inject recorded output. */
  run?: RunCommand
}

const CLASS = new RegExp(CLASS_PATTERN)

export class Inventory implements Startable {
  private readonly components: InventoryComponents
  private readonly init: InventoryInit
  private readonly log: Logger
  private readonly capacity: CapacitySource
  private readonly listeners = new Set<PoolChangeListener>()
  private pools = new Map<string, Pool>()
  private detected: PoolSpec[] = []
  private _detection: GpuDetection = { enabled: false, gpus: 0 }
  private added = new Map<string, PoolSpec>()
  private overrides = new Map<string, PriceOverride>()
  private unsubscribeCapacity?: () => void
  private redetector?: NodeJS.Timeout
  /** The re-detection in flight, which stop() waits for. */
  private redetecting?: Promise<void>
  /** Each Slurm pool's last reading that worked, when the last one was, and why it failed if it did. */
  private readonly slurmReadings = new Map<string, { at: number, capacity?: SlurmCapacity, error?: string }>()
  private slurmTimer?: NodeJS.Timeout
  /** The Slurm refresh in flight and when it began: a caller who asked later than that waits for the next. */
  private slurmRefreshing?: { since: number, done: Promise<void> }
  private stopped = false

  constructor (components: InventoryComponents, init: InventoryInit) {
    this.components = components
    this.init = init
    this.log = components.logger.forComponent('cpnet:inventory')
    this.capacity = components.capacity ?? new FullCapacity()
  }

  /** Detects GPUs and loads stored pools. A broken nvidia-smi is logged, not fatal. */
  async start (): Promise<void> {
    if (this.unsubscribeCapacity != null) return
    const { config } = this.init
    const { store } = this.components
    if (config.detectGpus && !await this.detect()) {
      this.log.warn('GPU detection failed; using declared pools only', { error: this._detection.error })
    }
    const stored = await store.all((name, problem) => { this.log.warn('ignoring a stored pool that no longer validates', { pool: name, problem }) })
    this.added = new Map(stored.map(spec => [spec.name, spec]))
    this.overrides = await this.components.prices.all((name, problem) => { this.log.warn('ignoring a stored price that no longer validates', { pool: name, problem }) })
    this.stopped = false
    await this.readSlurm()
    this.pools = this.merge()
    await this.dropStaleOverrides()
    this.unsubscribeCapacity = this.capacity.onChange(name => {
      const pool = this.pools.get(name)
      if (pool != null) this.emit({ kind: 'capacity', pool })
    })
    if (config.detectGpus && config.detectIntervalSec > 0) {
      this.redetector = setInterval(() => {
        this.redetecting ??= this.redetect().finally(() => { this.redetecting = undefined })
      }, config.detectIntervalSec * 1000)
      this.redetector.unref()
    }
    this.slurmTimer = setInterval(() => { this.refreshSlurm().catch(() => {}) }, this.init.config.slurm.refreshSec * 1000)
    this.slurmTimer.unref()
    this.log.info('inventory loaded', { pools: [...this.pools.keys()] })
  }

  async stop (): Promise<void> {
    this.stopped = true
    clearInterval(this.redetector)
    this.redetector = undefined
    clearInterval(this.slurmTimer)
    this.slurmTimer = undefined
    // a re-detection in flight sees the timer gone and changes nothing
    await this.redetecting
    await this.slurmRefreshing?.done
    this.unsubscribeCapacity?.()
    this.unsubscribeCapacity = undefined
  }

  get detection (): GpuDetection {
    return this._detection
  }

  /** How the last reading of each Slurm pool went. */
  get slurm (): SlurmPoolStatus[] {
    return [...this.slurmReadings].map(([pool, r]) => ({ pool, at: r.at, total: r.capacity?.total ?? 0, usable: r.capacity?.usable ?? 0, ...(r.error != null ? { error: r.error } : {}) }))
  }

  /**
   * Reads the Slurm pools' GPUs again now and applies what changed (a lease
   * request's check of what Slurm can give, before its hold). A refresh that
   * began after the call is joined; one that began before it (its reading may
   * predate a job submitted since) is waited for, then another is made. Never
   * throws: a failed reading keeps the one before and is in `slurm`.
   */
  async refreshSlurm (): Promise<void> {
    const asked = Date.now()
    for (;;) {
      if (this.stopped || this.slurmSpecs().length === 0) return
      const running = this.slurmRefreshing
      if (running == null) break
      await running.done
      if (running.since >= asked) return
    }
    const since = Date.now()
    const done: Promise<void> = (async () => {
      await this.readSlurm()
      if (!this.stopped) this.apply(this.merge())
    })().finally(() => { if (this.slurmRefreshing?.done === done) this.slurmRefreshing = undefined })
    this.slurmRefreshing = { since, done }
    return await done
  }

  list (): Pool[] {
    return [...this.pools.values()]
  }

  get (name: string): Pool | undefined {
    return this.pools.get(name)
  }

  /** GPUs of the pool free now, from the capacity source, within [0, total]. */
  available (pool: Pool): number {
    return Math.max(0, Math.min(pool.gpus, Math.floor(this.capacity.available(pool))))
  }

  onChange (listener: PoolChangeListener): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  /** Adds or replaces a pool declared over RPC, persisted before it is offered. */
  async add (spec: PoolSpec): Promise<Pool> {
    if (this.init.config.pools.some(p => p.name === spec.name)) {
      throw new PoolConflictError(`pool "${spec.name}" is declared in config.json; change it there`)
    }
    const floor = floorProblem(spec, this.init.config)
    if (floor != null) throw new PoolSpecError('floorMicrosPerGpuHour', `pool "${spec.name}": ${floor}`)
    this.resolve(spec, 'rpc')
    await this.components.store.put(spec)
    this.added.set(spec.name, spec)
    // the new spec's price is the later word
    await this.clearOverride(spec.name)
    if (spec.slurm != null) await this.readSlurm()
    this.apply(this.merge())
    // a Slurm pool with no usable GPU is stored but not offered yet
    return this.pools.get(spec.name) ?? this.resolve(spec, 'rpc')
  }

  /**
   * Sets a pool's price, whatever its source, and keeps it across restarts
   * until the pool's declared price changes (see price-overrides.ts). The
   * floor follows as withPrice says: never above the price.
   */
  async setPrice (name: string, price: Price): Promise<Pool> {
    const pool = this.pools.get(name)
    if (pool == null) throw new PoolNotFoundError(`no pool named "${name}"`)
    const declared = this.declaredPrice(pool)
    if (samePrice(price, declared)) {
      await this.clearOverride(name)
    } else {
      const override = { price: { ...price }, replaced: declared }
      await this.components.prices.put(name, override)
      this.overrides.set(name, override)
    }
    this.apply(this.merge())
    return this.pools.get(name) as Pool
  }

  /** Removes a pool added over RPC; a detected pool it shadowed comes back. */
  async remove (name: string): Promise<Pool> {
    const pool = this.pools.get(name)
    if (pool == null) throw new PoolNotFoundError(`no pool named "${name}"`)
    if (pool.source !== 'rpc') {
      throw new PoolConflictError(pool.source === 'config'
        ? `pool "${name}" is declared in config.json; remove it there`
        : `pool "${name}" was detected by nvidia-smi; set provider.detectGpus to false to stop offering it`)
    }
    await this.components.store.delete(name)
    this.added.delete(name)
    await this.clearOverride(name)
    this.apply(this.merge())
    return pool
  }

  /**
   * Asks nvidia-smi for the GPUs; true when it answered. A failure keeps the
   * pools detected before (none at start) and records why.
   */
  private async detect (): Promise<boolean> {
    try {
      const gpus = await detectGpus(this.init.config.nvidiaSmi, this.init.run)
      this.detected = poolsFromGpus(gpus)
      this._detection = { enabled: true, gpus: gpus.length }
      return true
    } catch (err) {
      this._detection = { enabled: true, gpus: this._detection.gpus, error: (err as Error).message }
      return false
    }
  }

  /** A periodic detection: pools whose GPUs changed are updated (or removed, or added) and their listeners told. */
  private async redetect (): Promise<void> {
    const before = this._detection.gpus
    const answered = await this.detect()
    if (this.redetector == null) return
    if (!answered) {
      this.log.warn('GPU re-detection failed; keeping the GPUs detected before', { error: this._detection.error })
      return
    }
    const now = this._detection.gpus
    if (now < before) this.log.warn('GPUs gone from nvidia-smi; their pools shrink', { before, now })
    else if (now > before) this.log.info('GPUs added to nvidia-smi; their pools grow', { before, now })
    this.apply(this.merge())
  }

  /** The declared pools that front Slurm. */
  private slurmSpecs (): PoolSpec[] {
    return [...this.init.config.pools, ...this.added.values()].filter(spec => spec.slurm != null)
  }

  /** Reads every Slurm pool's selection; a pool that fails keeps its reading before. */
  private async readSlurm (): Promise<void> {
    const cluster = this.components.slurm
    await Promise.all(this.slurmSpecs().map(async spec => {
      const selector = spec.slurm as NonNullable<PoolSpec['slurm']>
      const before = this.slurmReadings.get(spec.name)
      try {
        if (cluster == null) throw new Error('the node has no Slurm cluster to read')
        const reading = await cluster.read(selector)
        // readings may finish out of order (a refresh beside a pool added over RPC): the newest stands
        if (reading.at < (this.slurmReadings.get(spec.name)?.at ?? 0)) return
        const nodes = reading.nodes.filter(n => n.usable).map(n => n.name)
        const capacity = { total: reading.total, usable: reading.free + reading.cpnetGpus, nodes }
        this.slurmReadings.set(spec.name, { at: reading.at, capacity })
        if (before?.error != null) this.log.info('Slurm answers again', { pool: spec.name, total: capacity.total, usable: capacity.usable })
        if (capacity.total === 0 && (before?.capacity == null || before.capacity.total > 0)) this.log.warn('the Slurm pool has no usable GPU (nodes down, drained or missing); it is not offered', { pool: spec.name, partition: selector.partition })
      } catch (err) {
        const error = (err as Error).message
        this.slurmReadings.set(spec.name, { at: Date.now(), ...(before?.capacity != null ? { capacity: before.capacity } : {}), error })
        if (before?.error !== error) this.log.warn('cannot read a Slurm pool; keeping its last reading', { pool: spec.name, error })
      }
    }))
  }

  /** The pools the three sources give now, with set prices that still hold; an unusable one is logged and left out. */
  private merge (): Map<string, Pool> {
    const pools = new Map<string, Pool>()
    for (const { spec, source } of mergePools(this.detected, this.init.config.pools, [...this.added.values()])) {
      // a Slurm pool with no usable GPU is left out until it has one (readSlurm said so)
      if (spec.slurm != null && (this.slurmReadings.get(spec.name)?.capacity?.total ?? 0) === 0) continue
      try {
        const pool = this.resolve(spec, source)
        const override = this.overrides.get(pool.name)
        pools.set(spec.name, override != null && samePrice(override.replaced, pool.price) ? withPrice(pool, override.price) : pool)
      } catch (err) {
        this.log.warn('ignoring an unusable pool', { pool: spec.name, source, error: (err as Error).message })
      }
    }
    return pools
  }

  /** The price a pool has without a set price. */
  private declaredPrice (pool: Pool): Price {
    const override = this.overrides.get(pool.name)
    return override != null && samePrice(override.price, pool.price) ? override.replaced : pool.price
  }

  private async clearOverride (name: string): Promise<void> {
    if (!this.overrides.delete(name)) return
    await this.components.prices.delete(name)
  }

  /** Set prices whose pool is gone or now declared at another price (config.json was edited). */
  private async dropStaleOverrides (): Promise<void> {
    for (const [name, override] of [...this.overrides]) {
      const pool = this.pools.get(name)
      if (pool != null && samePrice(pool.price, override.price)) continue
      this.log.info('dropping a set price: the pool is gone or its declared price changed', { pool: name })
      await this.clearOverride(name)
    }
  }

  /** Replaces the pool map and tells listeners what changed. */
  private apply (next: Map<string, Pool>): void {
    const previous = this.pools
    this.pools = next
    for (const [name, pool] of previous) {
      if (!next.has(name)) this.emit({ kind: 'removed', pool })
    }
    for (const [name, pool] of next) {
      const before = previous.get(name)
      if (before == null) this.emit({ kind: 'added', pool })
      else if (JSON.stringify(before) !== JSON.stringify(pool)) this.emit({ kind: JSON.stringify(withoutReading(before)) === JSON.stringify(withoutReading(pool)) ? 'capacity' : 'updated', pool })
    }
  }

  private resolve (spec: PoolSpec, source: Pool['source']): Pool {
    for (const problem of [kindProblem(spec), devicesProblem(spec)]) {
      if (problem != null) throw new PoolSpecError(problem.field, `pool "${spec.name}": ${problem.problem}`)
    }
    const pool = resolvePool(spec, this.init.config, source, this.slurmReadings.get(spec.name)?.capacity)
    if (!CLASS.test(pool.class)) throw new PoolConflictError(`pool "${spec.name}": model "${spec.model}" gives no usable resource class (${pool.class})`)
    if (pool.minLeaseSec > pool.maxLeaseSec) throw new PoolConflictError(`pool "${spec.name}": minLeaseSec ${pool.minLeaseSec} is above maxLeaseSec ${pool.maxLeaseSec}`)
    if (pool.provisioner === 'container' && pool.images.length === 0) throw new PoolConflictError(`pool "${spec.name}": a container pool lists the images consumers may run (images)`)
    if (pool.provisioner !== 'container' && pool.images.length > 0) throw new PoolConflictError(`pool "${spec.name}": images are for container pools (provisioner "container")`)
    return pool
  }

  private emit (change: PoolChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change)
      } catch (err) {
        this.log.error('pool change listener failed', { error: (err as Error).message })
      }
    }
  }
}

/**
 * A pool less what only a Slurm reading moves (usable GPUs, the nodes up): a
 * change in those alone is one of free capacity, which the publishers space
 * out, not a new offer.
 */
function withoutReading (pool: Pool): Pool {
  if (pool.slurm == null) return pool
  return { ...pool, slurm: { ...pool.slurm, usable: 0, nodes: [] } }
}
