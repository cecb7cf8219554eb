/**
 * Query: what became of a request? The Grant again, Ended, BUSY while it is
 * still being negotiated, or NOT_FOUND: then no lease exists and none will.
 * Never changes anything.
 */
import type { PeerId } from '@libp2p/interface'
import { leaseIdFor } from '../agreement.ts'
import type { LeaseChannel } from '../channel.ts'
import type { Query } from '../pb/lease.ts'
import { RejectCode, sendLeaseState, sendReject } from './answers.ts'
import type { ProviderContext } from './context.ts'

export async function query (ctx: ProviderContext, channel: LeaseChannel, consumer: PeerId, msg: Query): Promise<void> {
  // the id derives from the asking peer: nobody can query another consumer's leases
  const leaseId = leaseIdFor(consumer, msg.requestId)
  // taken before the lease is looked up: a negotiation that commits meanwhile is then found as a lease
  const negotiating = ctx.negotiations.has(leaseId)
  const entry = await ctx.ledger.getLease(leaseId)
  if (entry != null) return sendLeaseState(channel, entry)
  // still negotiating (a start hook can take a while): not an answer yet, ask again
  if (negotiating) return sendReject(channel, RejectCode.BUSY, 'the negotiation of that request is still in progress')
  // a hold without a live negotiation (this process restarted since) only lapses: it is never committed
  await sendReject(channel, RejectCode.NOT_FOUND, 'no lease for that request')
}
