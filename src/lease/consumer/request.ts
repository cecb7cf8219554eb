/**
 * The consumer's side of a new lease: LeaseRequest → Quote → [Counter →
 * Quote]* → Accept → Grant. Every quote is checked against what was asked;
 * the lease is recorded `pending` (synced) before the Accept goes out, and a
 * Grant that does not arrive is recovered by Query, never lost silently.
 * The caller gets the lease only when it is granted; every other outcome
 * (refused, failed, ended, unconfirmed) is an error.
 */
import { randomBytes } from 'node:crypto'
import { equals } from 'uint8arrays/equals'
import { toString as toHex } from 'uint8arrays/to-string'
import { parseCpi } from '../../identity/cpi.ts'
import { formatPrice } from '../../units/price.ts'
import { type AccessRequest } from '../../provision/types.ts'
import { accessHash, encodeAccessRequest, NO_ACCESS } from '../access-request.ts'
import { agreementHash, leaseIdFor, parseAgreement, signAgreement, verifyAgreementSignature } from '../agreement.ts'
import { QUERY_ATTEMPTS, QUERY_BACKOFF_MS, REQUEST_ID_MIN_BYTES } from '../constants.ts'
import { LeaseProtocolError, LeaseRejectedError } from '../errors.ts'
import { RejectCode, type Quote } from '../pb/lease.ts'
import { granted, openChannel, storeEnded, storeGrant, type ConsumerContext } from './context.ts'
import { queryLease } from './query.ts'
import type { ConsumerLease } from './store.ts'

export interface LeaseAsk {
  cpi: string
  gpus: number
  durationSec: number
  /** The most the consumer pays, millionths per GPU-hour. */
  maxMicros: bigint
  currency: string
  /** A lower price to counter with first; the consumer still accepts up to maxMicros. */
  bidMicros?: bigint
  /** How the consumer wants to reach the lease (SSH keys, an image…); none by default. */
  access?: AccessRequest
}

/** How long the provider may act on the request. */
const REQUEST_VALIDITY_MS = 60_000
/** The consumer stops countering after this many rounds and takes or leaves the quote. */
const MAX_COUNTERS = 5

/** Checks that a quote offers exactly what was asked, at a price the consumer pays. */
async function checkQuote (ctx: ConsumerContext, ask: LeaseAsk, leaseId: string, access: Uint8Array, quote: Quote): Promise<bigint> {
  const parsed = parseAgreement(quote.agreement)
  const a = parsed.agreement
  const cpi = parseCpi(ask.cpi)
  if (!await verifyAgreementSignature(cpi.peerId, quote.agreement, quote.providerSignature)) throw new LeaseProtocolError('the quote signature does not verify')
  const mismatch = [
    a.cpi !== ask.cpi && 'cpi',
    a.leaseId !== leaseId && 'leaseId',
    !parsed.consumer.equals(ctx.self) && 'consumer',
    a.gpus !== ask.gpus && 'gpus',
    a.currency !== ask.currency && 'currency',
    a.end - a.start !== BigInt(ask.durationSec * 1000) && 'duration',
    a.version !== 1 && 'version'
  ].filter(Boolean)
  if (mismatch.length > 0) throw new LeaseProtocolError(`the quote does not match the request (${mismatch.join(', ')})`)
  if (!equals(a.accessHash, accessHash(access))) {
    throw new LeaseProtocolError(a.accessHash.byteLength === 0
      ? 'the provider did not bind the access request: it speaks lease message revision 1.0, which ignores it (docs/PROTOCOL.md §8.7)'
      : 'the quote binds another access request than the one sent')
  }
  return a.microsPerGpuHour
}

/** Asks the provider what became of an accepted lease: the record as its answer leaves it, still pending when none came. */
async function confirm (ctx: ConsumerContext, record: ConsumerLease): Promise<ConsumerLease> {
  for (let attempt = 0; attempt < QUERY_ATTEMPTS; attempt++) {
    await new Promise(resolve => setTimeout(resolve, QUERY_BACKOFF_MS * 2 ** attempt))
    try {
      const answer = await queryLease(ctx, record)
      if (answer !== 'undecided') return answer
    } catch (err) {
      ctx.log.debug('lease query failed', { lease: record.leaseId, attempt, error: (err as Error).message })
    }
  }
  return record // still pending: granted() reports it unconfirmed
}

export async function requestLease (ctx: ConsumerContext, ask: LeaseAsk): Promise<ConsumerLease> {
  const cpi = parseCpi(ask.cpi)
  const requestId = new Uint8Array(randomBytes(REQUEST_ID_MIN_BYTES))
  const leaseId = leaseIdFor(ctx.self, requestId)
  const access = encodeAccessRequest(ask.access ?? NO_ACCESS)
  const channel = await openChannel(ctx, cpi.peerId)
  try {
    await channel.send({
      request: {
        requestId,
        cpi: ask.cpi,
        gpus: ask.gpus,
        durationSec: ask.durationSec,
        maxMicrosPerGpuHour: ask.maxMicros,
        currency: ask.currency,
        validUntil: BigInt(Date.now() + REQUEST_VALIDITY_MS),
        access
      }
    })
    let previous: bigint | undefined
    for (let counters = 0; ; counters++) {
      const message = await channel.receive()
      if (message.reject != null) throw new LeaseRejectedError(message.reject.code, message.reject.message)
      if (message.quote == null) throw new LeaseProtocolError('expected Quote or Reject')
      const price = await checkQuote(ctx, ask, leaseId, access, message.quote)
      // counter while the provider still concedes; once it holds its price, take it or leave it
      if (ask.bidMicros != null && price > ask.bidMicros && price !== previous && counters < MAX_COUNTERS) {
        previous = price
        await channel.send({ counter: { microsPerGpuHour: ask.bidMicros } })
        continue
      }
      if (price > ask.maxMicros) throw new LeaseRejectedError(RejectCode.PRICE, `the provider's last price ${formatPrice(price, ask.currency)} is above the maximum ${formatPrice(ask.maxMicros, ask.currency)}`)
      // a lease only when granted: a failed, ended or unconfirmed outcome is thrown as its error
      return granted(await accept(ctx, channel, { leaseId, requestId: toHex(requestId, 'base16'), provider: cpi.peerId.toString(), cpi: ask.cpi, gpus: ask.gpus }, message.quote))
    }
  } finally {
    await channel.close()
  }
}

async function accept (ctx: ConsumerContext, channel: Awaited<ReturnType<typeof openChannel>>, ids: Omit<ConsumerLease, 'status' | 'updatedAt'>, quote: Quote): Promise<ConsumerLease> {
  // on disk before the Accept leaves: from here on the lease may exist on the provider
  const record = await ctx.store.put({ ...ids, status: 'pending', updatedAt: 0 }, { sync: true })
  const consumerSignature = await signAgreement(ctx.privateKey, quote.agreement)
  let answer
  try {
    await channel.send({ accept: { agreementHash: agreementHash(quote.agreement), consumerSignature } })
    // the provider provisions the lease before it answers: more than one step's time
    answer = await channel.receive(ctx.grantTimeoutMs)
  } catch (err) {
    ctx.log.warn('no answer to an Accept; asking the provider', { lease: record.leaseId, error: (err as Error).message })
    return confirm(ctx, record)
  }
  if (answer.grant != null) {
    if (answer.grant.lease == null || !equals(answer.grant.lease.agreement, quote.agreement)) {
      throw new LeaseProtocolError('the granted agreement is not the one accepted')
    }
    return storeGrant(ctx, record, answer.grant)
  }
  if (answer.ended != null) return storeEnded(ctx, record, answer.ended)
  if (answer.reject != null) {
    await ctx.store.put({ ...record, status: 'failed', error: `${answer.reject.code}: ${answer.reject.message}` })
    throw new LeaseRejectedError(answer.reject.code, answer.reject.message)
  }
  throw new LeaseProtocolError('expected Grant or Reject after Accept')
}
