/**
 * Sublevels of the node's own LevelDB (node.db): each part that keeps state
 * gets a named sublevel of string keys and string values, so parts never see
 * each other's keys.
 */
import type { NodeDb } from './node.ts'

export function stringSublevel (db: NodeDb, name: string) {
  return db.sublevel<string, string>(name, { keyEncoding: 'utf8', valueEncoding: 'utf8' })
}

export type StringSublevel = ReturnType<typeof stringSublevel>
