/**
 * The shape of the vector files in docs/vectors/ and the few conversions
 * they need: bytes as lower-case hex, a decoded message as plain JSON (bytes
 * as hex, integers as numbers), and the message codecs by the names the files
 * use. The generator and the test share these, so both read and write one format.
 */
import { RPC } from '@libp2p/gossipsub/message'
import { fromString } from 'uint8arrays/from-string'
import { toString } from 'uint8arrays/to-string'
import { Offer, SignedOffer } from '../../src/discovery/pb/offer.ts'
import { Accept, AccessRequest, Agreement, Ended, Grant, LeaseMessage, LeaseRequest, Quote, Release, Renew, SignedLease } from '../../src/lease/pb/lease.ts'
import { PriceUpdate, SignedPriceUpdate } from '../../src/pricing/pb/price.ts'

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json }

/** One encoded protobuf message: its type (a name in CODECS), its bytes, and the fields they decode to. */
export interface MessageVector {
  type: MessageType
  hex: string
  fields: Json
}

/**
 * One Ed25519 signature: over `input` = UTF-8 of `domain` || `signed`, by the
 * key named `signer` in keys.json. `message` names the entry of `messages`
 * whose bytes are `signed`, when they are a message.
 */
export interface SignatureVector {
  signer: KeyName
  domain: string
  message?: string
  signed: string
  input: string
  signature: string
}

export type KeyName = 'provider' | 'consumer'

/** What every family file holds besides its own extras. */
export interface FamilyFile {
  about: string
  inputs: Record<string, Json>
  messages: Record<string, MessageVector>
  signatures: Record<string, SignatureVector>
}

export interface KeyVector {
  seed: string
  privateKeyProtobuf: string
  publicKey: string
  publicKeyProtobuf: string
  peerId: string
  peerIdBytes: string
}

export interface KeysFile {
  about: string
  keys: Record<KeyName, KeyVector>
}

/** A protons codec as the generated code exposes it. */
export interface MessageCodec<T> {
  encode (obj: Partial<T>): Uint8Array
  decode (buf: Uint8Array): T
}

export const CODECS = {
  Offer,
  SignedOffer,
  PriceUpdate,
  SignedPriceUpdate,
  'RPC.Message': RPC.Message,
  RPC,
  AccessRequest,
  Agreement,
  SignedLease,
  LeaseRequest,
  Quote,
  Accept,
  Grant,
  Renew,
  Release,
  Ended,
  LeaseMessage
} satisfies Record<string, MessageCodec<unknown>>

export type MessageType = keyof typeof CODECS

export function hex (bytes: Uint8Array): string {
  return toString(bytes, 'base16')
}

export function unhex (text: string): Uint8Array {
  return fromString(text, 'base16')
}

export function utf8 (text: string): Uint8Array {
  return fromString(text, 'utf8')
}

/**
 * A decoded message as JSON: bytes as hex, integers as numbers (every value in
 * the vectors is below 2^53), absent fields left out, nested messages alike.
 */
export function toJson (value: unknown): Json {
  if (value instanceof Uint8Array) return hex(value)
  if (typeof value === 'bigint') {
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`${value} does not fit a JSON number exactly`)
    return Number(value)
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value
  if (Array.isArray(value)) return value.map(toJson)
  if (value != null && typeof value === 'object') {
    const out: Record<string, Json> = {}
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJson(v)
    return out
  }
  throw new Error(`no JSON form for ${String(value)}`)
}
