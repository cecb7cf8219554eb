/**
 * The provider's /cpnet/lease/1.0.0 handler: the first frame says what the
 * stream is for (a new lease, a renewal, a release or a query), one file per
 * kind. A malformed frame gets Reject INVALID and a reset; any other failure a
 * reset. Either way the node goes on serving others.
 */
import type { Stream } from '@libp2p/interface'
import { LeaseChannel } from '../channel.ts'
import { LeaseProtocolError } from '../errors.ts'
import type { LeaseConnection, LeaseStreamHandler } from '../network.ts'
import { RejectCode, sendReject } from './answers.ts'
import type { ProviderContext } from './context.ts'
import { negotiate } from './negotiate.ts'
import { query } from './query.ts'
import { release } from './release.ts'
import { renew } from './renew.ts'

export function leaseHandler (ctx: ProviderContext): LeaseStreamHandler {
  return async (stream: Stream, connection: LeaseConnection) => {
    const channel = new LeaseChannel(stream, ctx.config.stepTimeoutSec * 1000)
    const consumer = connection.remotePeer
    try {
      const first = await channel.receive()
      if (first.request != null) await negotiate(ctx, channel, consumer, first.request)
      else if (first.renew != null) await renew(ctx, channel, consumer, first.renew)
      else if (first.release != null) await release(ctx, channel, consumer, first.release)
      else if (first.query != null) await query(ctx, channel, consumer, first.query)
      else await sendReject(channel, RejectCode.INVALID, 'a lease stream opens with LeaseRequest, Renew, Release or Query')
      await channel.close()
    } catch (err) {
      ctx.log.debug('lease stream failed', { peer: consumer.toString(), error: (err as Error).message })
      if (err instanceof LeaseProtocolError) {
        await sendReject(channel, RejectCode.INVALID, (err as Error).message).catch(() => {})
      }
      channel.abort(err as Error)
    }
  }
}
