/**
 * How a lease looks over the API, from either side: the agreement's terms in
 * plain JSON, and the co-signed bytes (base64) so that a client can check that
 * both peers hold exactly the same lease.
 */
import { Type, type Static } from '@sinclair/typebox'
import { toString as toBase64 } from 'uint8arrays/to-string'
import type { LeaseEntry } from '../ledger/types.ts'
import { parseAgreement } from './agreement.ts'
import type { ConsumerLease } from './consumer/store.ts'
import { signedLeaseOf as consumerSigned } from './consumer/operations.ts'
import { accessOf, signedLeaseOf as providerSigned } from './provider/context.ts'
import type { SignedLease } from './pb/lease.ts'

export const LeaseViewSchema = Type.Object({
  leaseId: Type.String(),
  role: Type.Union([Type.Literal('consumer'), Type.Literal('provider')], { description: 'This node\'s side of the lease' }),
  status: Type.Union(['pending', 'active', 'released', 'expired', 'failed'].map(s => Type.Literal(s)), { description: 'pending: accepted, not yet confirmed by the provider' }),
  cpi: Type.String(),
  provider: Type.String(),
  consumer: Type.Optional(Type.String()),
  gpus: Type.Integer(),
  price: Type.Optional(Type.Object({ microsPerGpuHour: Type.Integer(), currency: Type.String() })),
  start: Type.Optional(Type.Integer({ description: 'unix ms' })),
  end: Type.Optional(Type.Integer({ description: 'unix ms' })),
  version: Type.Optional(Type.Integer({ description: '1, then +1 per renewal' })),
  access: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'From the provider\'s start hook' })),
  signed: Type.Optional(Type.Object({
    agreement: Type.String({ description: 'base64 of the Agreement both peers signed' }),
    providerSignature: Type.String(),
    consumerSignature: Type.String()
  })),
  error: Type.Optional(Type.String({ description: 'Why a pending lease failed' }))
})
export type LeaseView = Static<typeof LeaseViewSchema>

function terms (lease: SignedLease): Omit<LeaseView, 'leaseId' | 'role' | 'status' | 'access' | 'error'> {
  const { agreement: a, provider } = parseAgreement(lease.agreement)
  return {
    cpi: a.cpi,
    provider: provider.toString(),
    consumer: a.consumer,
    gpus: a.gpus,
    price: { microsPerGpuHour: Number(a.microsPerGpuHour), currency: a.currency },
    start: Number(a.start),
    end: Number(a.end),
    version: a.version,
    signed: {
      agreement: toBase64(lease.agreement, 'base64'),
      providerSignature: toBase64(lease.providerSignature, 'base64'),
      consumerSignature: toBase64(lease.consumerSignature, 'base64')
    }
  }
}

/** An active lease whose end has passed is shown expired even before anyone recorded it. */
function statusAt (status: LeaseView['status'], end: number | undefined): LeaseView['status'] {
  return status === 'active' && end != null && end <= Date.now() ? 'expired' : status
}

export function consumerLeaseView (record: ConsumerLease): LeaseView {
  const signed = record.lease != null ? terms(consumerSigned(record)) : undefined
  return {
    leaseId: record.leaseId,
    role: 'consumer',
    cpi: record.cpi,
    provider: record.provider,
    gpus: record.gpus,
    ...signed,
    status: statusAt(record.status, signed?.end),
    ...(record.access != null ? { access: record.access } : {}),
    ...(record.error != null ? { error: record.error } : {})
  }
}

export function providerLeaseView (entry: LeaseEntry): LeaseView {
  return {
    leaseId: entry.id,
    role: 'provider',
    ...terms(providerSigned(entry)),
    status: statusAt(entry.status, entry.end),
    access: accessOf(entry)
  }
}
