/**
 * Asks the provider what became of a request the consumer accepted. Used when
 * the Grant did not arrive, and by the reconciler for every pending lease.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { fromString as fromHex } from 'uint8arrays/from-string'
import { LeaseRejectedError, LeaseProtocolError } from '../errors.ts'
import { RejectCode } from '../pb/lease.ts'
import { openChannel, storeEnded, storeGrant, type ConsumerContext } from './context.ts'
import type { ConsumerLease } from './store.ts'

/** The record as the provider's answer leaves it, or `undecided` while the provider is still negotiating. */
export async function queryLease (ctx: ConsumerContext, record: ConsumerLease): Promise<ConsumerLease | 'undecided'> {
  const channel = await openChannel(ctx, peerIdFromString(record.provider))
  try {
    await channel.send({ query: { requestId: fromHex(record.requestId, 'base16') } })
    const answer = await channel.receive()
    if (answer.grant != null) return await storeGrant(ctx, record, answer.grant)
    if (answer.ended != null) return await storeEnded(ctx, record, answer.ended)
    if (answer.reject?.code === RejectCode.BUSY) return 'undecided'
    if (answer.reject?.code === RejectCode.NOT_FOUND) {
      // the provider has neither a lease nor a negotiation for it: none will ever exist
      return await ctx.store.put({ ...record, status: 'failed', error: `the provider has no lease for this request: ${answer.reject.message}` })
    }
    if (answer.reject != null) throw new LeaseRejectedError(answer.reject.code, answer.reject.message)
    throw new LeaseProtocolError('expected Grant, Ended or Reject in answer to Query')
  } finally {
    await channel.close()
  }
}
