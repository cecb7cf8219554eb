/**
 * Capability keys: the CIDs a provider `provide()`s so that consumers can find
 * it by what it sells. Each is CIDv1, codec raw, of the sha256 of a UTF-8
 * string: cpnet/v1/class/<class>, cpnet/v1/region/<region>, cpnet/v1/all.
 */
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { fromString as utf8 } from 'uint8arrays/from-string'
import { CAPABILITY_PREFIX } from './constants.ts'

export const ALL_KEY = `${CAPABILITY_PREFIX}all`

export function classKey (resourceClass: string): string {
  return `${CAPABILITY_PREFIX}class/${resourceClass}`
}

export function regionKey (region: string): string {
  return `${CAPABILITY_PREFIX}region/${region}`
}

/** The keys a pool is found under, most selective first. */
export function capabilityKeys (pool: { class: string, region: string }): string[] {
  return [classKey(pool.class), regionKey(pool.region), ALL_KEY]
}

export async function capabilityCid (key: string): Promise<CID> {
  return CID.createV1(raw.code, await sha256.digest(utf8(key)))
}
