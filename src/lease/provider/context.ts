/** What the provider's handlers share: its identity, pools, ledger, provisioning and lease config. */
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { toString as toBase64 } from 'uint8arrays/to-string'
import { fromString as fromBase64 } from 'uint8arrays/from-string'
import type { Config } from '../../config/schema.ts'
import type { Inventory } from '../../inventory/inventory.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import type { LeaseEntry } from '../../ledger/types.ts'
import type { Logger } from '../../log/logger.ts'
import type { ProvisionerKind } from '../../config/pool-schema.ts'
import type { ProvisionLease } from '../../provision/types.ts'
import { SignedLease } from '../pb/lease.ts'
import type { Provisioning } from './provisioning.ts'

export interface ProviderContext {
  self: PeerId
  privateKey: PrivateKey
  inventory: Inventory
  ledger: Ledger
  config: Config['lease']
  log: Logger
  provisioning: Provisioning
  /**
   * Lease ids being negotiated by this process now; above
   * config.maxNegotiations new ones get BUSY. Only these answer a Query with
   * BUSY: a hold left by a negotiation that died (a restart) never becomes a lease.
   */
  negotiations: Set<string>
}

/** What a lease was provisioned with: enough to extend, stop or restore it after a restart. */
export interface LeaseProvisionRecord {
  kind: ProvisionerKind
  lease: ProvisionLease
}

/** What the provider keeps with each lease in its ledger. */
export interface ProviderLeaseData {
  /** The co-signed SignedLease, base64. */
  lease: string
  /** The access details from the provisioner, as sent in the Grant. */
  access: Record<string, unknown>
  /** Absent in leases recorded before provisioners (their hook got no devices). */
  provision?: LeaseProvisionRecord
}

export function leaseData (signed: SignedLease, access: Record<string, unknown>, provision: LeaseProvisionRecord | undefined): ProviderLeaseData {
  return { lease: toBase64(SignedLease.encode(signed), 'base64'), access, ...(provision != null ? { provision } : {}) }
}

/** How the lease was provisioned, its end as the ledger has it now (renewals move it). */
export function provisionedLease (entry: LeaseEntry): LeaseProvisionRecord | undefined {
  const provision = (entry.data as ProviderLeaseData | undefined)?.provision
  return provision == null ? undefined : { kind: provision.kind, lease: { ...provision.lease, end: entry.end } }
}

/** The co-signed lease the ledger keeps with a lease this provider granted. */
export function signedLeaseInLedger (entry: LeaseEntry): SignedLease {
  return SignedLease.decode(fromBase64((entry.data as ProviderLeaseData).lease, 'base64'))
}

export function accessOf (entry: LeaseEntry): Record<string, unknown> {
  return (entry.data as ProviderLeaseData | undefined)?.access ?? {}
}
