/**
 * The capability keys this node provides, remembered in node.db. kad-dht
 * keeps our own provider records and re-provides them even after a restart;
 * a key that no pool needs any more must be cancelled explicitly, including
 * one left from the last run.
 */
import type { NodeDb } from '../host/db.ts'
import { stringSublevel, type StringSublevel } from '../host/db.ts'

const SUBLEVEL = 'provided-keys'

export class ProvidedKeys {
  private readonly db: StringSublevel

  constructor (db: NodeDb) {
    this.db = stringSublevel(db, SUBLEVEL)
  }

  async all (): Promise<string[]> {
    return this.db.keys().all()
  }

  async add (key: string): Promise<void> {
    await this.db.put(key, '1')
  }

  async delete (key: string): Promise<void> {
    await this.db.del(key)
  }
}
