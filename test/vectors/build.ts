/**
 * Entries of the vector files from what the project's code produced: a
 * message entry decodes the bytes it is given with the message's codec, a
 * signature entry records what was signed, under which domain, and the
 * signature the code made. Nothing here signs or encodes on its own.
 */
import { concat } from 'uint8arrays/concat'
import { CODECS, hex, toJson, utf8, type KeyName, type MessageType, type MessageVector, type SignatureVector } from './format.ts'

export function messageVector (type: MessageType, bytes: Uint8Array): MessageVector {
  const codec: { decode (buf: Uint8Array): unknown } = CODECS[type]
  return { type, hex: hex(bytes), fields: toJson(codec.decode(bytes)) }
}

export interface Signed {
  signer: KeyName
  domain: string
  /** The bytes after the domain. */
  signed: Uint8Array
  signature: Uint8Array
  /** The messages entry whose bytes `signed` is. */
  message?: string
}

export function signatureVector (s: Signed): SignatureVector {
  return {
    signer: s.signer,
    domain: s.domain,
    ...(s.message != null ? { message: s.message } : {}),
    signed: hex(s.signed),
    input: hex(concat([utf8(s.domain), s.signed])),
    signature: hex(s.signature)
  }
}
