/**
 * lease.json: one lease from request to release (docs/PROTOCOL.md §8): the
 * request, the quoted Agreement with the provider's signature, the Quote
 * hash the consumer accepts with its signature, the Grant with the co-signed
 * lease, a renewal (the next Agreement version, both signatures, its Grant)
 * and a Release with its signature, each body also as the LeaseMessage frame
 * it travels in. The provider encodes a quoted Agreement inline in its
 * negotiation (provider/negotiate.ts); it is encoded here from the same
 * fields, with the times fixed.
 */
import { createHash } from 'node:crypto'
import { concat } from 'uint8arrays/concat'
import { signWithDomain } from '../../src/identity/domain-signature.ts'
import { agreementHash, leaseIdFor, releasePayload, signAgreement } from '../../src/lease/agreement.ts'
import { LEASE_SIGNATURE_DOMAIN, RELEASE_SIGNATURE_DOMAIN } from '../../src/lease/constants.ts'
import { renewedAgreement } from '../../src/lease/consumer/operations.ts'
import { Accept, Agreement, Ended, Grant, LeaseMessage, LeaseRequest, Quote, Release, Renew, SignedLease } from '../../src/lease/pb/lease.ts'
import { formatCpi } from '../../src/identity/cpi.ts'
import { accessHash, encodeAccessRequest } from '../../src/lease/access-request.ts'
import type { AccessRequest as AccessRequestFields } from '../../src/provision/types.ts'
import { messageVector, signatureVector } from './build.ts'
import { hex, type FamilyFile, type MessageVector } from './format.ts'
import { POOL, REQUEST_AT_MS } from './inputs.ts'
import type { VectorKeys } from './keys.ts'

export interface LeaseFile extends FamilyFile {
  /** leaseId = hex(sha256(input))[0:32], input = the consumer's PeerId bytes || requestId. */
  leaseId: { input: string, sha256: string, leaseId: string }
  /**
   * An access request as a 1.1 consumer sends it in LeaseRequest.access, and
   * the Agreement.accessHash that binds it: sha256 of exactly those bytes.
   * (The lease above asks for no access: its request leaves the field out
   * and its Agreements have no accessHash, as a 1.0 peer's do.)
   */
  accessHash: { message: string, sha256: string }
  /** The hash an Accept carries: sha256 of the quoted Agreement's bytes. */
  quoteHash: { message: string, sha256: string }
  /** Each body as the LeaseMessage it travels in (on the stream: unsigned varint length, then these bytes). */
  frames: Record<string, MessageVector>
}

const REQUEST_ID = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i)
const GPUS = 2
const DURATION_SEC = 3_600
const MAX_MICROS = 3_000_000n
/** The consumer's maximum reaches the list price, so the list price is quoted. */
const PRICE_MICROS = BigInt(POOL.price.microsPerGpuHour)
/** How long the request may be acted on (the consumer's 60 s). */
const REQUEST_VALIDITY_MS = 60_000
/** The provider holds the GPUs for lease.quoteTtlSec (30 s by default) from the moment it reads the request... */
const HOLD_EXPIRES_MS = REQUEST_AT_MS + 4 + 30_000
/** ...and stamps the agreement's start when it encodes the quote, a few ms later. */
const START_MS = REQUEST_AT_MS + 6
const EXTEND_SEC = 1_800
/** What a consumer asks of a container pool: a key that may log in, an image, a command and a variable. */
const ACCESS_REQUEST: AccessRequestFields = {
  sshKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl consumer@example'],
  image: 'registry.example/cuda-sshd:12.4',
  command: ['python3', '-m', 'http.server', '8888'],
  env: { HF_HOME: '/workspace/hf' }
}
const RELEASED_AT_MS = START_MS + 2_700_000
const ACCESS = { host: '203.0.113.7', port: 2222, user: 'lease' }

export async function leaseFile (keys: VectorKeys): Promise<LeaseFile> {
  const provider = keys.provider
  const consumer = keys.consumer
  const cpi = formatCpi(provider.peerId, POOL.name)
  const leaseId = leaseIdFor(consumer.peerId, REQUEST_ID)
  const idInput = concat([consumer.peerId.toMultihash().bytes, REQUEST_ID])

  const request: LeaseRequest = {
    requestId: REQUEST_ID,
    cpi,
    gpus: GPUS,
    durationSec: DURATION_SEC,
    maxMicrosPerGpuHour: MAX_MICROS,
    currency: POOL.price.currency,
    validUntil: BigInt(REQUEST_AT_MS + REQUEST_VALIDITY_MS),
    access: new Uint8Array()
  }
  const agreement = Agreement.encode({
    leaseId,
    requestId: REQUEST_ID,
    cpi,
    consumer: consumer.peerId.toString(),
    gpus: GPUS,
    microsPerGpuHour: PRICE_MICROS,
    currency: POOL.price.currency,
    start: BigInt(START_MS),
    end: BigInt(START_MS + DURATION_SEC * 1000),
    version: 1
  })
  const providerSignature = await signAgreement(provider.key, agreement)
  const quote: Quote = { agreement, providerSignature, expiresAt: BigInt(HOLD_EXPIRES_MS), round: 0 }
  const hash = agreementHash(agreement)
  const consumerSignature = await signAgreement(consumer.key, agreement)
  const accept: Accept = { agreementHash: hash, consumerSignature }
  const access = JSON.stringify(ACCESS)
  const lease: SignedLease = { agreement, providerSignature, consumerSignature }
  const grant: Grant = { lease, access }

  const renewed = renewedAgreement(Agreement.decode(agreement), EXTEND_SEC)
  const renewConsumerSignature = await signAgreement(consumer.key, renewed)
  const renewProviderSignature = await signAgreement(provider.key, renewed)
  const renew: Renew = { agreement: renewed, consumerSignature: renewConsumerSignature }
  const renewedLease: SignedLease = { agreement: renewed, providerSignature: renewProviderSignature, consumerSignature: renewConsumerSignature }
  // a renewal's Grant carries the access details of the lease's first Grant
  const renewalGrant: Grant = { lease: renewedLease, access }

  const releaseSigned = releasePayload(leaseId)
  const releaseSignature = await signWithDomain(consumer.key, RELEASE_SIGNATURE_DOMAIN, releaseSigned)
  const release: Release = { leaseId, consumerSignature: releaseSignature }
  const ended: Ended = { lease: renewedLease, status: 'released', endedAt: BigInt(RELEASED_AT_MS) }
  const accessBytes = encodeAccessRequest(ACCESS_REQUEST)
  const frame = (message: LeaseMessage): MessageVector => messageVector('LeaseMessage', LeaseMessage.encode(message))

  return {
    about: 'One lease of 2 GPUs of pool h100 between the provider and the consumer key: request, quote, accept, grant, renewal, release.',
    inputs: {
      provider: 'provider',
      consumer: 'consumer',
      cpi,
      requestId: hex(REQUEST_ID),
      gpus: GPUS,
      durationSec: DURATION_SEC,
      maxMicrosPerGpuHour: Number(MAX_MICROS),
      microsPerGpuHour: Number(PRICE_MICROS),
      currency: POOL.price.currency,
      requestAt: REQUEST_AT_MS,
      start: START_MS,
      quoteExpiresAt: HOLD_EXPIRES_MS,
      access,
      extendSec: EXTEND_SEC,
      releasedAt: RELEASED_AT_MS
    },
    messages: {
      request: messageVector('LeaseRequest', LeaseRequest.encode(request)),
      agreement: messageVector('Agreement', agreement),
      quote: messageVector('Quote', Quote.encode(quote)),
      accept: messageVector('Accept', Accept.encode(accept)),
      signedLease: messageVector('SignedLease', SignedLease.encode(lease)),
      grant: messageVector('Grant', Grant.encode(grant)),
      renewedAgreement: messageVector('Agreement', renewed),
      renew: messageVector('Renew', Renew.encode(renew)),
      renewalGrant: messageVector('Grant', Grant.encode(renewalGrant)),
      release: messageVector('Release', Release.encode(release)),
      ended: messageVector('Ended', Ended.encode(ended)),
      accessRequest: messageVector('AccessRequest', accessBytes)
    },
    signatures: {
      quote: signatureVector({ signer: 'provider', domain: LEASE_SIGNATURE_DOMAIN, message: 'agreement', signed: agreement, signature: providerSignature }),
      accept: signatureVector({ signer: 'consumer', domain: LEASE_SIGNATURE_DOMAIN, message: 'agreement', signed: agreement, signature: consumerSignature }),
      renew: signatureVector({ signer: 'consumer', domain: LEASE_SIGNATURE_DOMAIN, message: 'renewedAgreement', signed: renewed, signature: renewConsumerSignature }),
      renewalGrant: signatureVector({ signer: 'provider', domain: LEASE_SIGNATURE_DOMAIN, message: 'renewedAgreement', signed: renewed, signature: renewProviderSignature }),
      release: signatureVector({ signer: 'consumer', domain: RELEASE_SIGNATURE_DOMAIN, signed: releaseSigned, signature: releaseSignature })
    },
    leaseId: { input: hex(idInput), sha256: createHash('sha256').update(idInput).digest('hex'), leaseId },
    accessHash: { message: 'accessRequest', sha256: hex(accessHash(accessBytes)) },
    quoteHash: { message: 'agreement', sha256: hex(hash) },
    frames: {
      request: frame({ request }),
      quote: frame({ quote }),
      accept: frame({ accept }),
      grant: frame({ grant }),
      renew: frame({ renew }),
      renewalGrant: frame({ grant: renewalGrant }),
      release: frame({ release }),
      ended: frame({ ended })
    }
  }
}
