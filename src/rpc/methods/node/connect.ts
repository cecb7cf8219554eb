import { Type } from '@sinclair/typebox'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { KEEP_ALIVE } from '@libp2p/interface'
import { defineMethod } from '../../registry.ts'
import { ErrorCode, InvalidParamsError, RpcError } from '../../errors.ts'
import type { RpcComponents } from '../components.ts'

const DIAL_TIMEOUT_MS = 15_000
/** Peers dialled by hand are kept: libp2p redials them after a drop or a restart. */
const MANUAL_PEER_TAG_VALUE = 50

export function nodeConnect (components: Pick<RpcComponents, 'libp2p' | 'discovery'>) {
  return defineMethod({
    name: 'node_connect',
    summary: 'Dial a peer by multiaddr (with /p2p/<peerId>) and keep it connected',
    description: `Dials the peer (at most ${DIAL_TIMEOUT_MS / 1000} s), tags it keep-alive so that libp2p redials it after a drop or a restart, and fetches its offers into the search cache (at most discovery.fetchTimeoutMs). A search right after node_connect therefore asks this peer too, whether or not the DHT or gossip has named it yet. A dial that fails is -32000; data.name names the cause.`,
    permission: 'write',
    params: Type.Object({
      multiaddr: Type.String({ minLength: 1, description: 'Must end in /p2p/<peerId>, e.g. /ip4/127.0.0.1/tcp/7781/p2p/12D3KooW...' })
    }, { additionalProperties: false }),
    result: Type.Object({
      peerId: Type.String({ description: "The peer's PeerId" }),
      remoteAddr: Type.String({ description: 'The multiaddr of the connection' }),
      offers: Type.Integer({ minimum: 0, description: 'Live offers the peer has; fetched into the search cache, so a search right after connect asks this peer too' })
    }),
    handler: async (params, ctx) => {
      let ma: Multiaddr
      try {
        ma = multiaddr(params.multiaddr)
      } catch (err) {
        throw new InvalidParamsError('/multiaddr', `not a multiaddr: ${(err as Error).message}`)
      }
      if (ma.getComponents().find(c => c.name === 'p2p') == null) {
        throw new InvalidParamsError('/multiaddr', 'needs a /p2p/<peerId> part')
      }
      try {
        const conn = await components.libp2p.dial(ma, { signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(DIAL_TIMEOUT_MS)]) })
        await components.libp2p.peerStore.merge(conn.remotePeer, { tags: { [KEEP_ALIVE]: { value: MANUAL_PEER_TAG_VALUE } } })
        const offers = await components.discovery.search.learnFrom(conn.remotePeer)
        return { peerId: conn.remotePeer.toString(), remoteAddr: conn.remoteAddr.toString(), offers }
      } catch (err) {
        throw new RpcError(ErrorCode.SERVER_ERROR, `could not connect to ${params.multiaddr}: ${(err as Error).message}`, { name: (err as Error).name })
      }
    }
  })
}
