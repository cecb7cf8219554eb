/** The provider's replies that several handlers send. */
import type { LeaseEntry } from '../../ledger/types.ts'
import type { LeaseChannel } from '../channel.ts'
import { RejectCode } from '../pb/lease.ts'
import { accessOf, signedLeaseInLedger } from './context.ts'

export async function sendReject (channel: LeaseChannel, code: RejectCode, message: string): Promise<void> {
  await channel.send({ reject: { code, message } })
}

/** An active lease answers with its Grant; an ended one with Ended. Both are idempotent. */
export async function sendLeaseState (channel: LeaseChannel, entry: LeaseEntry): Promise<void> {
  const lease = signedLeaseInLedger(entry)
  if (entry.status === 'active') {
    await channel.send({ grant: { lease, access: JSON.stringify(accessOf(entry)) } })
  } else {
    await channel.send({ ended: { lease, status: entry.status, endedAt: BigInt(entry.endedAt ?? entry.end) } })
  }
}

export { RejectCode }
