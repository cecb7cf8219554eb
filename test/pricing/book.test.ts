/** The price book, the overlay of updates on offers, and subscriptions (with a fake session). */
import { describe, expect, it } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { PriceBook } from '../../src/pricing/book.ts'
import { filterableOffer, withLivePrice } from '../../src/pricing/overlay.ts'
import { PriceSubscriptions, type PriceNotification } from '../../src/pricing/subscriptions.ts'
import { SubscriptionLimitError } from '../../src/pricing/errors.ts'
import { matches, parseFilter } from '../../src/discovery/filter.ts'
import { buildOffer } from '../../src/discovery/offer.ts'
import { signOffer, verifySignedOffer } from '../../src/discovery/signed-offer.ts'
import type { RpcSession } from '../../src/rpc/registry.ts'
import { silentLogger } from '../../src/log/logger.ts'
import { H100, pool, verifiedUpdate } from './fixtures.ts'

const key = await generateKeyPair('Ed25519')
const peerId = peerIdFromPrivateKey(key)
const cpi = `cpi:${peerId.toString()}/h100`

describe('price book', () => {
  it('last value wins by seq; an older or equal seq changes nothing', async () => {
    const book = new PriceBook()
    const heard: number[] = []
    book.onUpdate(u => heard.push(u.seq))
    expect(book.admit(await verifiedUpdate(key, { seq: 5, free: 5 }))).toBe(true)
    expect(book.admit(await verifiedUpdate(key, { seq: 7, free: 7 }))).toBe(true)
    expect(book.admit(await verifiedUpdate(key, { seq: 6, free: 6 }))).toBe(false)
    expect(book.admit(await verifiedUpdate(key, { seq: 7, free: 1 }))).toBe(false)
    expect([book.get(cpi)?.update.availableGpus, book.lastSeq(cpi), heard]).toEqual([7, 7, [5, 7]])
  })

  it('entries expire at expiresAt; the sweep drops them but remembers the seq', async () => {
    const book = new PriceBook()
    const now = Date.now()
    book.admit(await verifiedUpdate(key, { seq: 3, now, ttlMs: 1_000 }))
    expect(book.list(now + 999)).toHaveLength(1)
    expect(book.list(now + 1_000)).toHaveLength(0)
    expect(book.get(cpi, now + 1_000)).toBeUndefined()
    expect(book.sweep(now + 1_000)).toBe(1)
    expect(book.lastSeq(cpi)).toBe(3)
    expect(book.admit(await verifiedUpdate(key, { seq: 2 }))).toBe(false)
  })

  it('a withdrawal hides the CPI from the live list and keeps its seq', async () => {
    const book = new PriceBook()
    book.admit(await verifiedUpdate(key, { seq: 1 }))
    book.admit(await verifiedUpdate(key, { seq: 2, patch: { withdrawn: true, availableGpus: 0 } }))
    expect([book.list(), book.get(cpi), book.newest(cpi)?.update.withdrawn]).toEqual([[], undefined, true])
  })

  it('is bounded: the least recently updated CPI goes first', async () => {
    const book = new PriceBook(2)
    for (const name of ['a', 'b', 'c']) book.admit(await verifiedUpdate(key, { spec: { ...H100, name } }))
    expect(book.list().map(u => u.cpi.pool).sort()).toEqual(['b', 'c'])
  })
})

describe('updates over offers', () => {
  const now = Date.now()
  async function offerAt (seq: number) {
    return verifySignedOffer(await signOffer(buildOffer(pool(), { peerId, seq, now, ttlMs: 60_000, availableGpus: 8, addrs: [] }), key))
  }

  it('the fresher of offer and update wins by seq; a fresher withdrawal removes the offer', async () => {
    const book = new PriceBook()
    const offer = await offerAt(100)
    expect(withLivePrice(offer, book)).toBe(offer)
    book.admit(await verifiedUpdate(key, { seq: 99, free: 1, patch: { price: { microsPerGpuHour: 1n, currency: 'USD' } } }))
    expect(withLivePrice(offer, book)).toBe(offer)
    book.admit(await verifiedUpdate(key, { seq: 101, free: 2, patch: { price: { microsPerGpuHour: 1_900_000n, currency: 'USD' } } }))
    const live = withLivePrice(offer, book)
    expect([live?.seq, live?.offer.resource?.availableGpus, live?.offer.price?.microsPerGpuHour, live?.offer.labels]).toEqual([101, 2, 1_900_000n, ['spot']])
    book.admit(await verifiedUpdate(key, { seq: 102, patch: { withdrawn: true, availableGpus: 0 } }))
    expect(withLivePrice(offer, book)).toBeNull()
  })

  it('a filter reads an update through the offer known for its CPI, or through the update alone', async () => {
    const update = (await verifiedUpdate(key, { free: 2 })).update
    const known = (await offerAt(1)).offer
    const f = (text: string, withOffer: boolean): boolean => matches(parseFilter(text), filterableOffer(update, withOffer ? known : undefined))
    expect(f('model=h100 vendor=nvidia region=cn-east-1 gpus>=2 total_gpus=8 price<=2.5 currency=USD', false)).toBe(true)
    expect(f('gpus>=3', false)).toBe(false)
    expect(f('label=spot gpu_mem>=80', false)).toBe(false)
    expect(f('label=spot gpu_mem>=80 gpus=2', true)).toBe(true)
  })
})

describe('subscriptions', () => {
  function session (id: number): RpcSession & { sent: PriceNotification[], close: () => void } {
    const hooks: Array<() => void> = []
    const sent: PriceNotification[] = []
    return {
      id,
      sent,
      notify: (method, params) => { expect(method).toBe('prices_subscription'); sent.push((params as { result: PriceNotification }).result) },
      onClose: fn => { hooks.push(fn) },
      close: () => { for (const fn of hooks) fn() }
    }
  }
  const subs = () => new PriceSubscriptions({ matches: (filter, u) => matches(filter, filterableOffer(u.update)), maxPerSession: 2, logger: silentLogger() })
  const tick = async () => new Promise(resolve => setImmediate(resolve))

  it('delivers matching updates only, and the one that takes a shown CPI out of the filter', async () => {
    const s = subs()
    const a = session(1)
    s.subscribe(a, parseFilter('gpus>=4'))
    await tick()
    s.deliver(await verifiedUpdate(key, { seq: 1, free: 2 }))
    s.deliver(await verifiedUpdate(key, { seq: 2, free: 6 }))
    s.deliver(await verifiedUpdate(key, { seq: 3, free: 5 }))
    s.deliver(await verifiedUpdate(key, { seq: 4, free: 1 }))
    s.deliver(await verifiedUpdate(key, { seq: 5, free: 0 }))
    expect(a.sent.map(n => [n.seq, n.availableGpus, n.matches])).toEqual([[2, 6, true], [3, 5, true], [4, 1, false]])
  })

  it('holds notifications until the subscribe response has gone out', async () => {
    const s = subs()
    const a = session(1)
    s.subscribe(a, parseFilter(''))
    s.deliver(await verifiedUpdate(key, { seq: 1 }))
    expect(a.sent).toHaveLength(0)
    await tick()
    expect(a.sent.map(n => n.seq)).toEqual([1])
  })

  it('limits subscriptions per session, unsubscribes, and forgets a closed session', async () => {
    const s = subs()
    const a = session(1)
    const b = session(2)
    const first = s.subscribe(a, parseFilter(''))
    s.subscribe(a, parseFilter(''))
    expect(() => s.subscribe(a, parseFilter(''))).toThrow(SubscriptionLimitError)
    s.subscribe(b, parseFilter(''))
    expect(first).toMatch(/^0x[0-9a-f]{32}$/)
    expect([s.unsubscribe(a, first), s.unsubscribe(a, first), s.unsubscribe(b, first)]).toEqual([true, false, false])
    a.close()
    expect(s.size).toBe(1)
    await tick()
    s.deliver(await verifiedUpdate(key, { seq: 9 }))
    expect([a.sent.length, b.sent.length]).toEqual([0, 1])
  })
})
