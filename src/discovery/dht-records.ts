/**
 * Reading a key's records from the DHT without trusting kad-dht's `get` to
 * finish. That `get` yields its best value only after it has sent the best
 * record to every peer that answered with an older one, and throws when one
 * of them does not take it: a single peer that keeps a stale record (an
 * attacker replaying an old offer does) would make the key unreadable
 * everywhere. So the records peers answer with are collected as they come,
 * and a failed correction ends the read without losing them; the caller
 * verifies each and keeps the highest seq.
 */
import type { KadDHT } from '@libp2p/kad-dht'
import { equals } from 'uint8arrays/equals'

export interface DhtRecords {
  /** Distinct record values, as the peers (and kad-dht's own pick) gave them. */
  values: Uint8Array[]
  /** Why the read ended early (a failed correction, the deadline), when it did. */
  error?: Error
}

export async function readDhtRecords (dht: KadDHT, key: Uint8Array, signal: AbortSignal): Promise<DhtRecords> {
  const values: Uint8Array[] = []
  const keep = (value: Uint8Array): void => {
    if (!values.some(v => equals(v, value))) values.push(value)
  }
  try {
    for await (const event of dht.get(key, { signal })) {
      if (event.name === 'VALUE') keep(event.value)
      else if (event.name === 'PEER_RESPONSE' && event.record != null) keep(event.record.value)
    }
    return { values }
  } catch (err) {
    return { values, error: err as Error }
  }
}
