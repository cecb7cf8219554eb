/**
 * The composition root: opens the stores, builds libp2p and cpnet's services,
 * each given the components it needs, and owns their start and stop order
 * (`build`). start() and stop() are idempotent.
 */
import type { NodeDb } from '../host/db.ts'
import { LevelDatastore } from 'datastore-level'
import type { PeerId } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'
import type { Config } from '../config/schema.ts'
import type { Logger } from '../log/logger.ts'
import type { OpenRepo } from '../repo/repo.ts'
import { openRepoDbs } from '../repo/databases.ts'
import { ErrorCode } from '../error-codes.ts'
import { defineError } from '../errors.ts'
import { Bootstrapper } from '../host/bootstrap.ts'
import { startParts, stopParts, type NamedPart, type NodeStatus } from '../host/lifecycle.ts'
import { buildLibp2p, type CpnetLibp2p, type TransportKind } from '../host/libp2p.ts'
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
import { noLeases, Provisioning } from '../lease/provider/provisioning.ts'
import { buildProvisioners, slurmCluster } from './provisioners.ts'
import { ledgerCapacity, PoolSync } from '../lease/capacity.ts'
import { SeqStore } from '../discovery/seq-store.ts'
import { Pricing } from '../pricing/service.ts'
import { GOSSIP_SCORE_THRESHOLDS, GOSSIP_TOPIC_SCORES } from '../pricing/score.ts'

export interface CpnetNodeInit {
  repo: OpenRepo
  logger: Logger
  transport?: TransportKind
  processMetrics?: boolean
  /** Free GPUs per pool; the ledger's when absent (tests of discovery and pricing drive their own). */
  capacity?: CapacitySource
}


/** The node is not started, or is stopping: -32005 Unavailable to an RPC caller. */
export const NodeNotRunningError = defineError('NodeNotRunningError', 'CPNET_NODE_NOT_RUNNING', ErrorCode.UNAVAILABLE)

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
  private _inventory?: Inventory
  private _discovery?: Discovery
  private _ledger?: Ledger
  private _leases?: LeaseService
  private _pricing?: Pricing
  private _provisioning?: Provisioning
  /** The parts in start order, while the node runs. */
  private parts: NamedPart[] = []
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
        livePrices: () => this._pricing?.book.list().length ?? 0,
        provisionedLeases: () => this._provisioning?.counts() ?? noLeases()
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

  /** Where each provider lease's access stands. */
  get provisioning (): Provisioning {
    return whileRunning(this._provisioning)
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
      await this.openStores()
      this.parts = await this.build()
      await startParts(this.parts, err => { this.log.warn('stopping the parts started failed', { error: (err as Error).message }) })
    } catch (err) {
      // the start's own error is the one to report; a failure of the cleanup after it is only logged
      this.parts = []
      await this.closeStores().catch(closeErr => { this.log.warn('closing the databases failed', { error: (closeErr as Error).message }) })
      this.forget()
      this._status = 'stopped'
      throw err
    }
    this.startedAt = Date.now()
    this._status = 'running'
    this.log.info('node started', { peerId: this.peerId.toString(), addrs: this.libp2p.getMultiaddrs().map(String) })
  }

  /**
   * The parts stop in the reverse of their start order, each whatever the one
   * before did, then the databases close: a service that fails to stop must
   * not leave them open. The first failure is rethrown at the end (an
   * AggregateError when several failed).
   */
  async stop (): Promise<void> {
    if (this._status !== 'running') return
    this._status = 'stopping'
    const errors: unknown[] = []
    await stopParts(this.parts).catch(err => { errors.push(err) })
    await this.closeStores().catch(err => { errors.push(err) })
    this.parts = []
    this.forget()
    this._status = 'stopped'
    if (errors.length === 1) throw errors[0]
    if (errors.length > 1) throw new AggregateError(errors, `the node stopped with ${errors.length} failures: ${errors.map(e => (e as Error).message).join('; ')}`)
  }

  /** Both databases, opened before anything is built on them. */
  private async openStores (): Promise<void> {
    // LevelDatastore gets the database opened here: its own open would create a missing one and hide LevelDB's error code
    const dbs = await openRepoDbs(this.repo.layout)
    this._db = dbs.db
    this._datastore = new LevelDatastore(dbs.datastore)
    await this._datastore.open()
  }

  private async closeStores (): Promise<void> {
    const errors: unknown[] = []
    await this._datastore?.close().catch(err => { errors.push(err) })
    await this._db?.close().catch(err => { errors.push(err) })
    if (errors.length > 0) throw errors[0]
  }

  /**
   * Builds every part on the open databases and returns them in start order,
   * the one place that order is written (docs/ARCHITECTURE.md explains it):
   * - provisioning before the ledger, so that the leases that ended while
   *   the node was down are taken down when the ledger starts;
   * - the ledger before the inventory, whose free capacity it is, and the
   *   pool sync after both; then the provisioners are reconciled with the
   *   live leases (leftovers removed, lost access restored) before anything
   *   serves;
   * - libp2p, then the bootstrapper that keeps it connected;
   * - prices before discovery, so that their inventory listener runs first: a
   *   change goes out on the price topic (the fast path) before the offer's
   *   DHT re-publication begins;
   * - leases last: they serve what the others publish.
   * The seq store comes first so that it stops last, after everything that
   * allocates seqs, and its pending writes finish before the database closes.
   */
  private async build (): Promise<NamedPart[]> {
    const { config, init } = this
    const logger = init.logger
    const db = this.db
    const privateKey = this.repo.privateKey
    // one seq counter per CPI for offers and price updates, so that they never disagree about which is newer
    const seqs = new SeqStore({ db, logger })
    const ledger = this._ledger = new Ledger({ db, logger })
    // one view of the Slurm cluster for the pools it sizes and the leases it allocates
    const slurm = slurmCluster(config)
    const provisioning = this._provisioning = new Provisioning({ ledger, logger }, {
      provisioners: buildProvisioners(config.lease, { stateDir: this.repo.layout.provision, logger, slurm }),
      timeoutMs: config.lease.provisionTimeoutSec * 1000,
      // a Slurm job cancelled outside cpnet ends its lease within one refresh of the cluster
      auditIntervalMs: config.provider.slurm.refreshSec * 1000,
      offers: kind => this._inventory?.list().some(pool => pool.provisioner === kind) ?? false,
      observer: this.metrics
    })
    const inventory = this._inventory = new Inventory(
      { store: new PoolStore(db), prices: new PriceOverrides(db), logger, capacity: init.capacity ?? ledgerCapacity(ledger), slurm },
      { config: config.provider }
    )
    const libp2p = this._libp2p = await buildLibp2p({
      config,
      privateKey,
      datastore: this.datastore,
      transport: init.transport,
      metricsRegistry: this.metrics?.registry,
      dhtValidators: { [DHT_NAMESPACE]: offerValidator(this.seqFloor) },
      dhtSelectors: { [DHT_NAMESPACE]: offerSelector },
      gossipScoring: { topics: GOSSIP_TOPIC_SCORES, thresholds: GOSSIP_SCORE_THRESHOLDS }
    })
    const bootstrapper = new Bootstrapper({ libp2p, logger }, {
      list: config.bootstrap,
      intervalMs: config.network.bootstrapIntervalSec * 1000,
      minPeers: config.network.minPeers
    })
    const pricing: Pricing = this._pricing = new Pricing({ libp2p, privateKey, inventory, seqs, db, logger }, {
      config: config.prices,
      maxSubscriptionsPerConnection: config.rpc.maxSubscriptionsPerConnection,
      knownOffer: (cpi: string) => discovery.knownOffer(cpi),
      onRefused: verdict => { this.metrics?.priceRefused(verdict.result, verdict.reason) }
    })
    const discovery: Discovery = this._discovery = new Discovery({ libp2p, privateKey, inventory, db, seqs, logger }, {
      config: config.discovery,
      livePrice: verified => pricing.withLivePrice(verified),
      heardProviders: {
        under: key => pricing.providersUnder(key),
        watch: (key, listener) => pricing.watchProviders(key, listener)
      }
    })
    this._leases = new LeaseService(
      { peerId: this.peerId, privateKey, network: libp2p, inventory, ledger, provisioning, search: discovery.search, db, logger },
      { config: config.lease }
    )
    return [
      { name: 'seq store', part: seqs },
      { name: 'provisioning', part: provisioning },
      { name: 'ledger', part: ledger },
      { name: 'inventory', part: inventory },
      { name: 'pool sync', part: new PoolSync({ inventory, ledger, logger }) },
      { name: 'provisioning reconcile', part: { start: async () => { await provisioning.reconcile() }, stop: () => {} } },
      { name: 'libp2p', part: libp2p },
      { name: 'bootstrapper', part: bootstrapper },
      { name: 'prices', part: pricing },
      { name: 'discovery', part: discovery },
      { name: 'leases', part: this._leases }
    ]
  }

  /** Drops every part, so that the getters say the node is not running. */
  private forget (): void {
    this._libp2p = undefined
    this._pricing = undefined
    this._provisioning = undefined
    this._discovery = undefined
    this._leases = undefined
    this._ledger = undefined
    this._inventory = undefined
    this._db = undefined
    this._datastore = undefined
  }
}

/** A part that exists only while the node runs. */
function whileRunning<T> (part: T | undefined): T {
  if (part == null) throw new NodeNotRunningError('the node is not running')
  return part
}
