/**
 * Leases need no libp2p node: a provider's and a consumer's LeaseService,
 * each on its own LevelDB, wired by libp2p's stream pairs (real streams with
 * real backpressure and close semantics, no transport, no muxer, no peer
 * store), negotiate, renew and release a lease end to end.
 */
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { AbortOptions, PeerId, PrivateKey, Stream } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { streamPair } from '@libp2p/utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readDefaults } from '../../src/config/load.ts'
import type { NodeDb } from '../../src/host/db.ts'
import { formatCpi } from '../../src/identity/cpi.ts'
import { Inventory } from '../../src/inventory/inventory.ts'
import { PriceOverrides } from '../../src/inventory/price-overrides.ts'
import { PoolStore } from '../../src/inventory/store.ts'
import { ledgerCapacity, PoolSync } from '../../src/lease/capacity.ts'
import type { LeaseNetwork, LeaseStreamHandler } from '../../src/lease/network.ts'
import { Provisioning } from '../../src/lease/provider/provisioning.ts'
import { LeaseService } from '../../src/lease/service.ts'
import { Ledger } from '../../src/ledger/ledger.ts'
import { silentLogger } from '../../src/log/logger.ts'
import { buildProvisioners, slurmCluster } from '../../src/node/provisioners.ts'
import { openTestDb, tempDir } from '../helpers/daemons.ts'

/** Peers that reach each other's lease handlers through stream pairs. */
class StreamPairNetwork {
  private readonly handlers = new Map<string, LeaseStreamHandler>()
  private readonly serving = new Set<Promise<void>>()

  /** Resolves once every stream handled so far is done with (before the services and their databases stop). */
  async settled (): Promise<void> {
    await Promise.allSettled([...this.serving])
  }

  /** The network as one peer sees it: its handlers, and streams it dials. */
  peer (self: PeerId): LeaseNetwork {
    const key = (peer: PeerId, protocol: string): string => `${peer.toString()} ${protocol}`
    return {
      handle: async (protocol, handler) => { this.handlers.set(key(self, protocol), handler) },
      unhandle: async protocol => { this.handlers.delete(key(self, protocol)) },
      dialProtocol: async (peer: PeerId, protocol: string, options?: AbortOptions): Promise<Stream> => {
        options?.signal?.throwIfAborted()
        const handler = this.handlers.get(key(peer, protocol))
        if (handler == null) throw new Error(`${peer.toString()} does not handle ${protocol}`)
        const [outbound, inbound] = await streamPair({ protocol })
        const serving = Promise.resolve(handler(inbound, { remotePeer: self })).finally(() => { this.serving.delete(serving) })
        this.serving.add(serving)
        return outbound
      }
    }
  }
}

interface Side {
  key: PrivateKey
  peerId: PeerId
  db: NodeDb
  ledger: Ledger
  inventory: Inventory
  leases: LeaseService
  stop: () => Promise<void>
}

const POOL = { name: 'h100', model: 'NVIDIA H100 80GB HBM3', gpus: 4, gpuMemoryMib: 81_559, price: { microsPerGpuHour: 2_000_000, currency: 'USD' } }

async function side (dir: string, network: StreamPairNetwork, pools: typeof POOL[]): Promise<Side> {
  const config = readDefaults()
  const key = await generateKeyPair('Ed25519')
  const peerId = peerIdFromPrivateKey(key)
  const logger = silentLogger()
  const db: NodeDb = await openTestDb(dir)
  const ledger = new Ledger({ db, logger })
  const inventory = new Inventory(
    { store: new PoolStore(db), prices: new PriceOverrides(db), logger, capacity: ledgerCapacity(ledger) },
    { config: { ...config.provider, detectGpus: false, pools } }
  )
  const poolSync = new PoolSync({ inventory, ledger, logger })
  const provisioning = new Provisioning({ ledger, logger }, {
    provisioners: buildProvisioners(config.lease, { stateDir: join(dir, 'provision'), logger, slurm: slurmCluster(config) }),
    timeoutMs: config.lease.provisionTimeoutSec * 1000
  })
  const leases = new LeaseService(
    { peerId, privateKey: key, network: network.peer(peerId), inventory, ledger, provisioning, search: { search: async () => { throw new Error('no search here') } }, db, logger },
    { config: config.lease }
  )
  const parts = [provisioning, ledger, inventory, poolSync, leases]
  const stop = async (): Promise<void> => {
    try {
      for (const part of [...parts].reverse()) await part.stop()
    } finally {
      await db.close()
    }
  }
  try {
    for (const part of parts) await part.start()
  } catch (err) {
    await stop()
    throw err
  }
  return {
    key,
    peerId,
    db,
    ledger,
    inventory,
    leases,
    stop
  }
}

describe('leases without a libp2p node', () => {
  let dir: ReturnType<typeof tempDir>
  let network: StreamPairNetwork
  let provider: Side | undefined
  let consumer: Side | undefined

  beforeEach(async () => {
    dir = tempDir()
    network = new StreamPairNetwork()
    provider = await side(join(dir.path, 'provider'), network, [POOL])
    consumer = await side(join(dir.path, 'consumer'), network, [])
  })

  afterEach(async () => {
    try {
      await network.settled()
      await Promise.allSettled([consumer?.stop(), provider?.stop()])
    } finally {
      provider = consumer = undefined
      dir.remove()
    }
  })

  it('negotiates, renews and releases a lease over stream pairs', async () => {
    if (provider == null || consumer == null) throw new Error('the two sides did not start')
    const cpi = formatCpi(provider.peerId, POOL.name)
    const lease = await consumer.leases.request({ cpi, gpus: 3, durationSec: 600, maxMicros: 2_000_000n, currency: 'USD' })
    expect(lease.status).toBe('active')
    expect(provider.ledger.usage(POOL.name)).toMatchObject({ total: 4, leased: 3, free: 1 })
    const [granted] = await provider.leases.providerLeases(true)
    expect(granted?.id).toBe(lease.leaseId)

    const renewed = await consumer.leases.renew(lease.leaseId, 300)
    expect(renewed.status).toBe('active')
    expect((await provider.ledger.getLease(lease.leaseId))?.end).toBe((granted?.end ?? 0) + 300_000)

    const released = await consumer.leases.release(lease.leaseId)
    expect(released.status).toBe('released')
    expect(provider.ledger.usage(POOL.name)).toMatchObject({ leased: 0, free: 4 })
  })
})
