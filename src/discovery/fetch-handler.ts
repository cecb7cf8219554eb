/**
 * The provider's side of `/cpnet/offers/1.0.0`: one length-prefixed
 * OffersRequest in, one OffersResponse out with the provider's current signed
 * offers (fresh availability), then the stream closes. Frames over their cap,
 * a slow peer or a malformed request abort the stream; the node carries on.
 */
import type { Connection, Stream, StreamHandler } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import type { Logger } from '../log/logger.ts'
import { FETCH_HANDLER_TIMEOUT_MS, FETCH_REQUEST_MAX_BYTES, FETCH_RESPONSE_MAX_BYTES, MAX_POOLS_PER_PROVIDER } from './constants.ts'
import { OffersRequest, OffersResponse, SignedOffer } from './pb/offer.ts'

/** The signed offers to serve, by pool name. */
export type CurrentOffers = () => ReadonlyMap<string, Uint8Array>

export function offersHandler (current: CurrentOffers, log: Logger, timeoutMs = FETCH_HANDLER_TIMEOUT_MS): StreamHandler {
  return async (stream: Stream, connection: Connection) => {
    const signal = AbortSignal.timeout(timeoutMs)
    try {
      const lp = lpStream(stream, { maxDataLength: FETCH_REQUEST_MAX_BYTES })
      const request = OffersRequest.decode(await lp.read({ signal }), { limits: { pools: MAX_POOLS_PER_PROVIDER } })
      const offers = current()
      const wanted = request.pools.length === 0 ? [...offers.keys()] : request.pools
      const response = OffersResponse.encode({
        offers: wanted.flatMap(pool => {
          const bytes = offers.get(pool)
          return bytes != null ? [SignedOffer.decode(bytes)] : []
        })
      })
      if (response.byteLength > FETCH_RESPONSE_MAX_BYTES) throw new Error(`response of ${response.byteLength} bytes is over the cap`)
      await lp.write(response, { signal })
      await stream.close({ signal })
    } catch (err) {
      log.debug('offers request failed', { peer: connection.remotePeer.toString(), error: (err as Error).message })
      stream.abort(err as Error)
    }
  }
}
