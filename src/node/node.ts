/**
 * The composition root: opens the stores, builds libp2p and cpnet's services,
 * and owns their start and stop order. start() and stop() are idempotent.
 */
import type { NodeDb } from './db.ts'
import { LevelDatastore } from 'datastore-level'
import type { PeerId } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'
import type { Config } from '../config/schema.ts'
import type { Logger } from '../log/logger.ts'
import type { OpenRepo } from '../repo/repo.ts'
import { openRepoDbs } from '../repo/databases.ts'
import { defineError } from '../errors.ts'
import { Bootstrapper } from './bootstrap.ts'
import { buildLibp2p, type CpnetLibp2p, type TransportKind } from './libp2p.ts'
import { NodeMetrics } from './metrics.ts'
import { Inventory } from '../inventory/inventory.ts'
import { PoolStore } from '../inventory/store.ts'
import { PriceOverrides } from '../inventory/price-overrides.ts'
import type { CapacitySource } from '../inventory/capacity.ts'
import { Discovery } from '../discovery/service.ts'
import { DHT_NAMESPACE } from '../discovery/constants.ts'
import { offerSelector, offerValidator } from '../discovery/record.ts'
import { SeqFloor } from '../discovery/seq-floor.ts'
import { Ledger } from '../ledger/ledger.ts'
import { LeaseService } from '../lease/service.ts'
import { runEndHooks } from '../lease/provider/end-hook.ts'
import { ledgerCapacity, syncPools } from '../lease/capacity.ts'
import { SeqStore } from '../discovery/seq-store.ts'
import { Pricing } from '../pricing/service.ts'
import { GOSSIP_SCORE_THRESHOLDS, GOSSIP_TOPIC_SCORES } from '../pricing/score.ts'

export type NodeStatus = 'stopped' | 'starting' | 'running' | 'stopping'

export interface CpnetNodeInit {
  repo: OpenRepo
  logger: Logger
  transport?: TransportKind
  processMetrics?: boolean
  /** Free GPUs per pool; the ledger's when absent (tests of discovery and pricing drive their own). */
  capacity?: CapacitySource
}


/** Named like libp2p's own, so the API maps it to -32005 Unavailable. */
export const NodeNotRunningError = defineError('NotStartedError', 'CPNET_NODE_NOT_RUNNING')

export class CpnetNode {
  readonly repo: OpenRepo
  readonly config: Config
  readonly peerId: PeerId
  readonly log: Logger
  readonly metrics?: NodeMetrics
  private readonly init: CpnetNodeInit
  private _status: NodeStatus = 'stopped'
  private _libp2p?: CpnetLibp2p
  private _db?: NodeDb
  private _datastore?: LevelDatastore
  private bootstrapper?: Bootstrapper
  private _inventory?: Inventory
  private _discovery?: Discovery
  private _ledger?: Ledger
  private _leases?: LeaseService
  private unsyncPools?: () => void
  private stopEndHooks?: () => void
  private _pricing?: Pricing
  private seqs?: SeqStore
  /** Outlives restarts of libp2p: the highest offer seq accepted per CPI. */
  private readonly seqFloor = new SeqFloor()
  private startedAt = 0

  constructor (init: CpnetNodeInit) {
    this.init = init
    this.repo = init.repo
    this.config = init.repo.config
    this.peerId = init.repo.peerId
    this.log = init.logger.forComponent('cpnet:node')
    if (this.config.metrics.enabled) {
      this.metrics = new NodeMetrics({
        processMetrics: init.processMetrics ?? false,
        connectedPeers: () => this._libp2p?.getPeers().length ?? 0,
        uptimeSeconds: () => this.uptimeSeconds,
        livePrices: () => this._pricing?.book.list().length ?? 0
      })
    }
  }

  get status (): NodeStatus {
    return this._status
  }

  get libp2p (): CpnetLibp2p {
    return whileRunning(this._libp2p)
  }

  get db (): NodeDb {
    return whileRunning(this._db)
  }

  /** libp2p's datastore (peer store, DHT records and provider records). */
  get datastore (): Datastore {
    return whileRunning(this._datastore)
  }

  get inventory (): Inventory {
    return whileRunning(this._inventory)
  }

  get discovery (): Discovery {
    return whileRunning(this._discovery)
  }

  /** The provider's capacity accounting: holds and leases per pool. */
  get ledger (): Ledger {
    return whileRunning(this._ledger)
  }

  get leases (): LeaseService {
    return whileRunning(this._leases)
  }

  get pricing (): Pricing {
    return whileRunning(this._pricing)
  }

  /** A node with pools offers them; one with neither GPUs nor declared pools is a pure consumer. */
  get role (): 'provider' | 'consumer' {
    return (this._inventory?.list().length ?? 0) > 0 ? 'provider' : 'consumer'
  }

  get uptimeSeconds (): number {
    return this._status === 'running' ? (Date.now() - this.startedAt) / 1000 : 0
  }

  async start (): Promise<void> {
    if (this._status !== 'stopped') return
    this._status = 'starting'
    try {
      // LevelDatastore gets the database opened here: its own open would create a missing one and hide LevelDB's error code
      const dbs = await openRepoDbs(this.repo.layout)
      this._db = dbs.db
      this._datastore = new LevelDatastore(dbs.datastore)
      this._ledger = new Ledger({ db: this._db, log: this.init.logger })
      // before the ledger opens: the leases that ended while the node was down get their end hook too
      this.stopEndHooks = runEndHooks(this._ledger, { config: this.config.lease, log: this.init.logger.forComponent('cpnet:lease:provider') })
      await this._ledger.open()
      // one seq counter per CPI for offers and price updates, so that they never disagree about which is newer
      const seqs = this.seqs = new SeqStore(this._db, this.init.logger)
      this._inventory = new Inventory({
        config: this.config.provider,
        store: new PoolStore(this._db),
        prices: new PriceOverrides(this._db),
        logger: this.init.logger,
        capacity: this.init.capacity ?? ledgerCapacity(this._ledger)
      })
      await this._inventory.start()
      this.unsyncPools = syncPools(this._inventory, this._ledger)
      await this._datastore.open()
      this._libp2p = await buildLibp2p({
        config: this.config,
        privateKey: this.repo.privateKey,
        datastore: this._datastore,
        transport: this.init.transport,
        metricsRegistry: this.metrics?.registry,
        dhtValidators: { [DHT_NAMESPACE]: offerValidator(this.seqFloor) },
        dhtSelectors: { [DHT_NAMESPACE]: offerSelector },
        gossipScoring: { topics: GOSSIP_TOPIC_SCORES, thresholds: GOSSIP_SCORE_THRESHOLDS }
      })
      await this._libp2p.start()
      this.bootstrapper = new Bootstrapper(this._libp2p, this.init.logger, {
        list: this.config.bootstrap,
        intervalMs: this.config.network.bootstrapIntervalSec * 1000,
        minPeers: this.config.network.minPeers
      })
      await this.bootstrapper.start()
      // prices start first, so that their inventory listener runs first: a change goes out on the
      // price topic (the fast path) before the offer's DHT re-publication begins
      const pricing = this._pricing = new Pricing({
        libp2p: this._libp2p,
        privateKey: this.repo.privateKey,
        inventory: this._inventory,
        seqs,
        db: this._db,
        config: this.config.prices,
        maxSubscriptionsPerConnection: this.config.rpc.maxSubscriptionsPerConnection,
        logger: this.init.logger,
        knownOffer: cpi => this._discovery?.knownOffer(cpi),
        onRefused: verdict => { this.metrics?.priceRefused(verdict.result, verdict.reason) }
      })
      pricing.start()
      this._discovery = new Discovery({
        libp2p: this._libp2p,
        privateKey: this.repo.privateKey,
        inventory: this._inventory,
        db: this._db,
        seqs,
        config: this.config.discovery,
        logger: this.init.logger,
        livePrice: verified => pricing.withLivePrice(verified),
        heardProviders: {
          under: key => pricing.providersUnder(key),
          watch: (key, listener) => pricing.watchProviders(key, listener)
        }
      })
      await this._discovery.start()
      this._leases = new LeaseService({
        libp2p: this._libp2p,
        privateKey: this.repo.privateKey,
        inventory: this._inventory,
        ledger: this._ledger,
        search: this._discovery.search,
        db: this._db,
        config: this.config.lease,
        logger: this.init.logger
      })
      await this._leases.start()
      this.startedAt = Date.now()
      this._status = 'running'
      this.log.info('node started', { peerId: this.peerId.toString(), addrs: this._libp2p.getMultiaddrs().map(String) })
    } catch (err) {
      this._status = 'running'
      // the start's own error is the one to report; a failure of the cleanup after it is only logged
      await this.stop().catch(stopErr => { this.log.warn('stopping the parts started failed', { error: (stopErr as Error).message }) })
      throw err
    }
  }

  /**
   * Every step runs, in order, whatever the one before did: a service that
   * fails to stop must not leave the databases open. The first failure is
   * rethrown at the end (an AggregateError when several failed).
   */
  async stop (): Promise<void> {
    if (this._status !== 'running') return
    this._status = 'stopping'
    const errors: unknown[] = []
    const steps: Array<() => unknown> = [
      async () => this._leases?.stop(),
      async () => this._discovery?.stop(),
      async () => this._pricing?.stop(),
      async () => this.bootstrapper?.stop(),
      async () => this._libp2p?.stop(),
      () => this.unsyncPools?.(),
      () => this.stopEndHooks?.(),
      () => this._inventory?.stop(),
      async () => this._ledger?.close(),
      async () => this.seqs?.flush(),
      async () => this._datastore?.close(),
      async () => this._db?.close()
    ]
    for (const step of steps) {
      try {
        await step()
      } catch (err) {
        errors.push(err)
      }
    }
    this._libp2p = undefined
    this._pricing = undefined
    this._discovery = undefined
    this._leases = undefined
    this._ledger = undefined
    this._inventory = undefined
    this._db = undefined
    this.seqs = undefined
    this._datastore = undefined
    this._status = 'stopped'
    if (errors.length === 1) throw errors[0]
    if (errors.length > 1) throw new AggregateError(errors, `the node stopped with ${errors.length} failures: ${errors.map(e => (e as Error).message).join('; ')}`)
  }
}

/** A part that exists only while the node runs. */
function whileRunning<T> (part: T | undefined): T {
  if (part == null) throw new NodeNotRunningError('the node is not running')
  return part
}
