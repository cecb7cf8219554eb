/**
 * Provisioning of the provider's leases: the one place that calls the
 * provisioners (src/provision/), so that every lease gets exactly one start,
 * one stop, and an extend per renewal, whatever ends it.
 *
 * - A grant provisions before the commit (provision()), under a deadline: a
 *   start that fails or hangs is aborted, its leftovers stopped, and the
 *   lease refused.
 * - Every lease the ledger ends (release, expiry, or found ended at start) is
 *   stopped: subscribe before the ledger starts.
 * - reconcile(), after the ledger and the inventory started: whatever a
 *   provisioner holds for a lease that is not live is removed (a provider
 *   killed mid-grant leaves nothing), and a live lease whose account or
 *   container is gone is provisioned again, or reported. A lease of a
 *   provisioner that does not restore (Slurm) whose allocation is gone is
 *   ended with the reason, there and every auditIntervalMs after, when its
 *   leftovers (of leases not live and not in hand) are removed again too.
 * Calls for one lease run one after another, never side by side.
 */
import type { Startable } from '@libp2p/interface'
import { PROVISIONER_KINDS, type ProvisionerKind } from '../../config/pool-schema.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import type { LeaseEntry } from '../../ledger/types.ts'
import type { Logger } from '../../log/logger.ts'
import { ProvisionFailedError, ProvisionNoCapacityError } from '../../provision/errors.ts'
import type { Access, Provisioner, ProvisionLease } from '../../provision/types.ts'
import { provisionedLease, type ProviderLeaseData } from './context.ts'

/** Where a lease's provisioning stands, as provider_leases shows it. */
export const PROVISION_STATES = ['provisioning', 'provisioned', 'restored', 'missing', 'removing', 'removed', 'failed'] as const
/** What is shown for a lease this process holds no state of: live ones were provisioned before it started, ended ones removed. */
export function assumedState (entry: Pick<LeaseEntry, 'status'>): ProvisionState {
  return entry.status === 'active' ? 'provisioned' : 'removed'
}
export type ProvisionState = typeof PROVISION_STATES[number]

/** States of a lease this process is granting (provisioned, not yet committed) or taking down: never a leftover. */
const IN_HAND: ReadonlySet<ProvisionState> = new Set(['provisioning', 'provisioned', 'restored', 'removing'])

/** A count of 0 for each provisioner. */
export function noLeases (): Record<ProvisionerKind, number> {
  return Object.fromEntries(PROVISIONER_KINDS.map(kind => [kind, 0])) as Record<ProvisionerKind, number>
}

/** Why a provisioning step failed: a closed set, for metric labels. */
export const PROVISION_FAILURES = ['start', 'timeout', 'extend', 'stop', 'restore', 'list'] as const
export type ProvisionFailure = typeof PROVISION_FAILURES[number]

/** What the node's metrics hear. */
export interface ProvisioningObserver {
  provisioned: (kind: ProvisionerKind, seconds: number) => void
  failed: (kind: ProvisionerKind, reason: ProvisionFailure) => void
}

export interface ProvisioningComponents {
  ledger: Ledger
  logger: Logger
}

export interface ProvisioningInit {
  provisioners: Readonly<Record<ProvisionerKind, Provisioner>>
  /** How long a start, extend or stop may take before it is aborted. */
  timeoutMs: number
  /** How often leases of provisioners that do not restore are checked for a lost allocation; 0: only at reconcile. */
  auditIntervalMs?: number
  /**
   * Whether a pool hands its leases over with this provisioner now. One that
   * no pool uses and no live lease has is not audited: its host may well lack
   * it (no Slurm). Every provisioner is in use without it.
   */
  offers?: (kind: ProvisionerKind) => boolean
  observer?: ProvisioningObserver
}

export interface LeaseProvisioning {
  kind: ProvisionerKind
  state: ProvisionState
  /** What went wrong last, for a person. */
  error?: string
}

export class Provisioning implements Startable {
  private readonly ledger: Ledger
  private readonly log: Logger
  private readonly init: ProvisioningInit
  private readonly states = new Map<string, LeaseProvisioning>()
  /** The step running for each lease: the next waits for it. */
  private readonly queues = new Map<string, Promise<unknown>>()
  private unsubscribe?: () => void
  private auditTimer?: NodeJS.Timeout
  private auditing?: Promise<void>

  constructor (components: ProvisioningComponents, init: ProvisioningInit) {
    this.ledger = components.ledger
    this.log = components.logger.forComponent('cpnet:lease:provision')
    this.init = init
  }

  start (): void {
    if (this.unsubscribe != null) return
    this.unsubscribe = this.ledger.onChange(event => {
      if (event.kind !== 'ended' || event.lease == null) return
      const lease = provisionedLease(event.lease)
      if (lease == null) return
      this.remove(lease.kind, lease.lease).catch(() => {}) // logged and counted inside
    })
  }

  /** Waits for the steps in flight (each bounded by the timeout). */
  async stop (): Promise<void> {
    this.unsubscribe?.()
    this.unsubscribe = undefined
    clearInterval(this.auditTimer)
    this.auditTimer = undefined
    await this.auditing
    await Promise.allSettled([...this.queues.values()])
  }

  /** How a lease's provisioning stands, when this process knows. */
  stateOf (leaseId: string): LeaseProvisioning | undefined {
    const state = this.states.get(leaseId)
    return state == null ? undefined : { ...state }
  }

  /** Leases in the `provisioned` or `restored` state, by provisioner. */
  counts (): Record<ProvisionerKind, number> {
    const counts = noLeases()
    for (const s of this.states.values()) if (s.state === 'provisioned' || s.state === 'restored') counts[s.kind]++
    return counts
  }

  /**
   * Starts the lease's access. On failure or timeout what was started is
   * stopped again before the ProvisionFailedError (saying why) is thrown.
   */
  async provision (kind: ProvisionerKind, lease: ProvisionLease): Promise<Access> {
    return this.serial(lease.leaseId, async () => {
      this.set(lease.leaseId, kind, 'provisioning')
      const began = Date.now()
      try {
        const access = await this.bounded(signal => this.provisioner(kind).start(lease, signal), `start of lease ${lease.leaseId}`)
        this.set(lease.leaseId, kind, 'provisioned')
        this.init.observer?.provisioned(kind, (Date.now() - began) / 1000)
        return access
      } catch (err) {
        const timedOut = err instanceof ProvisionTimeoutError
        this.init.observer?.failed(kind, timedOut ? 'timeout' : 'start')
        this.set(lease.leaseId, kind, 'failed', (err as Error).message)
        await this.stopQuietly(kind, lease)
        // a scheduler's refusal stays one: the lease is refused NO_CAPACITY, not START_FAILED
        throw err instanceof ProvisionFailedError || err instanceof ProvisionNoCapacityError ? err : new ProvisionFailedError((err as Error).message, { cause: err })
      }
    })
  }

  /** Moves the access's expiry to lease.end (a renewal); throws ProvisionFailedError when it cannot. */
  async extend (kind: ProvisionerKind, lease: ProvisionLease): Promise<Access> {
    return this.serial(lease.leaseId, async () => {
      try {
        return await this.bounded(signal => this.provisioner(kind).extend(lease, signal), `extension of lease ${lease.leaseId}`)
      } catch (err) {
        this.init.observer?.failed(kind, 'extend')
        throw err instanceof ProvisionFailedError ? err : new ProvisionFailedError((err as Error).message, { cause: err })
      }
    })
  }

  /** Takes the lease's access away (an ended lease, or a grant that did not commit). Logged when it fails. */
  async remove (kind: ProvisionerKind, lease: ProvisionLease): Promise<void> {
    return this.serial(lease.leaseId, async () => {
      this.set(lease.leaseId, kind, 'removing')
      // an ended lease with no state is shown removed: the map keeps only leases that may still change
      if (await this.stopQuietly(kind, lease)) this.states.delete(lease.leaseId)
    })
  }

  /**
   * Brings what the provisioners hold in line with the ledger: leftovers of
   * leases that are not live are removed; a live lease whose access is gone
   * is started again (its access may change: a new port, a new host key).
   */
  async reconcile (): Promise<void> {
    const live = new Map<string, { kind: ProvisionerKind, lease: ProvisionLease, entry: LeaseEntry }>()
    for (const entry of await this.ledger.listLeases({ activeOnly: true })) {
      const provisioned = provisionedLease(entry)
      if (provisioned != null) live.set(entry.id, { ...provisioned, entry })
    }
    for (const [kind, provisioner] of Object.entries(this.init.provisioners) as Array<[ProvisionerKind, Provisioner]>) {
      let held: string[]
      try {
        held = await this.bounded(signal => provisioner.provisioned(signal), `listing of the ${kind} provisioner`)
      } catch (err) {
        // a provisioner no pool uses may well be unavailable here (no sshd, no podman)
        if ([...live.values()].some(l => l.kind === kind)) {
          this.init.observer?.failed(kind, 'list')
          this.log.warn('cannot list what a provisioner holds; its leases are not reconciled', { provisioner: kind, error: (err as Error).message })
        }
        continue
      }
      const heldSet = new Set(held)
      for (const leaseId of held) {
        if (live.get(leaseId)?.kind === kind) continue
        this.log.info('removing what was provisioned for a lease that is not live', { provisioner: kind, lease: leaseId })
        await this.serial(leaseId, async () => { await this.stopQuietly(kind, undefined, leaseId) })
      }
      for (const { kind: leaseKind, lease, entry } of live.values()) {
        if (leaseKind !== kind) continue
        // a hook's work is invisible to the daemon: it is neither listed nor restored; a
        // provisioner that does not restore has its lost leases ended by audit()
        if (kind === 'hook' || heldSet.has(lease.leaseId) || provisioner.restores === false) {
          this.set(lease.leaseId, kind, 'provisioned')
          continue
        }
        await this.restore(kind, lease, entry)
      }
    }
    await this.audit()
    const every = this.init.auditIntervalMs ?? 0
    if (every > 0 && this.unsubscribe != null && this.auditTimer == null && this.nonRestoring().length > 0) {
      this.auditTimer = setInterval(() => { this.auditing ??= this.audit().finally(() => { this.auditing = undefined }) }, every)
      this.auditTimer.unref()
    }
  }

  /** The provisioners whose lost allocations end their leases. */
  private nonRestoring (): Array<[ProvisionerKind, Provisioner]> {
    return (Object.entries(this.init.provisioners) as Array<[ProvisionerKind, Provisioner]>).filter(([, p]) => p.restores === false && p.allocated != null)
  }

  /** For each provisioner that does not restore: ends the leases that lost their allocation, then removes leftovers. */
  private async audit (): Promise<void> {
    for (const [kind, provisioner] of this.nonRestoring()) {
      const used = (this.init.offers?.(kind) ?? true) || this.ledger.activeLeases().some(entry => provisionedLease(entry)?.kind === kind)
      if (!used) continue
      await this.endLost(kind, provisioner)
      await this.removeLeftovers(kind, provisioner)
    }
  }

  /**
   * Removes what the provisioner holds for leases that are not live and that
   * this process is not granting or removing now: a stop that failed before
   * is tried again, and what another process left is taken away while the
   * node runs, not only at start-up.
   */
  private async removeLeftovers (kind: ProvisionerKind, provisioner: Provisioner): Promise<void> {
    let held: string[]
    try {
      held = await this.bounded(signal => provisioner.provisioned(signal), `listing of the ${kind} provisioner`)
    } catch (err) {
      this.init.observer?.failed(kind, 'list')
      this.log.warn('cannot list what a provisioner holds; its leftovers stay for now', { provisioner: kind, error: (err as Error).message })
      return
    }
    const unclaimed = (leaseId: string): boolean => {
      const state = this.states.get(leaseId)?.state
      return this.ledger.activeLeases().every(entry => entry.id !== leaseId) && (state == null || !IN_HAND.has(state))
    }
    for (const leaseId of held.filter(id => unclaimed(id) && !this.queues.has(id))) {
      await this.serial(leaseId, async () => {
        // committed or taken in hand while the others were removed: not a leftover any more
        if (!unclaimed(leaseId)) return
        this.log.info('removing what was provisioned for a lease that is not live', { provisioner: kind, lease: leaseId })
        if (await this.stopQuietly(kind, undefined, leaseId)) this.states.delete(leaseId)
      })
    }
  }

  /**
   * Ends the live leases whose allocation is gone (a Slurm job cancelled by
   * an operator, its node failed). Only leases live before the listing began
   * and with no step in flight are judged: a lease is committed only after
   * its allocation exists, so such a lease missing from the list lost it.
   */
  private async endLost (kind: ProvisionerKind, provisioner: Provisioner): Promise<void> {
    const judged = this.ledger.activeLeases().filter(entry => provisionedLease(entry)?.kind === kind && !this.queues.has(entry.id))
    if (judged.length === 0) return
    let held: Set<string>
    try {
      held = new Set(await this.bounded(signal => (provisioner.allocated as NonNullable<Provisioner['allocated']>)(signal), `listing of the ${kind} allocations`))
    } catch (err) {
      this.init.observer?.failed(kind, 'list')
      this.log.warn('cannot list a provisioner\'s allocations; its leases are not checked', { provisioner: kind, error: (err as Error).message })
      return
    }
    for (const entry of judged) {
      if (held.has(entry.id) || this.queues.has(entry.id)) continue
      const reason = `its ${kind} allocation is gone (cancelled or failed outside cpnet)`
      try {
        // the end takes its access away too (the ledger's ended event)
        await this.ledger.release(entry.id, reason)
        this.log.error('a live lease lost its allocation; it is ended', { provisioner: kind, lease: entry.id })
      } catch (err) {
        // it ended meanwhile (released, expired): nothing left to do
        this.log.debug('the lease ended before its lost allocation could end it', { lease: entry.id, error: (err as Error).message })
      }
    }
  }

  private async restore (kind: ProvisionerKind, lease: ProvisionLease, entry: LeaseEntry): Promise<void> {
    await this.serial(lease.leaseId, async () => {
      try {
        const access = await this.bounded(signal => this.provisioner(kind).start(lease, signal), `restoring lease ${lease.leaseId}`)
        const data = entry.data as ProviderLeaseData
        await this.ledger.renew(entry.id, entry.end, { ...data, access })
        this.set(lease.leaseId, kind, 'restored')
        this.log.warn('a live lease had lost its access; provisioned it again', { provisioner: kind, lease: lease.leaseId })
      } catch (err) {
        this.init.observer?.failed(kind, 'restore')
        this.set(lease.leaseId, kind, 'missing', (err as Error).message)
        this.log.error('a live lease has lost its access and could not be provisioned again', { provisioner: kind, lease: lease.leaseId, error: (err as Error).message })
      }
    })
  }

  /** Stops, logging a failure instead of throwing it; true when it worked. */
  private async stopQuietly (kind: ProvisionerKind, lease: ProvisionLease | undefined, leaseId = lease?.leaseId ?? ''): Promise<boolean> {
    try {
      await this.bounded(signal => this.provisioner(kind).stop(leaseId, signal, lease), `removal of lease ${leaseId}`)
      return true
    } catch (err) {
      this.init.observer?.failed(kind, 'stop')
      this.set(leaseId, kind, 'failed', (err as Error).message)
      this.log.error('could not remove what was provisioned for a lease', { provisioner: kind, lease: leaseId, error: (err as Error).message })
      return false
    }
  }

  private provisioner (kind: ProvisionerKind): Provisioner {
    return this.init.provisioners[kind]
  }

  /** Runs a step with an AbortSignal that fires at the deadline; a step that does not heed it still gives up then. */
  private async bounded<T> (step: (signal: AbortSignal) => Promise<T>, what: string): Promise<T> {
    const controller = new AbortController()
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        controller.abort()
        reject(new ProvisionTimeoutError(`the ${what} took longer than ${this.init.timeoutMs} ms and was stopped`))
      }, this.init.timeoutMs)
    })
    try {
      return await Promise.race([step(controller.signal), deadline])
    } finally {
      clearTimeout(timer)
    }
  }

  private async serial<T> (leaseId: string, step: () => Promise<T>): Promise<T> {
    const before = this.queues.get(leaseId) ?? Promise.resolve()
    const run = before.catch(() => {}).then(step)
    const settled = run.catch(() => {})
    this.queues.set(leaseId, settled)
    void settled.then(() => { if (this.queues.get(leaseId) === settled) this.queues.delete(leaseId) })
    return run
  }

  private set (leaseId: string, kind: ProvisionerKind, state: ProvisionState, error?: string): void {
    this.states.set(leaseId, { kind, state, ...(error != null ? { error } : {}) })
  }
}

class ProvisionTimeoutError extends ProvisionFailedError {}
