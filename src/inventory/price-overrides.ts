/**
 * Prices set with provider_setPrice, kept in node.db so that they survive
 * restarts. They apply to pools of every source: a pool declared in
 * config.json or detected by nvidia-smi has no stored spec to change. An
 * override remembers the declared price it replaced and holds only while the
 * pool is still declared at that price: an operator who edits config.json, or
 * re-adds the pool with another price, has the later word.
 */
import { Type, type Static } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import type { NodeDb } from '../host/db.ts'
import { stringSublevel, validEntries, type StringSublevel } from '../host/db.ts'
import { PriceSchema, type Price } from '../config/pool-schema.ts'

const SUBLEVEL = 'price-overrides'

const PriceOverrideSchema = Type.Object({
  price: PriceSchema,
  /** The declared price when the override was set. */
  replaced: PriceSchema
}, { additionalProperties: false })
export type PriceOverride = Static<typeof PriceOverrideSchema>

const checkOverride = TypeCompiler.Compile(PriceOverrideSchema)

export function samePrice (a: Price, b: Price): boolean {
  return a.microsPerGpuHour === b.microsPerGpuHour && a.currency === b.currency
}

export class PriceOverrides {
  private readonly db: StringSublevel

  constructor (db: NodeDb) {
    this.db = stringSublevel(db, SUBLEVEL)
  }

  /** Stored overrides by pool name; an entry that does not validate is skipped and reported. */
  async all (onInvalid: (name: string, problem: string) => void): Promise<Map<string, PriceOverride>> {
    return new Map(await validEntries(this.db, checkOverride, onInvalid))
  }

  async put (name: string, override: PriceOverride): Promise<void> {
    await this.db.put(name, JSON.stringify(override))
  }

  async delete (name: string): Promise<void> {
    await this.db.del(name)
  }
}
