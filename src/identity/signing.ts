/**
 * Domain-separated Ed25519 signatures with the node key. Every kind of signed
 * record has its own domain prefix (`cpnet-offer-v1:`, `cpnet-lease-v1:`…), so a
 * signature over one kind can never be replayed as another.
 */
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { concat } from 'uint8arrays/concat'
import { fromString as utf8 } from 'uint8arrays/from-string'

export async function signDomain (key: PrivateKey, domain: string, bytes: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  // copied: the key may hand back a view on a shared buffer
  return new Uint8Array(await key.sign(concat([utf8(domain), bytes])))
}

/** False for a bad signature, and for a PeerId that does not embed its public key (only Ed25519 and secp256k1 do). */
export async function verifyDomain (signer: PeerId, domain: string, bytes: Uint8Array, signature: Uint8Array): Promise<boolean> {
  const key = signer.publicKey
  if (key == null) return false
  try {
    return await key.verify(concat([utf8(domain), bytes]), signature)
  } catch {
    return false
  }
}
