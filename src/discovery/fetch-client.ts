/**
 * The consumer's side of `/cpnet/offers/1.0.0`: asks a provider for its
 * current offers and returns the raw signed offers, unverified (the caller
 * verifies each one against the provider it came from).
 */
import type { PeerId } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import type { CpnetLibp2p } from '../host/libp2p.ts'
import { FETCH_RESPONSE_MAX_BYTES, MAX_POOLS_PER_PROVIDER, OFFERS_PROTOCOL } from './constants.ts'
import { FetchProtocolError } from './errors.ts'
import { OffersRequest, OffersResponse, SignedOffer } from './pb/offer.ts'

export interface FetchOptions {
  signal: AbortSignal
  /** Only these pools; all when empty or absent. */
  pools?: string[]
}

export async function fetchOffers (libp2p: CpnetLibp2p, peer: PeerId, options: FetchOptions): Promise<Uint8Array[]> {
  const { signal } = options
  const stream = await libp2p.dialProtocol(peer, OFFERS_PROTOCOL, { signal })
  try {
    const lp = lpStream(stream, { maxDataLength: FETCH_RESPONSE_MAX_BYTES })
    await lp.write(OffersRequest.encode({ pools: options.pools ?? [] }), { signal })
    let response: OffersResponse
    try {
      response = OffersResponse.decode(await lp.read({ signal }), { limits: { offers: MAX_POOLS_PER_PROVIDER } })
    } catch (err) {
      if (signal.aborted) throw err
      throw new FetchProtocolError(`bad offers response from ${peer.toString()}: ${(err as Error).message}`)
    }
    await stream.close({ signal })
    return response.offers.map(offer => SignedOffer.encode(offer))
  } catch (err) {
    stream.abort(err as Error)
    throw err
  }
}
