/**
 * Leases for one node: the provider's handler of /cpnet/lease/1.0.0 (backed by
 * the ledger), and the consumer's operations with their own record and a
 * reconciler that keeps asking about leases accepted but not yet confirmed.
 */
import type { PeerId, PrivateKey, Startable } from '@libp2p/interface'
import type { Config } from '../config/schema.ts'
import type { OfferSearch } from '../discovery/search.ts'
import type { Inventory } from '../inventory/inventory.ts'
import type { Ledger } from '../ledger/ledger.ts'
import type { LeaseEntry } from '../ledger/types.ts'
import type { Logger } from '../log/logger.ts'
import type { NodeDb } from '../host/db.ts'
import { formatPrice } from '../units/price.ts'
import { LEASE_MAX_INBOUND_STREAMS, LEASE_MAX_OUTBOUND_STREAMS, LEASE_PROTOCOL } from './constants.ts'
import type { ConsumerContext } from './consumer/context.ts'
import { releaseLease, renewLease } from './consumer/operations.ts'
import { queryLease } from './consumer/query.ts'
import { requestLease, type LeaseAsk } from './consumer/request.ts'
import { ConsumerLeaseStore, type ConsumerLease } from './consumer/store.ts'
import type { LeaseNetwork } from './network.ts'
import { LeaseFailedError, LeaseRejectedError, LeaseStreamError, LeaseTimeoutError, LeaseUnknownError, NoMatchingOfferError } from './errors.ts'
import type { ProviderContext } from './provider/context.ts'
import { leaseHandler } from './provider/handler.ts'
import { assumedState, type Provisioning } from './provider/provisioning.ts'
import { provisionedLease } from './provider/context.ts'
import type { ProviderLeaseExtras } from './view.ts'

/** What leases stand on; a libp2p node is the network, but any LeaseNetwork will do. */
export interface LeaseServiceComponents {
  peerId: PeerId
  privateKey: PrivateKey
  network: LeaseNetwork
  inventory: Inventory
  ledger: Ledger
  /** Hands the provider's leases over and takes them back (a part of its own, started before the ledger). */
  provisioning: Provisioning
  /** Leasing by filter searches first. */
  search: Pick<OfferSearch, 'search'>
  db: NodeDb
  logger: Logger
}

export interface LeaseServiceInit {
  config: Config['lease']
}

/** A lease request by filter: the cheapest matching offers are tried in turn. */
export interface FilterAsk extends Omit<LeaseAsk, 'cpi'> {
  filter: string
  /** Offers tried at most before giving up. */
  attempts: number
}

export interface FilterOutcome {
  lease: ConsumerLease
  /** The offers passed over first, and why (refused, unreachable, or accepted and then not granted). */
  refusals: Array<{ cpi: string, reason: string }>
}

export class LeaseService implements Startable {
  readonly store: ConsumerLeaseStore
  private readonly components: LeaseServiceComponents
  private readonly config: Config['lease']
  private readonly provider: ProviderContext
  private readonly consumer: ConsumerContext
  private readonly log: Logger
  private reconciler?: NodeJS.Timeout
  private reconciling?: Promise<void>

  constructor (components: LeaseServiceComponents, init: LeaseServiceInit) {
    this.components = components
    this.config = init.config
    this.log = components.logger.forComponent('cpnet:lease')
    this.store = new ConsumerLeaseStore(components.db)
    this.provider = {
      self: components.peerId,
      privateKey: components.privateKey,
      inventory: components.inventory,
      ledger: components.ledger,
      config: init.config,
      log: components.logger.forComponent('cpnet:lease:provider'),
      provisioning: components.provisioning,
      negotiations: new Set()
    }
    this.consumer = {
      network: components.network,
      self: components.peerId,
      privateKey: components.privateKey,
      store: this.store,
      log: components.logger.forComponent('cpnet:lease:consumer'),
      stepTimeoutMs: init.config.stepTimeoutSec * 1000,
      grantTimeoutMs: init.config.grantTimeoutSec * 1000
    }
  }

  async start (): Promise<void> {
    if (this.reconciler != null) return
    await this.components.network.handle(LEASE_PROTOCOL, leaseHandler(this.provider), {
      maxInboundStreams: LEASE_MAX_INBOUND_STREAMS,
      maxOutboundStreams: LEASE_MAX_OUTBOUND_STREAMS
    })
    this.reconciler = setInterval(() => { this.reconcile() }, this.config.reconcileIntervalSec * 1000)
    this.reconciler.unref()
    this.reconcile()
  }

  async stop (): Promise<void> {
    if (this.reconciler == null) return
    clearInterval(this.reconciler)
    this.reconciler = undefined
    await this.reconciling
    await this.components.network.unhandle(LEASE_PROTOCOL)
  }

  async request (ask: LeaseAsk): Promise<ConsumerLease> {
    return requestLease(this.consumer, ask)
  }

  /** Searches, then tries the matching offers of other nodes cheapest first, falling back to the next on a refusal. */
  async requestByFilter (ask: FilterAsk): Promise<FilterOutcome> {
    // room for this node's own offers, which are left out below
    const limit = ask.attempts * 4 + this.components.inventory.list().length
    const { offers } = await this.components.search.search({ filter: ask.filter, sort: 'price', limit })
    const candidates = offers.filter(hit => {
      const o = hit.verified.offer
      // a node never leases from itself: its own offers are shown by search, never tried here
      return hit.local !== true && (o.resource?.availableGpus ?? 0) >= ask.gpus && o.price?.currency === ask.currency && (o.price?.microsPerGpuHour ?? 0n) <= ask.maxMicros
    }).slice(0, ask.attempts)
    if (candidates.length === 0) {
      throw new NoMatchingOfferError(`no offer of another node matches "${ask.filter}" with ${ask.gpus} free GPUs at ${formatPrice(ask.maxMicros, ask.currency)} or less`)
    }
    const refusals: FilterOutcome['refusals'] = []
    let lastReject: LeaseRejectedError | undefined
    let lastNotGranted: InstanceType<typeof LeaseFailedError> | undefined
    let lastFailure: Error | undefined
    for (const hit of candidates) {
      const cpi = hit.verified.offer.cpi
      try {
        return { lease: await requestLease(this.consumer, { ...ask, cpi }), refusals }
      } catch (err) {
        // no lease exists there, so the next offer is tried: a refusal, a provider that could not be reached
        // before the Accept, or one that said after the Accept that it holds no lease (failed). An unconfirmed
        // lease (-32011) ends the request: it may exist, and a second one would be leased beside it.
        if (err instanceof LeaseRejectedError) lastReject = err
        else if (err instanceof LeaseFailedError) lastNotGranted = err
        else if (err instanceof LeaseStreamError || err instanceof LeaseTimeoutError) lastFailure = err
        else throw err
        refusals.push({ cpi, reason: err.message })
      }
    }
    const summary = refusals.map(r => `${r.cpi}: ${r.reason}`).join('; ')
    if (lastReject != null) throw new LeaseRejectedError(lastReject.reason, `every matching offer refused or could not be reached: ${summary}`)
    if (lastNotGranted != null) throw new LeaseFailedError(`no matching offer granted a lease: ${summary}`, { details: lastNotGranted.details })
    throw lastFailure instanceof LeaseTimeoutError
      ? new LeaseTimeoutError(`no matching provider answered: ${summary}`)
      : new LeaseStreamError(`no matching provider could be reached: ${summary}`)
  }

  async get (leaseId: string): Promise<ConsumerLease> {
    const record = await this.store.get(leaseId)
    if (record == null) throw new LeaseUnknownError(`no lease ${leaseId} on this node`)
    return record
  }

  async list (): Promise<ConsumerLease[]> {
    return this.store.list()
  }

  async renew (leaseId: string, extendSec: number): Promise<ConsumerLease> {
    return renewLease(this.consumer, await this.get(leaseId), extendSec)
  }

  async release (leaseId: string): Promise<ConsumerLease> {
    return releaseLease(this.consumer, await this.get(leaseId))
  }

  async providerLeases (activeOnly: boolean): Promise<LeaseEntry[]> {
    return this.components.ledger.listLeases({ activeOnly })
  }

  /** What a provider lease's view shows beside its entry: where its access stands, and devices gone from its pool. */
  providerExtras (entry: LeaseEntry): ProviderLeaseExtras {
    const provisioned = provisionedLease(entry)
    if (provisioned == null) return {}
    const provisioning = this.components.provisioning.stateOf(entry.id) ?? { kind: provisioned.kind, state: assumedState(entry) }
    return { provisioning, missingDevices: entry.status === 'active' ? this.components.ledger.missingDevices(entry.id) : [] }
  }

  /** Asks about every pending lease once; a round runs at most once at a time. */
  private reconcile (): void {
    if (this.reconciling != null) return
    this.reconciling = (async () => {
      for (const record of await this.store.list()) {
        if (record.status !== 'pending' || this.reconciler == null) continue
        await queryLease(this.consumer, record).catch(err => {
          this.log.debug('pending lease still unconfirmed', { lease: record.leaseId, error: (err as Error).message })
        })
      }
    })().finally(() => { this.reconciling = undefined })
  }
}
