/**
 * The two fixed node keys every vector is made with: Ed25519 keys from fixed
 * 32-byte seeds (the provider's is the bytes 0x00..0x1f, the consumer's
 * 0x20..0x3f), so that every signature in docs/vectors/ can be made again
 * byte for byte (Ed25519 signatures are deterministic).
 */
import { generateKeyPairFromSeed, privateKeyToProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { hex, type KeyName, type KeysFile, type KeyVector } from './format.ts'

export interface VectorKey {
  seed: Uint8Array
  key: PrivateKey
  peerId: PeerId
}

export type VectorKeys = Record<KeyName, VectorKey>

function seedFrom (first: number): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => first + i)
}

async function keyFrom (seed: Uint8Array): Promise<VectorKey> {
  const key = await generateKeyPairFromSeed('Ed25519', seed)
  return { seed, key, peerId: peerIdFromPrivateKey(key) }
}

export async function vectorKeys (): Promise<VectorKeys> {
  return { provider: await keyFrom(seedFrom(0x00)), consumer: await keyFrom(seedFrom(0x20)) }
}

function keyVector ({ seed, key, peerId }: VectorKey): KeyVector {
  return {
    seed: hex(seed),
    privateKeyProtobuf: hex(privateKeyToProtobuf(key)),
    publicKey: hex(key.publicKey.raw),
    publicKeyProtobuf: hex(publicKeyToProtobuf(key.publicKey)),
    peerId: peerId.toString(),
    peerIdBytes: hex(peerId.toMultihash().bytes)
  }
}

export function keysFile (keys: VectorKeys): KeysFile {
  return {
    about: 'The node keys every other vector file is made with: Ed25519 from fixed seeds.',
    keys: { provider: keyVector(keys.provider), consumer: keyVector(keys.consumer) }
  }
}
