/**
 * The lease protocol under bad input and lost messages, spoken raw from a real
 * peer: malformed, oversized and two-body frames, forged signatures, replays, other
 * consumers' leases, retried requests, a Grant that never arrives; and the
 * provider's hooks. After each, the provider goes on serving.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lpStream } from '@libp2p/utils'
import { equals } from 'uint8arrays/equals'
import { DaemonPool, waitFor, type TestDaemon } from '../helpers/daemons.ts'
import type { FlagOverride } from '../../src/config/load.ts'
import { LeaseChannel } from '../../src/lease/channel.ts'
import { ACCESS_MAX_BYTES, LEASE_PROTOCOL } from '../../src/lease/constants.ts'
import { agreementHash, leaseIdFor, signAgreement } from '../../src/lease/agreement.ts'
import { Agreement, LeaseMessage, RejectCode, type Quote } from '../../src/lease/pb/lease.ts'
import type { LeaseView } from '../../src/lease/view.ts'

const node = process.execPath
const price = { microsPerGpuHour: 1_000_000, currency: 'USD' }
const POOL = { name: 'gpu', model: 'NVIDIA L40S', gpus: 4, gpuMemoryMib: 46068, price, minLeaseSec: 1 }

describe('lease protocol robustness', () => {
  const pool = new DaemonPool()
  let provider: TestDaemon
  let failing: TestDaemon
  let verbose: TestDaemon
  let consumer: TestDaemon
  let other: TestDaemon
  let marker: string
  let cpi: string
  let providerFlags: FlagOverride[]

  beforeAll(async () => {
    marker = join(pool.root, 'hook-events.log')
    const record = `require('fs').appendFileSync(process.argv[1], process.env.CPNET_EVENT + ' ' + process.env.CPNET_LEASE_ID + '\\n')`
    providerFlags = [
      { path: 'provider.pools', value: [POOL], flag: 'test' },
      // the start hook takes a while: a consumer with a short step timeout loses the Grant
      { path: 'lease.startHook', value: [node, '-e', `${record}; setTimeout(() => console.log(JSON.stringify({ ssh: 'gpu@10.0.0.7' })), 700)`, marker], flag: 'test' },
      { path: 'lease.endHook', value: [node, '-e', record, marker], flag: 'test' }
    ]
    provider = await pool.start({ extraFlags: providerFlags })
    failing = await pool.start({
      extraFlags: [
        { path: 'provider.pools', value: [POOL], flag: 'test' },
        { path: 'lease.startHook', value: [node, '-e', 'console.error("no container runtime"); process.exit(2)'], flag: 'test' }
      ]
    })
    verbose = await pool.start({
      extraFlags: [
        { path: 'provider.pools', value: [POOL], flag: 'test' },
        { path: 'lease.startHook', value: [node, '-e', 'console.log(JSON.stringify({ blob: "x".repeat(9000) }))'], flag: 'test' }
      ]
    })
    consumer = await pool.start({ bootstrap: [provider.addrs[0] as string] })
    other = await pool.start({ bootstrap: [provider.addrs[0] as string], extraFlags: [{ path: 'lease.stepTimeoutSec', value: 0.3, flag: 'test' }, { path: 'lease.grantTimeoutSec', value: 0.3, flag: 'test' }] })
    await consumer.admin.call('node_connect', { multiaddr: failing.addrs[0] })
    await consumer.admin.call('node_connect', { multiaddr: verbose.addrs[0] })
    cpi = `cpi:${provider.node.peerId.toString()}/gpu`
  })
  afterAll(async () => { await pool.cleanup() })

  async function channel (from: TestDaemon = consumer): Promise<LeaseChannel> {
    return new LeaseChannel(await from.node.libp2p.dialProtocol(provider.node.peerId, LEASE_PROTOCOL))
  }

  function request (requestId: Uint8Array<ArrayBuffer> = new Uint8Array(randomBytes(16)), overrides: Record<string, unknown> = {}): LeaseMessage {
    return { request: { requestId, cpi, gpus: 1, durationSec: 600, maxMicrosPerGpuHour: 2_000_000n, currency: 'USD', validUntil: BigInt(Date.now() + 60_000), access: new Uint8Array(), ...overrides } }
  }

  async function quoted (ch: LeaseChannel, requestId?: Uint8Array<ArrayBuffer>): Promise<Quote> {
    await ch.send(request(requestId))
    const answer = await ch.receive()
    if (answer.quote == null) throw new Error(`expected a quote, got ${JSON.stringify(answer)}`)
    return answer.quote
  }

  async function stillServes (): Promise<void> {
    const { lease } = await consumer.admin.call<{ lease: LeaseView }>('lease_request', { cpi, gpus: 1, durationSec: 600, maxPrice: { microsPerGpuHour: 2_000_000, currency: 'USD' } })
    expect(lease.status).toBe('active')
    await consumer.admin.call('lease_release', { leaseId: lease.leaseId })
  }

  function held (): number {
    return provider.node.ledger.usage('gpu').held
  }

  it('answers a garbage frame with Reject INVALID and goes on serving', async () => {
    const stream = await consumer.node.libp2p.dialProtocol(provider.node.peerId, LEASE_PROTOCOL)
    const lp = lpStream(stream)
    // field 31 with wire type 7, which no protobuf decoder accepts
    await lp.write(new Uint8Array([0xff, 0xff, 0xff, 0xff]))
    const answer = LeaseMessage.decode(await lp.read({ signal: AbortSignal.timeout(5000) }))
    expect(answer.reject?.code).toBe(RejectCode.INVALID)
    await stillServes()
  })

  it('answers a frame with two bodies with Reject INVALID, whichever the decoder would keep', async () => {
    const query = LeaseMessage.encode({ query: { requestId: new Uint8Array(randomBytes(16)) } })
    const counter = LeaseMessage.encode({ counter: { microsPerGpuHour: 1n } })
    // two encoded messages back to back are one message with both fields
    for (const frame of [[query, counter], [counter, query], [query, query]]) {
      const stream = await consumer.node.libp2p.dialProtocol(provider.node.peerId, LEASE_PROTOCOL)
      const lp = lpStream(stream)
      await lp.write(Buffer.concat(frame))
      const answer = LeaseMessage.decode(await lp.read({ signal: AbortSignal.timeout(5000) }))
      expect(answer.reject).toMatchObject({ code: RejectCode.INVALID, message: expect.stringContaining('exactly one body') })
    }
    await stillServes()
  })

  it('resets a stream that sends a frame over the cap', async () => {
    const stream = await consumer.node.libp2p.dialProtocol(provider.node.peerId, LEASE_PROTOCOL)
    const lp = lpStream(stream, { maxDataLength: 1 << 20 })
    await lp.write(new Uint8Array(64 * 1024)).catch(() => {})
    await expect(lp.read({ signal: AbortSignal.timeout(5000) })).rejects.toThrow()
    await stillServes()
  })

  it('refuses a stream that opens with an Accept (a replayed one)', async () => {
    const ch = await channel()
    await ch.send({ accept: { agreementHash: new Uint8Array(32), consumerSignature: new Uint8Array(64) } })
    expect((await ch.receive()).reject?.code).toBe(RejectCode.INVALID)
  })

  it('refuses an Accept with a forged signature or of other terms, and frees the hold', async () => {
    let ch = await channel()
    let quote = await quoted(ch)
    expect(held()).toBe(1)
    await ch.send({ accept: { agreementHash: agreementHash(quote.agreement), consumerSignature: new Uint8Array(64) } })
    expect((await ch.receive()).reject).toMatchObject({ code: RejectCode.INVALID, message: expect.stringContaining('signature') })

    ch = await channel()
    quote = await quoted(ch)
    const tampered = Agreement.encode({ ...Agreement.decode(quote.agreement), gpus: 4 })
    await ch.send({ accept: { agreementHash: agreementHash(tampered), consumerSignature: await signAgreement(consumer.node.repo.privateKey, tampered) } })
    expect((await ch.receive()).reject?.code).toBe(RejectCode.INVALID)
    await waitFor('the holds to be released', () => held() === 0)
    await stillServes()
  })

  it('refuses a request for a CPI the provider does not own, and other malformed requests', async () => {
    const cases: Array<[Record<string, unknown>, RejectCode]> = [
      [{ cpi: `cpi:${consumer.node.peerId.toString()}/gpu` }, RejectCode.UNKNOWN_POOL],
      [{ cpi: 'cpi:garbage/gpu' }, RejectCode.INVALID],
      [{ requestId: new Uint8Array(4) }, RejectCode.INVALID],
      [{ gpus: 0 }, RejectCode.INVALID],
      [{ validUntil: 1n }, RejectCode.INVALID]
    ]
    for (const [overrides, code] of cases) {
      const ch = await channel()
      await ch.send(request(undefined, overrides))
      expect((await ch.receive()).reject?.code).toBe(code)
    }
  })

  it('answers a retried request and a query with the same lease, never a second one', async () => {
    const requestId = new Uint8Array(randomBytes(16))
    const ch = await channel()
    const quote = await quoted(ch, requestId)
    // accept, then vanish before the Grant: the lease is committed all the same
    await ch.send({ accept: { agreementHash: agreementHash(quote.agreement), consumerSignature: await signAgreement(consumer.node.repo.privateKey, quote.agreement) } })
    ch.abort(new Error('gone'))
    const leaseId = leaseIdFor(consumer.node.peerId, requestId)
    await waitFor('the provider to commit the lease', async () => (await provider.node.ledger.getLease(leaseId)) != null)

    const retry = await channel()
    await retry.send(request(requestId))
    const again = await retry.receive()
    expect(again.grant?.lease?.agreement).toEqual(quote.agreement)
    const q = await channel()
    await q.send({ query: { requestId } })
    expect((await q.receive()).grant?.lease?.agreement).toEqual(quote.agreement)
    expect((await provider.node.ledger.listLeases({ activeOnly: true })).filter(l => l.id === leaseId)).toHaveLength(1)

    // another consumer can neither see nor release it
    const nosy = await channel(other)
    await nosy.send({ query: { requestId } })
    expect((await nosy.receive()).reject?.code).toBe(RejectCode.NOT_FOUND)
    const thief = await channel(other)
    await thief.send({ release: { leaseId, consumerSignature: new Uint8Array(64) } })
    expect((await thief.receive()).reject?.code).toBe(RejectCode.INVALID)
    expect((await provider.node.ledger.getLease(leaseId))?.status).toBe('active')
  })

  it('refuses a renewal that changes the terms', async () => {
    const { lease } = await consumer.admin.call<{ lease: LeaseView }>('lease_request', { cpi, gpus: 1, durationSec: 600, maxPrice: { microsPerGpuHour: 2_000_000, currency: 'USD' } })
    const current = Agreement.decode(Buffer.from(lease.signed?.agreement ?? '', 'base64'))
    const greedy = Agreement.encode({ ...current, gpus: 4, end: current.end + 1000n, version: 2 })
    const ch = await channel()
    await ch.send({ renew: { agreement: greedy, consumerSignature: await signAgreement(consumer.node.repo.privateKey, greedy) } })
    expect((await ch.receive()).reject).toMatchObject({ code: RejectCode.INVALID, message: expect.stringContaining('gpus') })
    await consumer.admin.call('lease_release', { leaseId: lease.leaseId })
  })

  it('refuses a renewal whose bytes are not the canonical encoding of its agreement', async () => {
    const { lease } = await consumer.admin.call<{ lease: LeaseView }>('lease_request', { cpi, gpus: 1, durationSec: 600, maxPrice: { microsPerGpuHour: 2_000_000, currency: 'USD' } })
    const current = Agreement.decode(Buffer.from(lease.signed?.agreement ?? '', 'base64'))
    const canonical = Agreement.encode({ ...current, end: current.end + 1000n, version: 2 })
    // the same terms and an unknown field 15 (varint 1): the decoder skips it, the signatures would cover it
    const padded = new Uint8Array([...canonical, 0x78, 0x01])
    expect(Agreement.decode(padded)).toEqual(Agreement.decode(canonical))
    const ch = await channel()
    await ch.send({ renew: { agreement: padded, consumerSignature: await signAgreement(consumer.node.repo.privateKey, padded) } })
    expect((await ch.receive()).reject).toMatchObject({ code: RejectCode.INVALID, message: expect.stringContaining('canonical') })
    // the canonical bytes of the same renewal are taken
    const ok = await channel()
    await ok.send({ renew: { agreement: canonical, consumerSignature: await signAgreement(consumer.node.repo.privateKey, canonical) } })
    const renewed = (await ok.receive()).grant?.lease?.agreement
    expect(renewed != null && equals(renewed, canonical)).toBe(true)
    await consumer.admin.call('lease_release', { leaseId: lease.leaseId })
  })

  it('recovers a Grant the consumer timed out on, by asking', async () => {
    // `other` waits 0.3 s per step; the provider's start hook takes 0.7 s
    const { lease } = await other.admin.call<{ lease: LeaseView }>('lease_request', { cpi, gpus: 1, durationSec: 600, maxPrice: { microsPerGpuHour: 2_000_000, currency: 'USD' } })
    expect(lease.status).toBe('active')
    expect(lease.access).toEqual({ ssh: 'gpu@10.0.0.7' })
    expect((await provider.anonymous.call<LeaseView>('lease_get', { leaseId: lease.leaseId })).signed).toEqual(lease.signed)
  })

  it('runs the start and end hooks; a failing start hook refuses the lease and frees the hold', async () => {
    const { lease } = await consumer.admin.call<{ lease: LeaseView }>('lease_request', { cpi, gpus: 1, durationSec: 600, maxPrice: { microsPerGpuHour: 2_000_000, currency: 'USD' } })
    expect(lease.access).toEqual({ ssh: 'gpu@10.0.0.7' })
    await consumer.admin.call('lease_release', { leaseId: lease.leaseId })
    await waitFor('the end hook to run', () => existsSync(marker) && readFileSync(marker, 'utf8').includes(`end ${lease.leaseId}`))
    expect(readFileSync(marker, 'utf8')).toContain(`start ${lease.leaseId}`)

    const failingCpi = `cpi:${failing.node.peerId.toString()}/gpu`
    await expect(consumer.admin.call('lease_request', { cpi: failingCpi, gpus: 1, durationSec: 600, maxPrice: { microsPerGpuHour: 2_000_000, currency: 'USD' } }))
      .rejects.toMatchObject({ code: -32010, data: { reason: 'START_FAILED' }, message: expect.stringContaining('no container runtime') })
    expect(failing.node.ledger.usage('gpu')).toMatchObject({ held: 0, leased: 0, free: 4 })
  })

  it('refuses a lease whose start hook prints access details over the limit, and frees the hold', async () => {
    const verboseCpi = `cpi:${verbose.node.peerId.toString()}/gpu`
    await expect(consumer.admin.call('lease_request', { cpi: verboseCpi, gpus: 1, durationSec: 600, maxPrice: { microsPerGpuHour: 2_000_000, currency: 'USD' } }))
      .rejects.toMatchObject({ code: -32010, data: { reason: 'START_FAILED' }, message: expect.stringContaining(`more than ${ACCESS_MAX_BYTES}`) })
    expect(verbose.node.ledger.usage('gpu')).toMatchObject({ held: 0, leased: 0, free: 4 })
    // the consumer keeps the refused attempt, failed, with the reason
    const kept = (await consumer.anonymous.call<LeaseView[]>('lease_list')).filter(l => l.cpi === verboseCpi)
    expect(kept.map(l => l.status)).toEqual(['failed'])
  })

  it('a lease that runs out frees its GPUs, ends on both sides, and cannot be renewed', async () => {
    const before = provider.node.ledger.usage('gpu').free
    const { lease } = await consumer.admin.call<{ lease: LeaseView }>('lease_request', { cpi, gpus: 2, durationSec: 1, maxPrice: { microsPerGpuHour: 2_000_000, currency: 'USD' } })
    expect(provider.node.ledger.usage('gpu').free).toBe(before - 2)
    await waitFor('the lease to expire', () => provider.node.ledger.usage('gpu').free === before)
    expect((await provider.anonymous.call<LeaseView>('lease_get', { leaseId: lease.leaseId })).status).toBe('expired')
    expect((await consumer.anonymous.call<LeaseView>('lease_get', { leaseId: lease.leaseId })).status).toBe('expired')
    // renewing it is an error naming the end, never the ended lease returned as if renewed
    await expect(consumer.admin.call('lease_renew', { leaseId: lease.leaseId, extendSec: 60 }))
      .rejects.toMatchObject({ code: -32013, data: { name: 'LeaseEndedError', leaseId: lease.leaseId, status: 'expired' } })
    await waitFor('the end hook to run on expiry', () => readFileSync(marker, 'utf8').includes(`end ${lease.leaseId}`))
  })

  it('a lease that ended while the provider was down gets its end hook when the provider starts again', async () => {
    const { lease } = await consumer.admin.call<{ lease: LeaseView }>('lease_request', { cpi, gpus: 1, durationSec: 1, maxPrice: { microsPerGpuHour: 2_000_000, currency: 'USD' } })
    const repoPath = provider.repoPath
    await provider.stop()
    await new Promise(resolve => setTimeout(resolve, 1_500))
    expect(readFileSync(marker, 'utf8')).not.toContain(`end ${lease.leaseId}`)
    provider = await pool.start({ repoPath, extraFlags: providerFlags })
    await waitFor('the end hook of the lease that ended while down', () => readFileSync(marker, 'utf8').includes(`end ${lease.leaseId}`))
    expect((await provider.anonymous.call<LeaseView>('lease_get', { leaseId: lease.leaseId })).status).toBe('expired')
  })
})
