/** capability.json: the capability keys the pool is provided under, and their CIDs (docs/PROTOCOL.md §4). */
import { capabilityCid, capabilityKeys } from '../../src/discovery/capability.ts'
import { hex, utf8, type Json } from './format.ts'
import { POOL } from './inputs.ts'

export interface CapabilityVector {
  /** The key string. */
  key: string
  /** Its UTF-8 bytes. */
  utf8: string
  /** sha256 of those bytes. */
  sha256: string
  /** The CIDv1 (codec raw, sha2-256 multihash) as a string, and its bytes. */
  cid: string
  cidBytes: string
}

export interface CapabilityFile {
  about: string
  inputs: Record<string, Json>
  keys: CapabilityVector[]
}

export async function capabilityFile (): Promise<CapabilityFile> {
  const keys: CapabilityVector[] = []
  for (const key of capabilityKeys(POOL)) {
    const cid = await capabilityCid(key)
    keys.push({ key, utf8: hex(utf8(key)), sha256: hex(cid.multihash.digest), cid: cid.toString(), cidBytes: hex(cid.bytes) })
  }
  return {
    about: 'The capability keys of pool h100 (class, region, all), most selective first, with their CIDs.',
    inputs: { class: POOL.class, region: POOL.region },
    keys
  }
}
