/**
 * Domain-separated signatures by a node key. A signature covers an ASCII
 * prefix naming the kind of record, then the record's bytes exactly as they
 * travel, so a signature made for one kind of record (an offer) never
 * verifies as another (a price update), and verifiers never re-encode.
 */
import type { PeerId, PrivateKey, PublicKey } from '@libp2p/interface'
import { concat } from 'uint8arrays/concat'
import { fromString as utf8 } from 'uint8arrays/from-string'

function payload (domain: string, bytes: Uint8Array): Uint8Array {
  return concat([utf8(domain), bytes])
}

export async function signWithDomain (key: PrivateKey, domain: string, bytes: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  // copied: the key may hand back a view on a shared buffer, messages want their own
  return new Uint8Array(await key.sign(payload(domain, bytes)))
}

/** True when `signature` is `key`'s over domain || bytes; false for any failure, never throws. */
export async function verifyWithDomain (key: PublicKey, domain: string, bytes: Uint8Array, signature: Uint8Array): Promise<boolean> {
  try {
    return await key.verify(payload(domain, bytes), signature)
  } catch {
    return false
  }
}

/** As verifyWithDomain, with the key a PeerId embeds (Ed25519); false when it embeds none. */
export async function verifyByPeer (signer: PeerId, domain: string, bytes: Uint8Array, signature: Uint8Array): Promise<boolean> {
  return signer.publicKey != null && verifyWithDomain(signer.publicKey, domain, bytes, signature)
}
