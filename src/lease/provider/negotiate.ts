/**
 * The provider's side of a new lease: LeaseRequest → Quote (devices held) →
 * [Counter → Quote]* → Accept → provisioning → synced commit → Grant. The
 * hold is released on every path that does not end in a committed lease, and
 * what was provisioned for a lease that did not commit is taken down again.
 */
import type { PeerId } from '@libp2p/interface'
import { equals } from 'uint8arrays/equals'
import { parseCpi } from '../../identity/cpi.ts'
import type { Pool } from '../../inventory/pool.ts'
import { HoldNotFoundError, NoCapacityError, UnknownPoolError } from '../../ledger/errors.ts'
import { agreementHash, leaseIdFor, signAgreement, verifyAgreementSignature } from '../agreement.ts'
import type { LeaseChannel } from '../channel.ts'
import type { AccessRequest, ProvisionLease } from '../../provision/types.ts'
import { ProvisionNoCapacityError } from '../../provision/errors.ts'
import type { SlurmPoolSpec } from '../../config/pool-schema.ts'
import { accessHash, checkAccessPolicy, decodeAccessRequest, isAccessRefusal } from '../access-request.ts'
import { ACCESS_MAX_BYTES, HOLD_COMMIT_MARGIN_MS, REQUEST_ID_MAX_BYTES, REQUEST_ID_MIN_BYTES } from '../constants.ts'
import { Agreement, type LeaseRequest, type SignedLease } from '../pb/lease.ts'
import { answerCounter, openingPrice, type PricePolicy } from '../policy.ts'
import { RejectCode, sendLeaseState, sendReject } from './answers.ts'
import { leaseData, type ProviderContext } from './context.ts'

interface Refusal { code: RejectCode, message: string }
interface Terms { pool: Pool, price: bigint, leaseId: string, access: AccessRequest }

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
  // nothing is held or provisioned for a request whose access the pool would refuse
  const access = decodeAccessRequest(req.access)
  if (isAccessRefusal(access)) return refuse(access.code, access.message)
  const policy = checkAccessPolicy(access, pool)
  if (policy != null) return refuse(policy.code, policy.message)
  return { pool, price: opening.price, leaseId: leaseIdFor(consumer, req.requestId), access }
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
  let devices: number[]
  if (terms.pool.slurm != null) {
    // Slurm is the authority on free GPUs: what it has now (another job may have taken some) bounds the hold
    await ctx.inventory.refreshSlurm()
    const fresh = ctx.inventory.get(terms.pool.name)
    if (fresh == null) return sendReject(channel, RejectCode.NO_CAPACITY, `Slurm has no usable GPU for pool ${terms.pool.name} now`)
    terms = { ...terms, pool: fresh }
  }
  try {
    ({ expiresAt, devices } = await ctx.ledger.hold({ id: terms.leaseId, pool: terms.pool.name, gpus: req.gpus, ttlMs, countOnly: terms.pool.slurm != null }))
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
      version: 1,
      accessHash: accessHash(req.access)
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
    await grant(ctx, channel, { agreement, providerSignature, consumerSignature: next.accept.consumerSignature }, terms, devices)
    return
  }
}

/** What the provisioner gets: the lease's devices (with what the pool knows of them) and its share of the pool's CPUs and RAM. */
function provisionLease (pool: Pool, agreement: Agreement, devices: number[], access: AccessRequest): ProvisionLease {
  // a fraction, never rounded down to 0 (which would mean no limit): 4 cores over 8 GPUs is 0.5 a GPU
  const share = (amount: number): number => Math.round(amount * agreement.gpus / pool.gpus * 100) / 100
  const slurm = pool.slurm == null ? undefined : selection(pool.slurm)
  return {
    leaseId: agreement.leaseId,
    cpi: agreement.cpi,
    pool: pool.name,
    consumer: agreement.consumer,
    vendor: pool.vendor,
    gpus: agreement.gpus,
    devices: devices.map(index => pool.devices.find(d => d.index === index) ?? { index }),
    start: Number(agreement.start),
    end: Number(agreement.end),
    cpuCores: share(pool.cpuCores),
    ramGib: share(pool.ramGib),
    // a container pool's default image is the first it allows
    access: pool.provisioner === 'container' ? { ...access, image: access.image ?? pool.images[0] } : access,
    ...(slurm != null ? { slurm } : {})
  }
}

/** A Slurm pool's selection, without its last reading. */
function selection ({ partition, gresType, feature, account }: NonNullable<Pool['slurm']>): SlurmPoolSpec {
  return { partition, ...(gresType != null ? { gresType } : {}), ...(feature != null ? { feature } : {}), ...(account != null ? { account } : {}) }
}

/** Provisioning, synced commit, Grant: in that order, so a Grant is only ever sent for a lease on disk that can be reached. */
async function grant (ctx: ProviderContext, channel: LeaseChannel, lease: SignedLease, terms: Terms, devices: number[]): Promise<void> {
  const agreement = Agreement.decode(lease.agreement)
  const kind = terms.pool.provisioner
  const provision = provisionLease(terms.pool, agreement, devices, terms.access)
  try {
    // the quote's hold must outlive the provisioning, or its devices could go to another consumer
    // meanwhile; in memory only, so that a crash mid-provisioning keeps the GPUs no longer than the quote did
    await ctx.ledger.extendHold(terms.leaseId, ctx.config.provisionTimeoutSec * 1000 + HOLD_COMMIT_MARGIN_MS, { persist: false })
  } catch (err) {
    if (err instanceof HoldNotFoundError) return sendReject(channel, RejectCode.EXPIRED, 'the quote expired before it was accepted')
    throw err
  }
  let access: Record<string, unknown>
  try {
    access = await ctx.provisioning.provision(kind, provision)
    const bytes = Buffer.byteLength(JSON.stringify(access))
    if (bytes > ACCESS_MAX_BYTES) {
      await ctx.provisioning.remove(kind, provision)
      throw new Error(`the ${kind} provisioner's access details are ${bytes} bytes, more than ${ACCESS_MAX_BYTES}`)
    }
  } catch (err) {
    ctx.log.warn('provisioning failed; lease refused', { lease: terms.leaseId, provisioner: kind, error: (err as Error).message })
    // a scheduler that would not give the GPUs (Slurm, busy with other jobs) is a lack of capacity, not a fault
    return sendReject(channel, err instanceof ProvisionNoCapacityError ? RejectCode.NO_CAPACITY : RejectCode.START_FAILED, (err as Error).message)
  }
  try {
    await ctx.ledger.commit({
      holdId: terms.leaseId,
      leaseId: terms.leaseId,
      start: provision.start,
      end: provision.end,
      data: leaseData(lease, access, { kind, lease: provision })
    })
  } catch (err) {
    const expired = err instanceof HoldNotFoundError
    if (!expired) ctx.log.error('lease commit failed', { lease: terms.leaseId, error: (err as Error).message })
    // whatever was set up for a lease that does not exist is taken down again
    await ctx.provisioning.remove(kind, provision)
    return sendReject(channel, expired ? RejectCode.EXPIRED : RejectCode.INTERNAL, expired ? 'the quote expired before the lease was committed' : 'the provider could not record the lease')
  }
  ctx.log.info('lease granted', { lease: terms.leaseId, pool: terms.pool.name, devices, consumer: agreement.consumer, provisioner: kind })
  await channel.send({ grant: { lease, access: JSON.stringify(access) } })
}
