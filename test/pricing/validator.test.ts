/**
 * The topic validator's decisions, one per kind of message: what is accepted
 * enters the book, nothing else does; Reject (the sender pays) for what no
 * honest node relays, Ignore for what an honest relay can deliver late.
 */
import { describe, expect, it } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { TopicValidatorResult, type Message } from '@libp2p/gossipsub'
import { PriceBook } from '../../src/pricing/book.ts'
import { judgePriceMessage, priceTopicValidator } from '../../src/pricing/validator.ts'
import { PRICES_TOPIC, PRICE_MAX_CLOCK_SKEW_MS } from '../../src/pricing/constants.ts'
import { silentLogger } from '../../src/log/logger.ts'
import { gossipMessage, signedUpdate } from './fixtures.ts'

const provider = await generateKeyPair('Ed25519')
const attacker = await generateKeyPair('Ed25519')
const providerId = peerIdFromPrivateKey(provider)
const cpi = `cpi:${providerId.toString()}/h100`

async function judge (book: PriceBook, msg: Message, now = Date.now()): Promise<[string, string]> {
  const verdict = await judgePriceMessage(msg, book, now)
  return [verdict.result, 'reason' in verdict ? verdict.reason : 'admitted']
}

describe('price topic validator', () => {
  it('accepts a valid update from its owner and admits it to the book', async () => {
    const book = new PriceBook()
    expect(await judge(book, gossipMessage(provider, await signedUpdate(provider, { seq: 10 })))).toEqual(['accept', 'admitted'])
    expect(book.get(cpi)?.seq).toBe(10)
  })

  it.each([
    ['forged: another peer publishes an update for the CPI, signed with its own key', async () => gossipMessage(attacker, await signedUpdate(attacker, { owner: providerId })), 'not-owner'],
    ['forged: the owner\'s captured update, re-published by another peer', async () => gossipMessage(attacker, await signedUpdate(provider)), 'not-owner'],
    ['forged: a bad inner signature on the sender\'s own CPI', async () => gossipMessage(attacker, await signedUpdate(provider, { owner: peerIdFromPrivateKey(attacker) })), 'bad-signature'],
    ['malformed bytes', async () => gossipMessage(attacker, new Uint8Array([1, 2, 3, 4, 5])), 'malformed'],
    ['out of range: more free GPUs than the pool has', async () => gossipMessage(attacker, await signedUpdate(attacker, { patch: { availableGpus: 99 } })), 'bad-field'],
    ['skewed: issued beyond the clock-skew bound', async () => gossipMessage(attacker, await signedUpdate(attacker, { now: Date.now() + PRICE_MAX_CLOCK_SKEW_MS + 10_000 })), 'skewed'],
    ['unsigned', async () => ({ type: 'unsigned', topic: PRICES_TOPIC, data: await signedUpdate(attacker) }) as Message, 'unsigned']
  ])('rejects %s, and the book stays empty', async (_name, make, reason) => {
    const book = new PriceBook()
    expect(await judge(book, await make())).toEqual(['reject', reason])
    expect(book.list()).toEqual([])
  })

  it('ignores a replay and an out-of-order update (seq at or below the last), keeping the newer one', async () => {
    const book = new PriceBook()
    const newer = await signedUpdate(provider, { seq: 20, free: 1 })
    expect(await judge(book, gossipMessage(provider, newer))).toEqual(['accept', 'admitted'])
    expect(await judge(book, gossipMessage(provider, newer))).toEqual(['ignore', 'stale-seq'])
    expect(await judge(book, gossipMessage(provider, await signedUpdate(provider, { seq: 19, free: 7 })))).toEqual(['ignore', 'stale-seq'])
    expect([book.get(cpi)?.seq, book.get(cpi)?.update.availableGpus]).toEqual([20, 1])
  })

  it('ignores an update that expired on the way', async () => {
    const book = new PriceBook()
    expect(await judge(book, gossipMessage(provider, await signedUpdate(provider, { now: Date.now() - 10_000, ttlMs: 5_000 })))).toEqual(['ignore', 'expired'])
    expect(book.lastSeq(cpi)).toBeUndefined()
  })

  it('as a gossipsub validator: returns the verdict and reports refusals with the propagation source', async () => {
    const book = new PriceBook()
    const refused: Array<[string, string]> = []
    const validate = priceTopicValidator({ book, logger: silentLogger(), onRefused: (v, from) => { refused.push([v.reason, from]) } })
    const relay = peerIdFromPrivateKey(attacker)
    expect(await validate(relay, gossipMessage(provider, await signedUpdate(provider, { seq: 5 })))).toBe(TopicValidatorResult.Accept)
    expect(await validate(relay, gossipMessage(attacker, new Uint8Array([9])))).toBe(TopicValidatorResult.Reject)
    expect(refused).toEqual([['malformed', relay.toString()]])
  })
})
