/** The JSON-RPC bearer token: random, kept in the repo with mode 0600. */
import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'

const TOKEN_BYTES = 32

export function createTokenFile (path: string): string {
  const token = randomBytes(TOKEN_BYTES).toString('base64url')
  writeFileSync(path, token + '\n', { mode: 0o600, flag: 'wx' })
  return token
}

export function readTokenFile (path: string): string {
  return readFileSync(path, 'utf8').trim()
}
