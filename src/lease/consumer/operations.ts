/**
 * Renew and release, from the consumer's side. Both speak for an active
 * lease the consumer holds and record the provider's answer.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { equals } from 'uint8arrays/equals'
import { fromString as fromBase64 } from 'uint8arrays/from-string'
import { signWithDomain } from '../../identity/domain-signature.ts'
import { releasePayload, signAgreement } from '../agreement.ts'
import { RELEASE_SIGNATURE_DOMAIN } from '../constants.ts'
import { LeaseNotActiveError, LeaseProtocolError, LeaseRejectedError } from '../errors.ts'
import { Agreement, SignedLease, type LeaseMessage } from '../pb/lease.ts'
import { granted, openChannel, storeEnded, storeGrant, type ConsumerContext } from './context.ts'
import type { ConsumerLease } from './store.ts'

/** The co-signed lease in a consumer's record; one not yet granted has none (LeaseProtocolError). */
export function signedLeaseInRecord (record: ConsumerLease): SignedLease {
  if (record.lease == null) throw new LeaseProtocolError(`lease ${record.leaseId} has no signed agreement yet (${record.status})`)
  return SignedLease.decode(fromBase64(record.lease, 'base64'))
}

/** One request, one answer, on a fresh stream. */
async function exchange (ctx: ConsumerContext, record: ConsumerLease, message: LeaseMessage): Promise<LeaseMessage> {
  const channel = await openChannel(ctx, peerIdFromString(record.provider))
  try {
    await channel.send(message)
    const answer = await channel.receive()
    if (answer.reject != null) throw new LeaseRejectedError(answer.reject.code, answer.reject.message)
    return answer
  } finally {
    await channel.close()
  }
}

/** The next version of an agreement: the same terms, `extendSec` later, version + 1; what the consumer signs in a Renew. */
export function renewedAgreement (current: Agreement, extendSec: number): Uint8Array<ArrayBuffer> {
  return Agreement.encode({ ...current, end: current.end + BigInt(extendSec * 1000), version: current.version + 1 })
}

/** Extends the lease by `extendSec`: the next agreement version, signed here, countersigned there. */
export async function renewLease (ctx: ConsumerContext, record: ConsumerLease, extendSec: number): Promise<ConsumerLease> {
  if (record.status !== 'active') throw new LeaseNotActiveError(`lease ${record.leaseId} is ${record.status}; only an active lease can be renewed`)
  const next = renewedAgreement(Agreement.decode(signedLeaseInRecord(record).agreement), extendSec)
  const answer = await exchange(ctx, record, { renew: { agreement: next, consumerSignature: await signAgreement(ctx.privateKey, next) } })
  // the lease ran out (or was released) before the renewal arrived: recorded, and an error to the caller
  if (answer.ended != null) return granted(await storeEnded(ctx, record, answer.ended))
  if (answer.grant?.lease == null || !equals(answer.grant.lease.agreement, next)) throw new LeaseProtocolError('the renewal was answered with another agreement')
  return storeGrant(ctx, record, answer.grant)
}

/** Idempotent: a lease already over is returned as it is. */
export async function releaseLease (ctx: ConsumerContext, record: ConsumerLease): Promise<ConsumerLease> {
  if (record.status === 'released' || record.status === 'expired' || record.status === 'failed') return record
  const consumerSignature = await signWithDomain(ctx.privateKey, RELEASE_SIGNATURE_DOMAIN, releasePayload(record.leaseId))
  const answer = await exchange(ctx, record, { release: { leaseId: record.leaseId, consumerSignature } })
  if (answer.ended == null) throw new LeaseProtocolError('expected Ended after Release')
  return storeEnded(ctx, record, answer.ended)
}
