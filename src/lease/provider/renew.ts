/**
 * Renewal: the consumer sends the next version of the agreement (same terms, a
 * later end, version + 1) already signed; the provider checks it against the
 * lease it holds, countersigns, extends the lease's access, stores it synced,
 * and answers with the Grant (its access showing the new expiry).
 * The checks run in the order docs/PROTOCOL.md §8.4 lists them.
 */
import type { PeerId } from '@libp2p/interface'
import { equals } from 'uint8arrays/equals'
import { parseAgreement, signAgreement, verifyAgreementSignature } from '../agreement.ts'
import type { LeaseChannel } from '../channel.ts'
import { Agreement, type Renew } from '../pb/lease.ts'
import { RejectCode, sendLeaseState, sendReject } from './answers.ts'
import { accessOf, leaseData, provisionedLease, signedLeaseInLedger, type ProviderContext } from './context.ts'

/** The fields a renewal may not change. */
const FIXED: Array<keyof Agreement> = ['leaseId', 'cpi', 'consumer', 'gpus', 'microsPerGpuHour', 'currency', 'start']

export async function renew (ctx: ProviderContext, channel: LeaseChannel, consumer: PeerId, msg: Renew): Promise<void> {
  const next = parseAgreement(msg.agreement)
  // both peers sign these bytes as sent: extra or reordered fields would be co-signed terms that other decoders read otherwise
  if (!equals(Agreement.encode(next.agreement), msg.agreement)) return sendReject(channel, RejectCode.INVALID, 'the renewed agreement is not in its canonical encoding (docs/PROTOCOL.md §8.1)')
  if (!next.consumer.equals(consumer)) return sendReject(channel, RejectCode.INVALID, 'only the lease\'s consumer may renew it')
  const entry = await ctx.ledger.getLease(next.agreement.leaseId)
  if (entry == null) return sendReject(channel, RejectCode.NOT_FOUND, `no lease ${next.agreement.leaseId}`)
  if (entry.status !== 'active') return sendLeaseState(channel, entry)
  const current = Agreement.decode(signedLeaseInLedger(entry).agreement)
  const changed = FIXED.filter(k => String(current[k]) !== String(next.agreement[k]))
  if (!equals(current.requestId, next.agreement.requestId)) changed.push('requestId')
  if (!equals(current.accessHash, next.agreement.accessHash)) changed.push('accessHash')
  if (changed.length > 0) return sendReject(channel, RejectCode.INVALID, `a renewal may only change end and version (changed: ${changed.join(', ')})`)
  if (next.agreement.version !== current.version + 1) return sendReject(channel, RejectCode.INVALID, `expected version ${current.version + 1}`)
  if (next.agreement.end <= current.end) return sendReject(channel, RejectCode.DURATION, 'a renewal must end later than the lease')
  const pool = ctx.inventory.get(next.cpi.pool)
  if (pool == null) return sendReject(channel, RejectCode.UNKNOWN_POOL, `pool ${next.cpi.pool} is no longer offered`)
  if (Number(next.agreement.end) - Date.now() > pool.maxLeaseSec * 1000) {
    return sendReject(channel, RejectCode.DURATION, `pool ${pool.name} leases at most ${pool.maxLeaseSec} s ahead`)
  }
  if (!await verifyAgreementSignature(consumer, msg.agreement, msg.consumerSignature)) {
    return sendReject(channel, RejectCode.INVALID, 'the consumer signature does not verify')
  }
  const lease = { agreement: msg.agreement, providerSignature: await signAgreement(ctx.privateKey, msg.agreement), consumerSignature: msg.consumerSignature }
  const end = Number(next.agreement.end)
  const provisioned = provisionedLease(entry)
  let access = accessOf(entry)
  if (provisioned != null) {
    // the access reaches the new end before the renewal is recorded: a lease is never renewed with a login that stops early
    const extended = { ...provisioned.lease, end }
    try {
      const answer = await ctx.provisioning.extend(provisioned.kind, extended)
      // a hook's extend says nothing new: its access stays what the start hook printed
      if (Object.keys(answer).length > 0) access = answer
    } catch (err) {
      ctx.log.warn('could not extend a lease\'s access; renewal refused', { lease: entry.id, error: (err as Error).message })
      return sendReject(channel, RejectCode.INTERNAL, `the provider could not extend the lease's access: ${(err as Error).message}`)
    }
    provisioned.lease = extended
  }
  await ctx.ledger.renew(entry.id, end, leaseData(lease, access, provisioned))
  ctx.log.info('lease renewed', { lease: entry.id, end: Number(next.agreement.end) })
  await channel.send({ grant: { lease, access: JSON.stringify(access) } })
}
