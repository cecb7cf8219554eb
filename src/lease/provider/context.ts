/** What the provider's handlers share: its identity, pools, ledger and lease config. */
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { toString as toBase64 } from 'uint8arrays/to-string'
import { fromString as fromBase64 } from 'uint8arrays/from-string'
import type { Config } from '../../config/schema.ts'
import type { Inventory } from '../../inventory/inventory.ts'
import type { Ledger } from '../../ledger/ledger.ts'
import type { LeaseEntry } from '../../ledger/types.ts'
import type { Logger } from '../../log/logger.ts'
import { SignedLease } from '../pb/lease.ts'

export interface ProviderContext {
  self: PeerId
  privateKey: PrivateKey
  inventory: Inventory
  ledger: Ledger
  config: Config['lease']
  log: Logger
  /**
   * Lease ids being negotiated by this process now; above
   * config.maxNegotiations new ones get BUSY. Only these answer a Query with
   * BUSY: a hold left by a negotiation that died (a restart) never becomes a lease.
   */
  negotiations: Set<string>
}

/** What the provider keeps with each lease in its ledger. */
export interface ProviderLeaseData {
  /** The co-signed SignedLease, base64. */
  lease: string
  /** The access details from the start hook, as sent in the Grant. */
  access: Record<string, unknown>
}

export function leaseData (signed: SignedLease, access: Record<string, unknown>): ProviderLeaseData {
  return { lease: toBase64(SignedLease.encode(signed), 'base64'), access }
}

/** The co-signed lease the ledger keeps with a lease this provider granted. */
export function signedLeaseInLedger (entry: LeaseEntry): SignedLease {
  return SignedLease.decode(fromBase64((entry.data as ProviderLeaseData).lease, 'base64'))
}

export function accessOf (entry: LeaseEntry): Record<string, unknown> {
  return (entry.data as ProviderLeaseData | undefined)?.access ?? {}
}
