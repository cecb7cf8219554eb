/** What the consumer's lease operations share, and the checks they all make on what comes back. */
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { toString as toBase64 } from 'uint8arrays/to-string'
import type { Logger } from '../../log/logger.ts'
import { verifySignedLease } from '../agreement.ts'
import { LeaseChannel, streamFailure } from '../channel.ts'
import type { LeaseNetwork } from '../network.ts'
import { ACCESS_MAX_BYTES, LEASE_PROTOCOL } from '../constants.ts'
import { LeaseEndedError, LeaseFailedError, LeaseProtocolError, LeaseUnconfirmedError } from '../errors.ts'
import { SignedLease, type Ended, type Grant } from '../pb/lease.ts'
import type { ConsumerLease, ConsumerLeaseStore } from './store.ts'

export interface ConsumerContext {
  network: Pick<LeaseNetwork, 'dialProtocol'>
  self: PeerId
  privateKey: PrivateKey
  store: ConsumerLeaseStore
  log: Logger
  stepTimeoutMs: number
  /** How long the Grant may take after the Accept: the provider provisions in between. */
  grantTimeoutMs: number
}

/**
 * Opening is tried twice within one step's time: nothing has been sent yet,
 * so a second try is always safe, and the connection that failed the first
 * (one closing as the stream opened, e.g. libp2p's redial of a restarted
 * provider racing a fresh dial) is gone by then. Seen in the chaos test: the
 * first request after a provider restart failed with a stream error.
 */
const OPEN_ATTEMPTS = 2

export async function openChannel (ctx: ConsumerContext, provider: PeerId): Promise<LeaseChannel> {
  const signal = AbortSignal.timeout(ctx.stepTimeoutMs)
  for (let attempt = 1; ; attempt++) {
    try {
      const stream = await ctx.network.dialProtocol(provider, LEASE_PROTOCOL, { signal })
      return new LeaseChannel(stream, ctx.stepTimeoutMs)
    } catch (err) {
      if (attempt >= OPEN_ATTEMPTS || signal.aborted) throw streamFailure(err, `opening a lease stream to ${provider.toString()}`, ctx.stepTimeoutMs)
      ctx.log.debug('opening a lease stream failed; trying again', { provider: provider.toString(), error: (err as Error).message })
    }
  }
}

function parseAccess (text: string): Record<string, unknown> {
  if (text.length > ACCESS_MAX_BYTES) throw new LeaseProtocolError(`access details over ${ACCESS_MAX_BYTES} bytes`)
  try {
    const value: unknown = JSON.parse(text === '' ? '{}' : text)
    if (value == null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not a JSON object')
    return value as Record<string, unknown>
  } catch (err) {
    throw new LeaseProtocolError(`access details are not a JSON object: ${(err as Error).message}`)
  }
}

/** Verifies a signed lease about `record` (both signatures, our lease id, our key, its provider). */
async function checkLease (ctx: ConsumerContext, record: ConsumerLease, lease: SignedLease): Promise<void> {
  const parsed = await verifySignedLease(lease)
  if (parsed.agreement.leaseId !== record.leaseId) throw new LeaseProtocolError('the lease is for another request')
  if (!parsed.consumer.equals(ctx.self)) throw new LeaseProtocolError('the lease names another consumer')
  if (parsed.provider.toString() !== record.provider) throw new LeaseProtocolError('the lease is signed by another provider')
}

/** Records a Grant: the lease is now active on both sides. */
export async function storeGrant (ctx: ConsumerContext, record: ConsumerLease, grant: Grant): Promise<ConsumerLease> {
  if (grant.lease == null) throw new LeaseProtocolError('a Grant without a lease')
  await checkLease(ctx, record, grant.lease)
  return ctx.store.put({ ...record, status: 'active', lease: toBase64(SignedLease.encode(grant.lease), 'base64'), access: parseAccess(grant.access), error: undefined })
}

/** Records that the provider says the lease is over. */
export async function storeEnded (ctx: ConsumerContext, record: ConsumerLease, ended: Ended): Promise<ConsumerLease> {
  if (ended.lease == null) throw new LeaseProtocolError('an Ended without a lease')
  await checkLease(ctx, record, ended.lease)
  const status = ended.status === 'released' ? 'released' : 'expired'
  return ctx.store.put({ ...record, status, lease: toBase64(SignedLease.encode(ended.lease), 'base64'), ...(ended.endedAt > 0n ? { endedAt: Number(ended.endedAt) } : {}) })
}

/**
 * What a lease call (request, renewal) returns: the lease only when it is
 * granted and active. Any other outcome is the error that names it, so a
 * caller that checks for an error never takes a lease it does not hold.
 */
export function granted (record: ConsumerLease): ConsumerLease {
  const outcome = { leaseId: record.leaseId, status: record.status }
  switch (record.status) {
    case 'active':
      return record
    case 'failed':
      throw new LeaseFailedError(`lease ${record.leaseId} was not granted: ${record.error ?? 'the provider has no lease for it'}`, { details: outcome })
    case 'released':
    case 'expired':
      throw new LeaseEndedError(`lease ${record.leaseId} is ${record.status}: the provider says it is over`, { details: outcome })
    case 'pending':
      throw new LeaseUnconfirmedError(`lease ${record.leaseId} was accepted but ${record.provider} has not confirmed it; it stays pending and will be asked about again`, { details: outcome })
  }
}
