/**
 * The provider's side of a new lease: LeaseRequest → Quote (capacity held) →
 * [Counter → Quote]* → Accept → start hook → synced commit → Grant. The hold
 * is released on every path that does not end in a committed lease.
 */
import type { PeerId } from '@libp2p/interface'
import { equals } from 'uint8arrays/equals'
import { parseCpi } from '../../identity/cpi.ts'
import type { Pool } from '../../inventory/pool.ts'
import { HoldNotFoundError, NoCapacityError, UnknownPoolError } from '../../ledger/errors.ts'
import { agreementHash, leaseIdFor, signAgreement, verifyAgreementSignature } from '../agreement.ts'
import type { LeaseChannel } from '../channel.ts'
import { ACCESS_MAX_BYTES, HOLD_COMMIT_MARGIN_MS, REQUEST_ID_MAX_BYTES, REQUEST_ID_MIN_BYTES } from '../constants.ts'
import { runHook, type HookLease } from '../hooks.ts'
import { runEndHook } from './end-hook.ts'
import { Agreement, type LeaseRequest, type SignedLease } from '../pb/lease.ts'
import { answerCounter, openingPrice, type PricePolicy } from '../policy.ts'
import { RejectCode, sendLeaseState, sendReject } from './answers.ts'
import { leaseData, type ProviderContext } from './context.ts'

interface Refusal { code: RejectCode, message: string }
interface Terms { pool: Pool, price: bigint, leaseId: string }

function refuse (code: RejectCode, message: string): Refusal {
  return { code, message }
}

/** Everything that can be decided from the request alone, before capacity is touched. */
function checkRequest (ctx: ProviderContext, consumer: PeerId, req: LeaseRequest): Refusal | Terms {
  if (req.requestId.byteLength < REQUEST_ID_MIN_BYTES || req.requestId.byteLength > REQUEST_ID_MAX_BYTES) {
    return refuse(RejectCode.INVALID, `requestId must be ${REQUEST_ID_MIN_BYTES} to ${REQUEST_ID_MAX_BYTES} bytes`)
  }
  if (Number(req.validUntil) < Date.now()) return refuse(RejectCode.INVALID, 'the request is past its validUntil')
  let poolName: string
  try {
    const cpi = parseCpi(req.cpi)
    if (!cpi.peerId.equals(ctx.self)) return refuse(RejectCode.UNKNOWN_POOL, `${req.cpi} is not a CPI of this provider`)
    poolName = cpi.pool
  } catch (err) {
    return refuse(RejectCode.INVALID, (err as Error).message)
  }
  const pool = ctx.inventory.get(poolName)
  if (pool == null) return refuse(RejectCode.UNKNOWN_POOL, `no pool named ${poolName}`)
  if (req.gpus < 1) return refuse(RejectCode.INVALID, 'gpus must be at least 1')
  if (req.gpus > pool.gpus) return refuse(RejectCode.NO_CAPACITY, `pool ${pool.name} has ${pool.gpus} GPUs in all`)
  if (req.durationSec < pool.minLeaseSec || req.durationSec > pool.maxLeaseSec) {
    return refuse(RejectCode.DURATION, `leases of pool ${pool.name} last ${pool.minLeaseSec} to ${pool.maxLeaseSec} s`)
  }
  if (req.currency !== pool.price.currency) return refuse(RejectCode.PRICE, `pool ${pool.name} is priced in ${pool.price.currency}`)
  const opening = openingPrice(policyOf(ctx, pool), req.maxMicrosPerGpuHour)
  if ('reject' in opening) return refuse(RejectCode.PRICE, opening.reject)
  return { pool, price: opening.price, leaseId: leaseIdFor(consumer, req.requestId) }
}

function policyOf (ctx: ProviderContext, pool: Pool): PricePolicy {
  return { currency: pool.price.currency, listMicros: BigInt(pool.price.microsPerGpuHour), floorMicros: BigInt(pool.floorMicrosPerGpuHour), maxCounterRounds: ctx.config.maxCounterRounds }
}

export async function negotiate (ctx: ProviderContext, channel: LeaseChannel, consumer: PeerId, req: LeaseRequest): Promise<void> {
  const terms = checkRequest(ctx, consumer, req)
  if ('code' in terms) {
    await sendReject(channel, terms.code, terms.message)
    return
  }
  // a retried request never makes a second lease: it gets the first one's answer
  const existing = await ctx.ledger.getLease(terms.leaseId)
  if (existing != null) {
    await sendLeaseState(channel, existing)
    return
  }
  if (ctx.negotiations.has(terms.leaseId)) {
    await sendReject(channel, RejectCode.BUSY, 'that request is being negotiated already')
    return
  }
  if (ctx.negotiations.size >= ctx.config.maxNegotiations) {
    await sendReject(channel, RejectCode.BUSY, 'too many negotiations in progress; try again shortly')
    return
  }
  ctx.negotiations.add(terms.leaseId)
  try {
    // a hold left by an earlier attempt of this request (its stream died) is replaced
    await ctx.ledger.releaseHold(terms.leaseId)
    await quoteUntilSettled(ctx, channel, consumer, req, terms)
  } finally {
    ctx.negotiations.delete(terms.leaseId)
    await ctx.ledger.releaseHold(terms.leaseId)
  }
}

async function quoteUntilSettled (ctx: ProviderContext, channel: LeaseChannel, consumer: PeerId, req: LeaseRequest, terms: Terms): Promise<void> {
  const ttlMs = ctx.config.quoteTtlSec * 1000
  let expiresAt: number
  try {
    expiresAt = (await ctx.ledger.hold({ id: terms.leaseId, pool: terms.pool.name, gpus: req.gpus, ttlMs })).expiresAt
  } catch (err) {
    if (err instanceof NoCapacityError) return sendReject(channel, RejectCode.NO_CAPACITY, err.message)
    if (err instanceof UnknownPoolError) return sendReject(channel, RejectCode.UNKNOWN_POOL, err.message)
    throw err
  }
  const policy = policyOf(ctx, terms.pool)
  let price = terms.price
  for (let round = 0; ; round++) {
    const start = Date.now()
    const agreement = Agreement.encode({
      leaseId: terms.leaseId,
      requestId: req.requestId,
      cpi: req.cpi,
      consumer: consumer.toString(),
      gpus: req.gpus,
      microsPerGpuHour: price,
      currency: terms.pool.price.currency,
      start: BigInt(start),
      end: BigInt(start + req.durationSec * 1000),
      version: 1
    })
    const providerSignature = await signAgreement(ctx.privateKey, agreement)
    await channel.send({ quote: { agreement, providerSignature, expiresAt: BigInt(expiresAt), round } })

    const next = await channel.receive(Math.max(1, expiresAt - Date.now()))
    if (next.counter != null) {
      const answer = answerCounter(policy, price, next.counter.microsPerGpuHour, round)
      if ('reject' in answer) return sendReject(channel, RejectCode.PRICE, answer.reject)
      price = answer.price
      try {
        expiresAt = (await ctx.ledger.extendHold(terms.leaseId, ttlMs)).expiresAt
      } catch (err) {
        // a Counter that arrived as the quote ran out: the hold has lapsed, and the consumer is told so
        if (err instanceof HoldNotFoundError) return sendReject(channel, RejectCode.EXPIRED, 'the quote expired before the counter-offer arrived')
        throw err
      }
      continue
    }
    if (next.accept == null) return sendReject(channel, RejectCode.INVALID, 'expected Counter or Accept')
    if (Date.now() > expiresAt) return sendReject(channel, RejectCode.EXPIRED, 'the quote expired before it was accepted')
    if (!equals(next.accept.agreementHash, agreementHash(agreement))) {
      return sendReject(channel, RejectCode.INVALID, 'the accepted agreement is not the one quoted')
    }
    if (!await verifyAgreementSignature(consumer, agreement, next.accept.consumerSignature)) {
      return sendReject(channel, RejectCode.INVALID, 'the consumer signature does not verify')
    }
    await grant(ctx, channel, { agreement, providerSignature, consumerSignature: next.accept.consumerSignature }, terms, req, consumer)
    return
  }
}

/** Start hook, synced commit, Grant: in that order, so a Grant is only ever sent for a lease on disk. */
async function grant (ctx: ProviderContext, channel: LeaseChannel, lease: SignedLease, terms: Terms, req: LeaseRequest, consumer: PeerId): Promise<void> {
  const agreement = Agreement.decode(lease.agreement)
  const hookLease: HookLease = {
    leaseId: terms.leaseId,
    cpi: req.cpi,
    pool: terms.pool.name,
    consumer: consumer.toString(),
    gpus: req.gpus,
    start: Number(agreement.start),
    end: Number(agreement.end)
  }
  let access: Record<string, unknown> = {}
  if (ctx.config.startHook.length > 0) {
    const hookTimeoutMs = ctx.config.hookTimeoutSec * 1000
    try {
      // the quote's hold must outlive the hook, or its GPUs could go to another consumer meanwhile
      await ctx.ledger.extendHold(terms.leaseId, hookTimeoutMs + HOLD_COMMIT_MARGIN_MS)
    } catch (err) {
      if (err instanceof HoldNotFoundError) return sendReject(channel, RejectCode.EXPIRED, 'the quote expired before it was accepted')
      throw err
    }
    try {
      access = await runHook({ command: ctx.config.startHook, lease: hookLease, event: 'start', timeoutMs: hookTimeoutMs })
      const bytes = Buffer.byteLength(JSON.stringify(access))
      if (bytes > ACCESS_MAX_BYTES) {
        runEndHook(ctx, hookLease)
        throw new Error(`the start hook's access details are ${bytes} bytes, more than ${ACCESS_MAX_BYTES}`)
      }
    } catch (err) {
      ctx.log.warn('start hook failed; lease refused', { lease: terms.leaseId, error: (err as Error).message })
      return sendReject(channel, RejectCode.START_FAILED, (err as Error).message)
    }
  }
  try {
    await ctx.ledger.commit({
      holdId: terms.leaseId,
      leaseId: terms.leaseId,
      start: hookLease.start,
      end: hookLease.end,
      data: leaseData(lease, access)
    })
  } catch (err) {
    const expired = err instanceof HoldNotFoundError
    if (!expired) ctx.log.error('lease commit failed', { lease: terms.leaseId, error: (err as Error).message })
    // whatever the start hook set up for a lease that does not exist is torn down again
    if (ctx.config.startHook.length > 0) runEndHook(ctx, hookLease)
    return sendReject(channel, expired ? RejectCode.EXPIRED : RejectCode.INTERNAL, expired ? 'the quote expired before the lease was committed' : 'the provider could not record the lease')
  }
  ctx.log.info('lease granted', { lease: terms.leaseId, pool: terms.pool.name, gpus: req.gpus, consumer: consumer.toString() })
  await channel.send({ grant: { lease, access: JSON.stringify(access) } })
}
