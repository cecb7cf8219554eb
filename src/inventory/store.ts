/**
 * Pools added over RPC, kept in the node's LevelDB so that they survive
 * restarts. Values are the PoolSpec as JSON, re-validated on load.
 */
import { TypeCompiler } from '@sinclair/typebox/compiler'
import type { NodeDb } from '../host/db.ts'
import { stringSublevel, validEntries, type StringSublevel } from '../host/db.ts'
import { PoolSpecSchema, type PoolSpec } from '../config/pool-schema.ts'

export const POOLS_SUBLEVEL = 'pools'
const checkSpec = TypeCompiler.Compile(PoolSpecSchema)

export class PoolStore {
  private readonly db: StringSublevel

  constructor (db: NodeDb) {
    this.db = stringSublevel(db, POOLS_SUBLEVEL)
  }

  /** Stored specs; an entry that no longer validates is skipped and reported to `onInvalid`. */
  async all (onInvalid: (name: string, problem: string) => void): Promise<PoolSpec[]> {
    return (await validEntries(this.db, checkSpec, onInvalid)).map(([, spec]) => spec)
  }

  async put (spec: PoolSpec): Promise<void> {
    await this.db.put(spec.name, JSON.stringify(spec))
  }

  async delete (name: string): Promise<void> {
    await this.db.del(name)
  }
}
