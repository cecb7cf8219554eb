/**
 * How a lease looks over the API, from either side: the agreement's terms in
 * plain JSON, and the co-signed bytes (base64) so that a client can check that
 * both peers hold exactly the same lease.
 */
import { Type, type Static } from '@sinclair/typebox'
import { toString as toBase64 } from 'uint8arrays/to-string'
import type { LeaseEntry } from '../ledger/types.ts'
import { priceShape, PriceShapeSchema } from '../units/price-shape.ts'
import { unitsText } from '../units/price.ts'
import { leaseUsage } from './billing.ts'
import { parseAgreement } from './agreement.ts'
import type { ConsumerLease } from './consumer/store.ts'
import { signedLeaseInRecord } from './consumer/operations.ts'
import { accessOf, provisionedLease, signedLeaseInLedger } from './provider/context.ts'
import type { SignedLease } from './pb/lease.ts'
import { PROVISIONER_KINDS } from '../config/pool-schema.ts'
import type { Device } from '../inventory/devices.ts'
import { PROVISION_STATES, type LeaseProvisioning } from './provider/provisioning.ts'

const DeviceSchema = Type.Object({
  index: Type.Integer({ description: 'The device\'s index on the provider\'s host (nvidia-smi\'s)' }),
  uuid: Type.Optional(Type.String({ description: 'e.g. GPU-5d1c…' })),
  pciBusId: Type.Optional(Type.String({ description: 'e.g. 00000000:18:00.0' })),
  node: Type.Optional(Type.String({ description: 'The cluster node it is on (a Slurm lease: index is the GRES index there)' }))
}, { additionalProperties: false })

/** The devices an access object names, when it is one of ours ({kind: "ssh", devices: […]}). */
function devicesInAccess (access: Record<string, unknown> | undefined): Device[] | undefined {
  const devices = access?.devices
  if (!Array.isArray(devices)) return undefined
  return devices.filter((d): d is Device => typeof d === 'object' && d != null && Number.isInteger((d as Device).index))
    .map(d => ({ index: d.index, ...(typeof d.uuid === 'string' ? { uuid: d.uuid } : {}), ...(typeof d.pciBusId === 'string' ? { pciBusId: d.pciBusId } : {}), ...(typeof d.node === 'string' ? { node: d.node } : {}) }))
}

const END_REASONS = ['released by the consumer', 'reached its end', 'ended by the provider'] as const

export const LeaseViewSchema = Type.Object({
  leaseId: Type.String({ description: 'The lease id (32 lower-case hex characters)' }),
  role: Type.Union([Type.Literal('consumer'), Type.Literal('provider')], { description: 'This node\'s side of the lease' }),
  status: Type.Union(['pending', 'active', 'released', 'expired', 'failed'].map(s => Type.Literal(s)), { description: 'pending: accepted, not yet confirmed by the provider; active: granted and holding GPUs; released: ended early by the consumer; expired: reached its end; failed: never granted' }),
  cpi: Type.String({ description: 'The pool leased, cpi:<provider>/<pool>' }),
  provider: Type.String({ description: 'PeerId of the provider' }),
  consumer: Type.Optional(Type.String({ description: 'PeerId of the consumer. This and price, start, end, version and signed come from the co-signed agreement: absent until the lease is granted (pending, failed)' })),
  gpus: Type.Integer({ description: 'GPUs leased' }),
  price: Type.Optional(PriceShapeSchema),
  start: Type.Optional(Type.Integer({ description: 'unix ms, the agreed start' })),
  end: Type.Optional(Type.Integer({ description: 'unix ms: the agreed end' })),
  endedAt: Type.Optional(Type.Integer({ description: 'unix ms: when a released or expired lease stopped holding GPUs' })),
  endReason: Type.Optional(Type.Union(END_REASONS.map(r => Type.Literal(r)), { description: 'Why it ended: released early by the consumer, reached its agreed end, or (provider side) ended early by the provider, endNote saying why' })),
  endNote: Type.Optional(Type.String({ description: 'Provider side: why the provider ended the lease early (its Slurm allocation was cancelled outside cpnet …)' })),
  gpuHours: Type.Optional(Type.Number({ description: 'Of an ended lease: GPUs × hours held, the seconds rounded up' })),
  amountDue: Type.Optional(Type.Object({
    micros: Type.Integer({ description: 'price × GPUs × seconds held / 3600, rounded half up to an integer micro-unit' }),
    amount: Type.String({ description: 'The same as a decimal string, e.g. "0.25"' }),
    currency: Type.String()
  }, { description: 'Of an ended lease: what it owes for the time it held the GPUs' })),
  version: Type.Optional(Type.Integer({ description: '1, then +1 per renewal' })),
  access: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'How to reach what was leased, from the provider\'s provisioner: {kind: "ssh", host, port, user, hostKeys, fingerprints, devices, expiresAt} from the ssh and container provisioners (cpnet lease ssh uses it), the JSON object a start hook printed otherwise; {} when the pool hands nothing over' })),
  devices: Type.Optional(Type.Array(DeviceSchema, { description: 'The devices assigned to the lease (the provider\'s record; on the consumer\'s side, as its access names them)' })),
  provisioning: Type.Optional(Type.Object({
    provisioner: Type.Union(PROVISIONER_KINDS.map(k => Type.Literal(k)), { description: 'How the pool hands leases over' }),
    state: Type.Union(PROVISION_STATES.map(s => Type.Literal(s)), { description: 'provisioning: being set up; provisioned: ready; restored: set up again after it was found gone; missing: gone and could not be set up again; removing, removed: taken down at the end; failed: a step failed (error says which)' }),
    error: Type.Optional(Type.String({ description: 'What went wrong last' })),
    missingDevices: Type.Optional(Type.Array(Type.Integer(), { description: 'Assigned devices that are no longer in the pool (a GPU gone from nvidia-smi)' }))
  }, { description: 'Provider side: where the lease\'s access stands' })),
  signed: Type.Optional(Type.Object({
    agreement: Type.String({ description: 'The Agreement both peers signed (docs/PROTOCOL.md §8), its protobuf bytes in base64 without padding' }),
    providerSignature: Type.String({ description: "The provider's signature of the agreement (docs/PROTOCOL.md §8), base64 without padding" }),
    consumerSignature: Type.String({ description: "The consumer's signature of the agreement (docs/PROTOCOL.md §8), base64 without padding" })
  }, { description: 'The co-signed bytes: both sides return the same, so a client can check that both hold the same lease' })),
  error: Type.Optional(Type.String({ description: 'Why a pending lease failed' }))
}, { title: 'Lease', description: 'A lease as this node holds it, as consumer or as provider (lease_*, provider_leases).' })
export type LeaseView = Static<typeof LeaseViewSchema>

function terms (lease: SignedLease) {
  const { agreement: a, provider } = parseAgreement(lease.agreement)
  return {
    cpi: a.cpi,
    provider: provider.toString(),
    consumer: a.consumer,
    gpus: a.gpus,
    price: priceShape(a.microsPerGpuHour, a.currency),
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

type Terms = ReturnType<typeof terms>
type Ending = Pick<LeaseView, 'endedAt' | 'endReason' | 'endNote' | 'gpuHours' | 'amountDue'>

/**
 * When and why a lease ended, what it used and owes; nothing while it runs.
 * `endedAt` is what the side recorded, else the agreed end for an expiry.
 */
function ending (status: LeaseView['status'], t: Terms | undefined, recordedEnd: number | undefined, providerNote?: string): Ending {
  if (t == null || (status !== 'released' && status !== 'expired')) return {}
  const endedAt = recordedEnd ?? t.end
  const usage = leaseUsage({ gpus: t.gpus, microsPerGpuHour: t.price.microsPerGpuHour, start: t.start, end: t.end }, endedAt)
  return {
    endedAt,
    endReason: status === 'expired' ? 'reached its end' : providerNote != null ? 'ended by the provider' : 'released by the consumer',
    ...(status === 'released' && providerNote != null ? { endNote: providerNote } : {}),
    gpuHours: usage.gpuHours,
    amountDue: { micros: Number(usage.amountDueMicros), amount: unitsText(usage.amountDueMicros), currency: t.price.currency }
  }
}

export function consumerLeaseView (record: ConsumerLease): LeaseView {
  const signed = record.lease != null ? terms(signedLeaseInRecord(record)) : undefined
  const status = statusAt(record.status, signed?.end)
  // a release recorded before endedAt was kept: the record changed when the Ended arrived
  const recordedEnd = record.endedAt ?? (record.status === 'released' ? record.updatedAt : undefined)
  return {
    leaseId: record.leaseId,
    role: 'consumer',
    cpi: record.cpi,
    provider: record.provider,
    gpus: record.gpus,
    ...signed,
    status,
    ...ending(status, signed, recordedEnd),
    ...(record.access != null ? { access: record.access } : {}),
    ...optional('devices', devicesInAccess(record.access)),
    ...(record.error != null ? { error: record.error } : {})
  }
}

function optional<K extends string, V> (key: K, value: V | undefined): Partial<Record<K, V>> {
  return value == null ? {} : { [key]: value } as Record<K, V>
}

/** What the provider knows of a lease beyond its ledger entry: its provisioning, and devices gone from the pool. */
export interface ProviderLeaseExtras {
  provisioning?: LeaseProvisioning
  missingDevices?: number[]
}

export function providerLeaseView (entry: LeaseEntry, extras: ProviderLeaseExtras = {}): LeaseView {
  const signed = terms(signedLeaseInLedger(entry))
  const status = statusAt(entry.status, entry.end)
  const provisioned = provisionedLease(entry)
  const missing = extras.missingDevices ?? []
  return {
    leaseId: entry.id,
    role: 'provider',
    ...signed,
    status,
    ...ending(status, signed, entry.endedAt, entry.reason),
    access: accessOf(entry),
    // a Slurm lease's devices are the job's, which Slurm picked: its access names them
    ...optional('devices', (provisioned?.lease.devices.length ?? 0) > 0 ? provisioned?.lease.devices : devicesInAccess(accessOf(entry))),
    ...optional('provisioning', extras.provisioning == null
      ? undefined
      : { provisioner: extras.provisioning.kind, state: extras.provisioning.state, ...optional('error', extras.provisioning.error), ...(missing.length > 0 ? { missingDevices: missing } : {}) })
  }
}
