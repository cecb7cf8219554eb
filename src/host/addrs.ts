/**
 * The addresses a node states in what it signs (offers, price updates): its
 * transport multiaddrs without /p2p/, since the PeerId is in the CPI.
 */
import type { Multiaddr } from '@multiformats/multiaddr'
import type { CpnetLibp2p } from './libp2p.ts'

/** The multiaddr code of /p2p/. */
const PROTOCOL_P2P = 421

export function ownTransportAddrs (libp2p: CpnetLibp2p): Multiaddr[] {
  return libp2p.getMultiaddrs().map(ma => ma.decapsulateCode(PROTOCOL_P2P))
}
