/**
 * Signed records, the shape offers (§2) and price updates (§7) share on the
 * wire: an envelope of the record's bytes and an Ed25519 signature over
 * DOMAIN || bytes by the provider's node key. The public key is not sent: an
 * Ed25519 PeerId embeds it, and the PeerId is in the record's CPI, so a
 * verifier needs nothing but the record. Each kind (discovery's offers,
 * pricing's updates) describes its codec, domain, size cap and field rules;
 * signing and the order of verification are the same for both.
 *
 * Verification order matters: size before decoding, fields and ownership
 * before the (costlier) signature check.
 */
import type { PeerId, PrivateKey } from '@libp2p/interface'
import type { RpcErrorCode } from '../error-codes.ts'
import { defineError, type CpnetError } from '../errors.ts'
import { assertOwner } from './cpi.ts'
import { signWithDomain, verifyWithDomain } from './domain-signature.ts'
import type { CheckedHeader, RecordHeader, Refuse } from './record-rules.ts'

/**
 * Why a signed record was refused; stable strings, logged, tested and used as
 * metric labels (docs/PROTOCOL.md §7.4 names them).
 */
export type RecordRejection =
  | 'too-large'
  | 'malformed'
  | 'bad-field'
  | 'bad-cpi'
  | 'not-owner'
  | 'bad-signature'
  /** Issued further in the future than the clock-skew bound. */
  | 'skewed'
  | 'expired'
  /** Not newer than a record this node already took for the CPI (a replay). */
  | 'stale-seq'

/** A refused record's error: the reason, then the message. */
export interface InvalidRecordError<R extends string> extends CpnetError {
  readonly reason: R
}

export interface InvalidRecordErrorClass<R extends string> {
  new (reason: R, message: string): InvalidRecordError<R>
  readonly code: string
  readonly rpcCode: RpcErrorCode
}

/** Declares a record kind's error class (InvalidOfferError, InvalidPriceUpdateError); R may add reasons of the kind's own. */
export function defineRecordError<R extends string = RecordRejection> (name: string, code: string, rpcCode: RpcErrorCode): InvalidRecordErrorClass<R> {
  return class extends defineError(name, code, rpcCode) {
    readonly reason: R
    constructor (reason: R, message: string) {
      super(`${reason}: ${message}`)
      this.reason = reason
    }
  }
}

/** The envelope's two fields, whatever the kind's protobuf calls them. */
export interface Envelope {
  payload: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

/** What one kind of signed record is made of. */
export interface SignedRecordKind<T extends RecordHeader, C extends CheckedHeader> {
  /** The record in messages: "offer", "update". */
  noun: string
  /** The ASCII prefix the signature covers (docs/PROTOCOL.md §2.1, §7.2). */
  domain: string
  /** Hard cap on the encoded envelope, checked before anything is decoded. */
  maxBytes: number
  encodeRecord: (record: T) => Uint8Array<ArrayBuffer>
  /** Decodes the record with the kind's decode limits. */
  decodeRecord: (bytes: Uint8Array) => T
  encodeEnvelope: (envelope: Envelope) => Uint8Array
  decodeEnvelope: (bytes: Uint8Array) => Envelope
  /** The kind's field rules (record-rules.ts and its own), against `now` in unix ms. */
  check: (record: T, now: number) => C
  refuse: Refuse
}

/** Encodes, signs and wraps a record; refuses (`too-large`) an envelope over the kind's cap. */
export async function signRecord<T extends RecordHeader, C extends CheckedHeader> (kind: SignedRecordKind<T, C>, record: T, key: PrivateKey): Promise<Uint8Array> {
  const payload = kind.encodeRecord(record)
  const bytes = kind.encodeEnvelope({ payload, signature: await signWithDomain(key, kind.domain, payload) })
  if (bytes.byteLength > kind.maxBytes) {
    throw kind.refuse('too-large', `the signed ${kind.noun} for ${record.cpi} is ${bytes.byteLength} bytes, the limit is ${kind.maxBytes}`)
  }
  return bytes
}

export interface VerifyRecordOptions {
  /** Unix ms; defaults to Date.now(). */
  now?: number
  /** The peer the record came from directly, or who signed its carrier: it must own the CPI. */
  owner?: PeerId
}

/** A record that passed every check, with the bytes it arrived in. */
export interface VerifiedRecord<T, C> {
  record: T
  checked: C
  /** The encoded envelope, exactly as received. */
  bytes: Uint8Array
}

/** Decodes and checks an envelope; throws the kind's error with the reason. */
export async function verifyRecord<T extends RecordHeader, C extends CheckedHeader> (kind: SignedRecordKind<T, C>, bytes: Uint8Array, options: VerifyRecordOptions = {}): Promise<VerifiedRecord<T, C>> {
  if (bytes.byteLength > kind.maxBytes) {
    throw kind.refuse('too-large', `${bytes.byteLength} bytes, the limit is ${kind.maxBytes}`)
  }
  let envelope: Envelope
  let record: T
  try {
    envelope = kind.decodeEnvelope(bytes)
    record = kind.decodeRecord(envelope.payload)
  } catch (err) {
    throw kind.refuse('malformed', (err as Error).message)
  }
  const checked = kind.check(record, options.now ?? Date.now())
  const { cpi } = checked
  if (options.owner != null) {
    try {
      assertOwner(cpi, options.owner)
    } catch (err) {
      throw kind.refuse('not-owner', `not from its owner: ${(err as Error).message}`)
    }
  }
  if (cpi.peerId.type !== 'Ed25519') {
    throw kind.refuse('bad-cpi', `${record.cpi}: only Ed25519 PeerIds carry the key that verifies this ${kind.noun}`)
  }
  // a signature by any other key fails here: ownership is the signature check
  if (!await verifyWithDomain(cpi.peerId.publicKey, kind.domain, envelope.payload, envelope.signature)) {
    throw kind.refuse('bad-signature', `the signature on ${record.cpi} is not by ${cpi.peerId.toString()}`)
  }
  return { record, checked, bytes }
}
