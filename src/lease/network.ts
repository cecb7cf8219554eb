/**
 * The part of a libp2p node that leases use: a handler for the lease protocol
 * and streams dialled to providers. A libp2p node is one; the lease tests
 * without a libp2p node wire two lease services with stream pairs instead.
 */
import type { AbortOptions, PeerId, Stream, StreamHandlerOptions } from '@libp2p/interface'

/** The connection a lease stream arrived on: who opened it. */
export interface LeaseConnection {
  remotePeer: PeerId
}

export type LeaseStreamHandler = (stream: Stream, connection: LeaseConnection) => void | Promise<void>

export interface LeaseNetwork {
  handle: (protocol: string, handler: LeaseStreamHandler, options?: StreamHandlerOptions) => Promise<void>
  unhandle: (protocol: string) => Promise<void>
  dialProtocol: (peer: PeerId, protocol: string, options?: AbortOptions) => Promise<Stream>
}
