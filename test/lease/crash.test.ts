/**
 * kill -9 of a provider process in the middle of a lease storm, again and
 * again: every lease a consumer holds a Grant for is on the provider after
 * the restart, nothing the provider committed is unknown to the consumer, and
 * no capacity leaks (held GPUs drain, leased ones match the leases).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectRestarted, DaemonPool, freePort, waitFor, type TestDaemon } from '../helpers/daemons.ts'
import { killDaemon, runCli, spawnDaemon, type DaemonProcess } from '../helpers/cli.ts'
import { repoLayout } from '../../src/repo/layout.ts'
import { RpcClient } from '../../src/rpc/client.ts'
import type { LeaseView } from '../../src/lease/view.ts'
import type { ConsumerLease } from '../../src/lease/consumer/store.ts'

const TOTAL_GPUS = 8
const ROUNDS = 4
const STORM_CONCURRENCY = 4

interface Usage { pool: string, total: number, held: number, leased: number, free: number }

describe('provider killed with SIGKILL during a lease storm', () => {
  const pool = new DaemonPool()
  let consumer: TestDaemon
  let providerProcess: DaemonProcess | undefined
  let repo: string
  let listen: string

  beforeAll(async () => {
    repo = join(pool.root, 'provider')
    listen = `/ip4/127.0.0.1/tcp/${await freePort()}`
    expect((await runCli(['--repo', repo, 'init', '--profile', 'test'])).code).toBe(0)
    const config = JSON.parse(readFileSync(repoLayout(repo).config, 'utf8'))
    config.listen = [listen]
    config.provider.pools = [{ name: 'gpu', model: 'NVIDIA H100 80GB HBM3', gpus: TOTAL_GPUS, gpuMemoryMib: 81559, price: { microsPerGpuHour: 1_000_000, currency: 'USD' } }]
    config.lease.quoteTtlSec = 1
    writeFileSync(repoLayout(repo).config, JSON.stringify(config))
    consumer = await pool.start()
  })
  afterAll(async () => {
    await killDaemon(providerProcess)
    await pool.cleanup()
  })

  async function startProvider (): Promise<{ rpc: RpcClient, peerId: string }> {
    providerProcess = await spawnDaemon(['--repo', repo])
    const out = providerProcess.stdout()
    const peerId = /PeerID: (\S+)/.exec(out)?.[1] as string
    const url = /RPC API server listening on (\S+)/.exec(out)?.[1] as string
    expect(peerId).toBeDefined()
    await connectRestarted(consumer, `${listen}/p2p/${peerId}`)
    return { rpc: new RpcClient({ url }), peerId }
  }

  it(`keeps every granted lease and leaks no capacity over ${ROUNDS} crashes`, async () => {
    let { rpc, peerId } = await startProvider()
    const cpi = `cpi:${peerId}/gpu`
    for (let round = 0; round < ROUNDS; round++) {
      // the storm: requests and releases back to back, until the provider dies
      let stop = false
      const storm = Array.from({ length: STORM_CONCURRENCY }, async (_, worker) => {
        while (!stop) {
          try {
            const lease = await consumer.node.leases.request({ cpi, gpus: 1, durationSec: 3600, maxMicros: 1_000_000n, currency: 'USD' })
            if ((worker + round) % 2 === 0) await consumer.node.leases.release(lease.leaseId)
          } catch {
            // refused (full pool), unreachable (dead provider), or unconfirmed: all expected here
            await new Promise(resolve => setTimeout(resolve, 20))
          }
        }
      })
      await new Promise(resolve => setTimeout(resolve, 300 + round * 150))
      providerProcess?.child.kill('SIGKILL')
      await providerProcess?.exited
      stop = true
      await Promise.all(storm)

      ;({ rpc } = await startProvider())
      // the consumer asks about every lease it accepted but never saw confirmed
      await waitFor('every pending lease to be settled', async () =>
        (await consumer.node.leases.list()).every(l => l.status !== 'pending'), 30_000)

      const mine = (await consumer.node.leases.list()).filter((l: ConsumerLease) => l.status === 'active')
      const theirs = (await rpc.call<{ leases: LeaseView[] }>('provider_leases', { activeOnly: true })).leases
      expect(theirs.map(l => l.leaseId).sort()).toEqual(mine.map(l => l.leaseId).sort())
      for (const lease of mine) {
        const onProvider = await rpc.call<LeaseView>('lease_get', { leaseId: lease.leaseId })
        const onConsumer = await consumer.anonymous.call<LeaseView>('lease_get', { leaseId: lease.leaseId })
        expect(onProvider.signed).toEqual(onConsumer.signed)
      }
      const leased = mine.reduce((sum, l) => sum + l.gpus, 0)
      await waitFor('quotes left by the crash to lapse', async () =>
        (await rpc.call<{ pools: Usage[] }>('provider_leases')).pools[0]?.held === 0, 15_000)
      const usage = (await rpc.call<{ pools: Usage[] }>('provider_leases')).pools[0]
      expect(usage).toEqual({ pool: 'gpu', total: TOTAL_GPUS, held: 0, leased, free: TOTAL_GPUS - leased })
    }

    for (const lease of await consumer.node.leases.list()) {
      if (lease.status === 'active') await consumer.node.leases.release(lease.leaseId)
    }
    expect((await rpc.call<{ pools: Usage[] }>('provider_leases')).pools[0]).toMatchObject({ held: 0, leased: 0, free: TOTAL_GPUS })
  })
})
