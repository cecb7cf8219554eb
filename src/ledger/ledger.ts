/**
 * Capacity accounting per pool, device by device: the single writer of capacity.
 *
 * Invariant: every device of a pool is in at most one live hold or lease at
 * every instant, under any concurrency, so held + leased <= total while the
 * pool does not shrink. A hold takes the lowest free device indices (free: in
 * the pool's set and in no live hold or lease); the check and the take happen
 * synchronously in memory (no await between them, so concurrent requests are
 * serialised by the event loop), then the hold is written to LevelDB. A hold
 * becomes a lease, devices and all, in one synced batch, so an acknowledged
 * lease survives a crash; on start the ledger is rebuilt from disk (the
 * device map with it), dropping lapsed holds and closing ended leases. An
 * entry stored before devices were recorded has none: while live, its GPUs
 * count as taken from the pool's free devices, so nothing is oversold.
 * A pool shrunk under a live lease leaves the lease its devices
 * (missingDevices says which are gone); new holds get only devices present.
 */
import type { Startable } from '@libp2p/interface'
import type { AbstractBatchOptions, AbstractPutOptions, AbstractSublevel } from 'abstract-level'
import type { Logger } from '../log/logger.ts'
import type { NodeDb } from '../host/db.ts'
import { HoldNotFoundError, LeaseNotFoundError, LedgerClosedError, NoCapacityError, UnknownPoolError } from './errors.ts'
import type { Hold, LeaseEntry, PoolUsage } from './types.ts'

const SWEEP_INTERVAL_MS = 1000
/** Ended leases stay readable (lease_get, Query) this long. */
const ENDED_LEASE_RETENTION_MS = 30 * 24 * 3600 * 1000

/** The ledger's sublevel of the node's db and its two kinds of keys (`cpnet repo check` counts them). */
export const LEDGER_SUBLEVEL = 'ledger'
export const HOLD_PREFIX = 'hold!'
export const LEASE_PREFIX = 'lease!'

/** An entry as it may be on disk: written before devices were recorded, it has none. */
type Stored<T extends Hold | LeaseEntry> = Omit<T, 'devices'> & { devices?: number[] }
type StoredEntry = Stored<Hold> | Stored<LeaseEntry>

/**
 * classic-level's fsync option. Sublevels pass options through to the root
 * database, though their types do not list it.
 */
const SYNCED = { sync: true } as unknown as AbstractBatchOptions<string, StoredEntry> & AbstractPutOptions<string, StoredEntry>

type Store = AbstractSublevel<NodeDb, string | Uint8Array, string, StoredEntry>

export type LedgerEventKind = 'held' | 'unheld' | 'leased' | 'renewed' | 'ended' | 'pool'

export interface LedgerEvent {
  kind: LedgerEventKind
  pool: string
  lease?: LeaseEntry
}

/** What the ledger stands on. */
export interface LedgerComponents {
  db: NodeDb
  logger: Logger
}

export interface LedgerInit {
  /** How often lapsed holds and leases are swept; SWEEP_INTERVAL_MS by default. */
  sweepIntervalMs?: number
}

export interface HoldRequest {
  id: string
  pool: string
  gpus: number
  ttlMs: number
  /**
   * Takes a count of the pool's devices, none in particular: for a pool whose
   * scheduler (Slurm) picks the GPUs of each lease. Its GPUs count as taken
   * like those of an entry stored without devices.
   */
  countOnly?: boolean
}

export interface CommitRequest {
  holdId: string
  leaseId: string
  start: number
  end: number
  data?: unknown
}

interface HoldState extends Hold {
  /** Set while its commit is being written, so the sweeper leaves it alone. */
  committing: boolean
}

export class Ledger implements Startable {
  private readonly store: Store
  private readonly log: Logger
  private readonly sweepIntervalMs: number
  /** Each pool's device indices, ascending. */
  private readonly pools = new Map<string, readonly number[]>()
  private readonly holds = new Map<string, HoldState>()
  private readonly active = new Map<string, LeaseEntry>()
  /** Ends being written, by lease id. */
  private readonly ending = new Map<string, Promise<LeaseEntry>>()
  private readonly listeners = new Set<(event: LedgerEvent) => void>()
  private sweeper?: NodeJS.Timeout
  /** The sweep in flight, which stop() waits for: its writes and end events belong to the running ledger. */
  private sweeping?: Promise<void>
  private opened = false

  constructor (components: LedgerComponents, init: LedgerInit = {}) {
    this.store = components.db.sublevel<string, StoredEntry>(LEDGER_SUBLEVEL, { valueEncoding: 'json' })
    this.log = components.logger.forComponent('cpnet:ledger')
    this.sweepIntervalMs = init.sweepIntervalMs ?? SWEEP_INTERVAL_MS
  }

  /** Rebuilds the in-memory state from disk. Idempotent. */
  async start (): Promise<void> {
    if (this.opened) return
    const now = Date.now()
    const lapsed: string[] = []
    const ended: LeaseEntry[] = []
    for await (const [key, value] of this.store.iterator()) {
      if (key.startsWith(HOLD_PREFIX)) {
        const hold = withDevices(value as Stored<Hold>)
        if (hold.expiresAt <= now) lapsed.push(key)
        else this.holds.set(hold.id, { ...hold, committing: false })
      } else if (key.startsWith(LEASE_PREFIX)) {
        const lease = withDevices(value as Stored<LeaseEntry>)
        if (lease.status !== 'active') continue
        if (lease.end <= now) ended.push({ ...lease, status: 'expired', endedAt: lease.end })
        else this.active.set(lease.id, lease)
      }
    }
    await this.store.batch([
      ...lapsed.map(key => ({ type: 'del' as const, key })),
      ...ended.map(lease => ({ type: 'put' as const, key: LEASE_PREFIX + lease.id, value: lease }))
    ], SYNCED)
    this.opened = true
    this.sweeper = setInterval(() => {
      this.sweeping ??= this.sweep().finally(() => { this.sweeping = undefined })
    }, this.sweepIntervalMs)
    this.sweeper.unref()
    this.log.debug('ledger started', { holds: this.holds.size, leases: this.active.size, droppedHolds: lapsed.length, expiredLeases: ended.length })
    this.reportSharedDevices()
    for (const lease of ended) this.emit({ kind: 'ended', pool: lease.pool, lease })
  }

  async stop (): Promise<void> {
    if (!this.opened) return
    clearInterval(this.sweeper)
    // a sweep in flight finishes on the open ledger first
    await this.sweeping
    this.opened = false
    this.holds.clear()
    this.active.clear()
  }

  /** Subscribes to capacity changes; returns the unsubscribe function. */
  onChange (fn: (event: LedgerEvent) => void): () => void {
    this.listeners.add(fn)
    return () => { this.listeners.delete(fn) }
  }

  /**
   * Declares a pool or changes its devices (indices, each once). A device
   * gone stays with the live hold or lease that has it (see missingDevices);
   * new holds get only devices in the set.
   */
  setPool (pool: string, devices: readonly number[]): void {
    const sorted = [...devices].sort((a, b) => a - b)
    if (sorted.some((d, i) => !Number.isInteger(d) || d < 0 || d === sorted[i - 1])) {
      throw new RangeError(`pool ${pool}: device indices must be distinct non-negative integers, got ${devices.join(',')}`)
    }
    const before = this.pools.get(pool)
    if (before != null && before.join(',') === sorted.join(',')) return
    this.pools.set(pool, sorted)
    this.emit({ kind: 'pool', pool })
  }

  /** A pool's device indices, ascending; undefined for a pool the ledger does not know. */
  devicesOf (pool: string): readonly number[] | undefined {
    return this.pools.get(pool)
  }

  /**
   * The devices of a live lease that its pool no longer has (a GPU that left
   * nvidia-smi, a pool declared smaller or removed); empty for a lease that
   * is not live.
   */
  missingDevices (leaseId: string): number[] {
    const lease = this.active.get(leaseId)
    if (lease == null) return []
    const present = new Set(this.pools.get(lease.pool))
    return lease.devices.filter(d => !present.has(d))
  }

  /** Forgets a pool: no new holds. Leases already granted run to their end. */
  removePool (pool: string): void {
    if (this.pools.delete(pool)) this.emit({ kind: 'pool', pool })
  }

  usage (pool: string): PoolUsage {
    const total = this.pools.get(pool)?.length ?? 0
    let held = 0
    let leased = 0
    for (const h of this.holds.values()) if (h.pool === pool) held += h.gpus
    for (const l of this.active.values()) if (l.pool === pool) leased += l.gpus
    return { pool, total, held, leased, free: this.freeDevices(pool).length }
  }

  /**
   * Takes the `gpus` lowest free devices of the pool until `ttlMs` from now,
   * or throws NoCapacityError.
   */
  async hold (req: HoldRequest): Promise<Hold> {
    this.assertOpen()
    if (!this.pools.has(req.pool)) throw new UnknownPoolError(`no pool named "${req.pool}"`)
    if (!Number.isInteger(req.gpus) || req.gpus < 1) throw new RangeError('gpus must be a positive integer')
    if (this.holds.has(req.id)) throw new RangeError(`hold ${req.id} exists already`)
    // check and take with no await in between: this is what keeps a device out of two holds or leases
    const free = this.freeDevices(req.pool)
    if (req.gpus > free.length) throw new NoCapacityError(`pool ${req.pool} has ${free.length} free GPUs, ${req.gpus} asked`)
    const hold: HoldState = { id: req.id, pool: req.pool, gpus: req.gpus, devices: req.countOnly === true ? [] : free.slice(0, req.gpus), expiresAt: Date.now() + req.ttlMs, committing: false }
    this.holds.set(hold.id, hold)
    try {
      // not synced: a hold lost in a crash only means a quote the provider no longer honours
      await this.store.put(HOLD_PREFIX + hold.id, toHold(hold))
    } catch (err) {
      this.holds.delete(hold.id)
      throw err
    }
    this.emit({ kind: 'held', pool: hold.pool })
    return toHold(hold)
  }

  /**
   * Moves a hold's expiry to `ttlMs` from now: a new quote round, written to
   * disk; or, with `persist: false`, only for as long as this process runs
   * (while an accepted lease is provisioned: no negotiation survives a crash to
   * commit the hold, so after a restart it lapses at its quote's expiry).
   */
  async extendHold (id: string, ttlMs: number, options: { persist?: boolean } = {}): Promise<Hold> {
    const hold = this.holds.get(id)
    if (hold == null || hold.committing || hold.expiresAt <= Date.now()) throw new HoldNotFoundError(`hold ${id} is not held (lapsed, released or unknown)`)
    hold.expiresAt = Date.now() + ttlMs
    if (options.persist !== false) await this.store.put(HOLD_PREFIX + id, toHold(hold))
    return toHold(hold)
  }

  async releaseHold (id: string): Promise<void> {
    const hold = this.holds.get(id)
    if (hold == null || hold.committing) return
    this.holds.delete(id)
    await this.store.del(HOLD_PREFIX + id)
    this.emit({ kind: 'unheld', pool: hold.pool })
  }

  /**
   * Turns a hold into a lease in one synced batch. Resolves only after the
   * write reached the disk: only then may the lease be acknowledged.
   */
  async commit (req: CommitRequest): Promise<LeaseEntry> {
    this.assertOpen()
    const hold = this.holds.get(req.holdId)
    if (hold == null || hold.committing || hold.expiresAt <= Date.now()) {
      throw new HoldNotFoundError(`hold ${req.holdId} is not held (lapsed, released or unknown)`)
    }
    hold.committing = true
    const lease: LeaseEntry = { id: req.leaseId, pool: hold.pool, gpus: hold.gpus, devices: [...hold.devices], start: req.start, end: req.end, status: 'active', data: req.data }
    try {
      await this.store.batch([
        { type: 'del', key: HOLD_PREFIX + hold.id },
        { type: 'put', key: LEASE_PREFIX + lease.id, value: lease }
      ], SYNCED)
    } catch (err) {
      hold.committing = false
      throw err
    }
    // the devices move from the hold to the lease with no instant where both or neither have them
    this.active.set(lease.id, lease)
    this.holds.delete(hold.id)
    this.emit({ kind: 'leased', pool: lease.pool, lease })
    return lease
  }

  /** Extends an active lease. Its devices are already the lease's, so nothing else changes. */
  async renew (leaseId: string, end: number, data?: unknown): Promise<LeaseEntry> {
    const lease = this.activeLease(leaseId)
    const renewed: LeaseEntry = { ...lease, end, data: data ?? lease.data }
    await this.store.put(LEASE_PREFIX + leaseId, renewed, SYNCED)
    this.active.set(leaseId, renewed)
    this.emit({ kind: 'renewed', pool: renewed.pool, lease: renewed })
    return renewed
  }

  /** Ends a lease now; `reason` says why when it is not the consumer's release (its allocation vanished …). */
  async release (leaseId: string, reason?: string): Promise<LeaseEntry> {
    const lease = this.activeLease(leaseId)
    return this.end(lease, 'released', Date.now(), reason)
  }

  /** An active lease from memory, else an ended one from disk. */
  async getLease (leaseId: string): Promise<LeaseEntry | undefined> {
    const ending = this.ending.get(leaseId)
    if (ending != null) return ending
    const active = this.active.get(leaseId)
    if (active != null) return active
    const stored = await this.store.get(LEASE_PREFIX + leaseId)
    return stored == null ? undefined : withDevices(stored as Stored<LeaseEntry>)
  }

  /** Every lease on disk, newest first; `active` only when asked. */
  async listLeases (filter: { activeOnly?: boolean, pool?: string } = {}): Promise<LeaseEntry[]> {
    if (filter.activeOnly === true) return this.activeLeases(filter.pool)
    const out: LeaseEntry[] = []
    for await (const value of this.store.values({ gte: LEASE_PREFIX, lt: LEASE_PREFIX + '\xff' })) out.push(withDevices(value as Stored<LeaseEntry>))
    return newestFirst(out.filter(l => filter.pool == null || l.pool === filter.pool))
  }

  /** The live leases (of one pool, when given), newest first, as they are at the call. */
  activeLeases (pool?: string): LeaseEntry[] {
    return newestFirst([...this.active.values()].filter(l => pool == null || l.pool === pool))
  }

  /**
   * The pool's devices that a new hold may take, ascending: those in no live
   * hold or lease, less as many as live entries without devices have GPUs
   * (the highest go, so that holds keep getting the lowest).
   */
  private freeDevices (pool: string): number[] {
    const taken = new Set<number>()
    let unassigned = 0
    for (const entry of [...this.holds.values(), ...this.active.values()]) {
      if (entry.pool !== pool) continue
      for (const device of entry.devices) taken.add(device)
      unassigned += Math.max(0, entry.gpus - entry.devices.length)
    }
    const free = (this.pools.get(pool) ?? []).filter(d => !taken.has(d))
    return free.slice(0, Math.max(0, free.length - unassigned))
  }

  /** A device in two live entries on disk breaks the invariant; it cannot be mended here, only reported. */
  private reportSharedDevices (): void {
    const owners = new Map<string, string>()
    for (const entry of [...this.holds.values(), ...this.active.values()]) {
      for (const device of entry.devices) {
        const key = `${entry.pool}/${device}`
        const other = owners.get(key)
        if (other != null) this.log.error('a device is in two live entries of the ledger', { pool: entry.pool, device, entries: [other, entry.id] })
        owners.set(key, entry.id)
      }
    }
  }

  private activeLease (leaseId: string): LeaseEntry {
    this.assertOpen()
    const lease = this.active.get(leaseId)
    if (lease == null || this.ending.has(leaseId)) throw new LeaseNotFoundError(`no active lease ${leaseId}`)
    return lease
  }

  /**
   * The GPUs come back only once the ended lease is on disk: freed earlier, a
   * failed write would have to take them back from whoever got them meanwhile.
   * One end per lease at a time (a release racing the expiry sweep shares it).
   */
  private async end (lease: LeaseEntry, status: 'released' | 'expired', endedAt: number, reason?: string): Promise<LeaseEntry> {
    const running = this.ending.get(lease.id)
    if (running != null) return running
    const ended: LeaseEntry = { ...lease, status, endedAt, ...(reason != null ? { reason } : {}) }
    const job = (async () => {
      await this.store.put(LEASE_PREFIX + lease.id, ended, SYNCED)
      this.active.delete(lease.id)
      this.emit({ kind: 'ended', pool: ended.pool, lease: ended })
      return ended
    })().finally(() => { this.ending.delete(lease.id) })
    this.ending.set(lease.id, job)
    return job
  }

  private async sweep (): Promise<void> {
    if (!this.opened) return
    const now = Date.now()
    try {
      for (const hold of [...this.holds.values()]) {
        if (hold.expiresAt <= now && !hold.committing) await this.releaseHold(hold.id)
      }
      for (const lease of [...this.active.values()]) {
        if (lease.end <= now && this.active.get(lease.id) === lease) await this.end(lease, 'expired', lease.end)
      }
      await this.pruneEnded(now)
    } catch (err) {
      this.log.error('ledger sweep failed', { error: (err as Error).message })
    }
  }

  private lastPrune = 0

  /** Ended leases older than the retention go, once an hour at most. */
  private async pruneEnded (now: number): Promise<void> {
    if (now - this.lastPrune < 3600_000) return
    this.lastPrune = now
    const old: string[] = []
    for await (const [key, value] of this.store.iterator({ gte: LEASE_PREFIX, lt: LEASE_PREFIX + '\xff' })) {
      const lease = value as LeaseEntry
      if (lease.status !== 'active' && (lease.endedAt ?? lease.end) < now - ENDED_LEASE_RETENTION_MS) old.push(key)
    }
    if (old.length > 0) await this.store.batch(old.map(key => ({ type: 'del' as const, key })))
  }

  private assertOpen (): void {
    if (!this.opened) throw new LedgerClosedError('the ledger is not open')
  }

  private emit (event: LedgerEvent): void {
    for (const fn of this.listeners) {
      try { fn(event) } catch (err) { this.log.error('ledger listener failed', { error: (err as Error).message }) }
    }
  }
}

function toHold (h: HoldState): Hold {
  return { id: h.id, pool: h.pool, gpus: h.gpus, devices: [...h.devices], expiresAt: h.expiresAt }
}

/** An entry read from disk, with `devices: []` where it was stored without them. */
function withDevices<T extends Hold | LeaseEntry> (stored: Stored<T>): T {
  return { ...stored, devices: stored.devices ?? [] } as T
}

function newestFirst (leases: LeaseEntry[]): LeaseEntry[] {
  return leases.sort((a, b) => b.start - a.start)
}
