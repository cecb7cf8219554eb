/**
 * Many consumers racing for a small pool over a real in-process network: the
 * provider never oversells, neither in its ledger at any instant nor in the
 * grants the consumers end up holding.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InProcessNetwork, type NetworkNode } from '../../src/testnet/in-process.ts'
import { LeaseRejectedError } from '../../src/lease/errors.ts'
import type { ConsumerLease } from '../../src/lease/consumer/store.ts'

const TOTAL_GPUS = 6
const CONSUMERS = 8
const REQUESTS_PER_CONSUMER = 6

describe('concurrent lease requests against a small pool', () => {
  let net: InProcessNetwork
  let provider: NetworkNode
  let cpi: string

  beforeAll(async () => {
    net = await InProcessNetwork.start({ size: CONSUMERS + 1 })
    provider = net.node(0)
    await provider.node.inventory.add({ name: 'small', model: 'NVIDIA L40S', gpus: TOTAL_GPUS, gpuMemoryMib: 46068, price: { microsPerGpuHour: 1_000_000, currency: 'USD' } })
    cpi = `cpi:${provider.node.peerId.toString()}/small`
    await net.ready()
  })
  afterAll(async () => { await net.stop() })

  it('grants at most the pool, and the ledger never holds more than it has', async () => {
    const ledger = provider.node.ledger
    let worst = 0
    const unsubscribe = ledger.onChange(() => {
      const u = ledger.usage('small')
      worst = Math.max(worst, u.held + u.leased)
    })
    const outcomes = await Promise.all(net.nodes.slice(1).flatMap(consumer =>
      Array.from({ length: REQUESTS_PER_CONSUMER }, async (_, i) => {
        try {
          return { consumer, lease: await consumer.node.leases.request({ cpi, gpus: 1 + (i % 2), durationSec: 3600, maxMicros: 2_000_000n, currency: 'USD' }) }
        } catch (err) {
          if (err instanceof LeaseRejectedError && (err.reason === 'NO_CAPACITY' || err.reason === 'BUSY')) return undefined
          throw err
        }
      })))
    unsubscribe()
    const won = outcomes.filter((o): o is { consumer: NetworkNode, lease: ConsumerLease } => o != null)
    const granted = won.map(o => o.lease)
    const grantedGpus = granted.reduce((sum, l) => sum + l.gpus, 0)
    expect(worst).toBeLessThanOrEqual(TOTAL_GPUS)
    expect(grantedGpus).toBeLessThanOrEqual(TOTAL_GPUS)
    expect(granted.length).toBeGreaterThan(0)
    expect(outcomes.length - granted.length).toBeGreaterThan(0)
    // what the consumers hold is exactly what the provider's ledger holds
    const active = await ledger.listLeases({ activeOnly: true })
    expect(active.map(l => l.id).sort()).toEqual(granted.map(l => l.leaseId).sort())
    expect(ledger.usage('small')).toMatchObject({ leased: grantedGpus, held: 0 })

    await Promise.all(won.map(async ({ consumer, lease }) => consumer.node.leases.release(lease.leaseId)))
    expect(ledger.usage('small')).toMatchObject({ leased: 0, held: 0, free: TOTAL_GPUS })
  })
})
