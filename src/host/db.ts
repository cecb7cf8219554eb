/**
 * Sublevels of the node's own LevelDB (node.db): each part that keeps state
 * gets a named sublevel of string keys and string values, so parts never see
 * each other's keys.
 */
import type { Static, TSchema } from '@sinclair/typebox'
import type { TypeCheck } from '@sinclair/typebox/compiler'
import type { Level } from 'level'

/** cpnet's own database: keys are strings, values are bytes or JSON per sublevel. */
export type NodeDb = Level<string, Uint8Array>

export function stringSublevel (db: NodeDb, name: string) {
  return db.sublevel<string, string>(name, { keyEncoding: 'utf8', valueEncoding: 'utf8' })
}

export type StringSublevel = ReturnType<typeof stringSublevel>

/**
 * The entries of a sublevel of JSON values that pass `check`, in key order.
 * One that does not parse or validate (written by another version, or
 * damaged) is skipped and reported to `onInvalid`.
 */
export async function validEntries<T extends TSchema> (db: StringSublevel, check: TypeCheck<T>, onInvalid: (key: string, problem: string) => void): Promise<Array<[string, Static<T>]>> {
  const entries: Array<[string, Static<T>]> = []
  for await (const [key, raw] of db.iterator()) {
    try {
      const value: unknown = JSON.parse(raw)
      if (!check.Check(value)) throw new Error(check.Errors(value).First()?.message ?? 'invalid')
      entries.push([key, value])
    } catch (err) {
      onInvalid(key, (err as Error).message)
    }
  }
  return entries
}
