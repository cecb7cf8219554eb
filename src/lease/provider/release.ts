/** Release: the consumer ends its lease now; answered with Ended, also when it had already ended. */
import type { PeerId } from '@libp2p/interface'
import { verifyByPeer } from '../../identity/domain-signature.ts'
import { LeaseNotFoundError } from '../../ledger/errors.ts'
import { releasePayload } from '../agreement.ts'
import type { LeaseChannel } from '../channel.ts'
import { RELEASE_SIGNATURE_DOMAIN } from '../constants.ts'
import { Agreement, type Release } from '../pb/lease.ts'
import { RejectCode, sendLeaseState, sendReject } from './answers.ts'
import { signedLeaseInLedger, type ProviderContext } from './context.ts'

export async function release (ctx: ProviderContext, channel: LeaseChannel, consumer: PeerId, msg: Release): Promise<void> {
  const entry = await ctx.ledger.getLease(msg.leaseId)
  if (entry == null) return sendReject(channel, RejectCode.NOT_FOUND, `no lease ${msg.leaseId}`)
  if (Agreement.decode(signedLeaseInLedger(entry).agreement).consumer !== consumer.toString()) {
    return sendReject(channel, RejectCode.INVALID, 'only the lease\'s consumer may release it')
  }
  if (!await verifyByPeer(consumer, RELEASE_SIGNATURE_DOMAIN, releasePayload(msg.leaseId), msg.consumerSignature)) {
    return sendReject(channel, RejectCode.INVALID, 'the release signature does not verify')
  }
  let ended = entry
  if (entry.status === 'active') {
    try {
      ended = await ctx.ledger.release(entry.id)
      ctx.log.info('lease released', { lease: entry.id })
    } catch (err) {
      // it expired between the read and the release: answer with what it is now
      if (!(err instanceof LeaseNotFoundError)) throw err
      ended = await ctx.ledger.getLease(entry.id) ?? entry
    }
  }
  await sendLeaseState(channel, ended)
}
