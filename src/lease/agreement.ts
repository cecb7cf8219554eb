/**
 * Agreements and co-signed leases. The provider encodes the Agreement once;
 * both peers sign exactly those bytes (LEASE_SIGNATURE_DOMAIN || bytes), so
 * both hold byte-identical leases that anyone can verify from the PeerIds in
 * the agreement alone: the provider's is in the CPI, the consumer's is named.
 */
import { createHash } from 'node:crypto'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { fromString as utf8 } from 'uint8arrays/from-string'
import { parseCpi, type Cpi } from '../identity/cpi.ts'
import { signWithDomain, verifyByPeer } from '../identity/domain-signature.ts'
import { LEASE_SIGNATURE_DOMAIN } from './constants.ts'
import { LeaseProtocolError } from './errors.ts'
import { Agreement, SignedLease } from './pb/lease.ts'

/** One id per consumer request: the provider and the consumer compute the same. */
export function leaseIdFor (consumer: PeerId, requestId: Uint8Array): string {
  return createHash('sha256').update(consumer.toMultihash().bytes).update(requestId).digest('hex').slice(0, 32)
}

export function agreementHash (bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(createHash('sha256').update(bytes).digest())
}

export async function signAgreement (key: PrivateKey, bytes: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return signWithDomain(key, LEASE_SIGNATURE_DOMAIN, bytes)
}

export async function verifyAgreementSignature (signer: PeerId, bytes: Uint8Array, signature: Uint8Array): Promise<boolean> {
  return verifyByPeer(signer, LEASE_SIGNATURE_DOMAIN, bytes, signature)
}

/** An agreement decoded and checked for shape, with the parties it names. */
export interface ParsedAgreement {
  agreement: Agreement
  cpi: Cpi
  provider: PeerId
  consumer: PeerId
}

export function parseAgreement (bytes: Uint8Array): ParsedAgreement {
  let agreement: Agreement
  try {
    agreement = Agreement.decode(bytes)
  } catch (err) {
    throw new LeaseProtocolError(`malformed agreement: ${(err as Error).message}`)
  }
  try {
    const cpi = parseCpi(agreement.cpi)
    const consumer = peerIdFromString(agreement.consumer)
    if (agreement.gpus < 1) throw new Error('no GPUs')
    if (agreement.end <= agreement.start) throw new Error('it ends before it starts')
    if (agreement.version < 1) throw new Error('version below 1')
    if (agreement.leaseId !== leaseIdFor(consumer, agreement.requestId)) throw new Error('the lease id does not derive from the consumer and request id')
    return { agreement, cpi, provider: cpi.peerId, consumer }
  } catch (err) {
    throw new LeaseProtocolError(`invalid agreement: ${(err as Error).message}`)
  }
}

/** Checks both signatures of a lease; returns its agreement. */
export async function verifySignedLease (lease: SignedLease): Promise<ParsedAgreement> {
  const parsed = parseAgreement(lease.agreement)
  if (!await verifyAgreementSignature(parsed.provider, lease.agreement, lease.providerSignature)) {
    throw new LeaseProtocolError('the provider signature does not verify')
  }
  if (!await verifyAgreementSignature(parsed.consumer, lease.agreement, lease.consumerSignature)) {
    throw new LeaseProtocolError('the consumer signature does not verify')
  }
  return parsed
}

export function releasePayload (leaseId: string): Uint8Array {
  return utf8(leaseId)
}
