/**
 * The consumer's own record of its leases, in its LevelDB. A lease is written
 * `pending` (synced) before the Accept is sent, so that whatever happens next
 * (a lost Grant, a crash) the consumer knows to ask the provider about it.
 */
import type { AbstractPutOptions, AbstractSublevel } from 'abstract-level'
import type { NodeDb } from '../../host/db.ts'

export type ConsumerLeaseStatus = 'pending' | 'active' | 'released' | 'expired' | 'failed'

export interface ConsumerLease {
  leaseId: string
  /** hex */
  requestId: string
  provider: string
  cpi: string
  gpus: number
  status: ConsumerLeaseStatus
  /** The co-signed SignedLease, base64, once granted. */
  lease?: string
  access?: Record<string, unknown>
  /** unix ms: when the provider says a released or expired lease ended. */
  endedAt?: number
  /** Why a pending lease failed. */
  error?: string
  /** unix ms: when this record last changed. */
  updatedAt: number
}

const SYNCED = { sync: true } as unknown as AbstractPutOptions<string, ConsumerLease>

export class ConsumerLeaseStore {
  private readonly db: AbstractSublevel<NodeDb, string | Uint8Array, string, ConsumerLease>

  constructor (db: NodeDb) {
    this.db = db.sublevel<string, ConsumerLease>('consumer-leases', { valueEncoding: 'json' })
  }

  /**
   * `sync`: the record is on disk when this resolves. Only `pending` needs it:
   * a later state lost in a crash leaves the synced `pending`, which is asked
   * about again and so recovered.
   */
  async put (lease: ConsumerLease, options: { sync?: boolean } = {}): Promise<ConsumerLease> {
    const record = { ...lease, updatedAt: Date.now() }
    await this.db.put(lease.leaseId, record, options.sync === true ? SYNCED : {})
    return record
  }

  async get (leaseId: string): Promise<ConsumerLease | undefined> {
    return this.db.get(leaseId)
  }

  async list (): Promise<ConsumerLease[]> {
    return this.db.values().all()
  }
}
