/**
 * The test vectors of docs/vectors/, made by the project's own code from
 * fixed keys and times: one JSON file per family. vectors.test.ts compares
 * them with the checked-in files and writes them when asked
 * (`npm run vectors`); docs/vectors/README.md describes every field.
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { capabilityFile } from './capability.ts'
import { keysFile, vectorKeys } from './keys.ts'
import { leaseFile } from './lease.ts'
import { offerFile } from './offer.ts'
import { priceFile } from './price.ts'

export const VECTORS_DIR = fileURLToPath(new URL('../../docs/vectors/', import.meta.url))

/** File name → its text, exactly as checked in (two-space JSON, one final newline). */
export async function generateVectors (): Promise<Map<string, string>> {
  const keys = await vectorKeys()
  const files: Array<[string, unknown]> = [
    ['keys.json', keysFile(keys)],
    ['offer.json', await offerFile(keys)],
    ['price.json', await priceFile(keys)],
    ['capability.json', await capabilityFile()],
    ['lease.json', await leaseFile(keys)]
  ]
  return new Map(files.map(([name, content]) => [name, `${JSON.stringify(content, null, 2)}\n`]))
}

export function vectorPath (name: string): string {
  return join(VECTORS_DIR, name)
}
