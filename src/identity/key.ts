/**
 * The node's identity: an Ed25519 key kept in the repo (mode 0600). Its PeerId
 * is the provider part of every CPI the node owns, so it must survive restarts.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { ErrorCode } from '../error-codes.ts'
import { defineError } from '../errors.ts'

const KEY_FILE_MODE = 0o600

export const KeyFileError = defineError('KeyFileError', 'CPNET_KEY_INVALID', ErrorCode.INTERNAL_ERROR)

/** Writes a new key; refuses to overwrite an existing file. */
export async function createKeyFile (path: string): Promise<PrivateKey> {
  const key = await generateKeyPair('Ed25519')
  writeFileSync(path, privateKeyToProtobuf(key), { mode: KEY_FILE_MODE, flag: 'wx' })
  return key
}

export interface LoadedKey {
  key: PrivateKey
  /** True when group or others can read the file; the caller warns. */
  tooOpen: boolean
}

export function loadKeyFile (path: string): LoadedKey {
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (err) {
    throw new KeyFileError(`cannot read the node key ${path}: ${(err as Error).message}`)
  }
  try {
    const key = privateKeyFromProtobuf(bytes)
    return { key, tooOpen: (statSync(path).mode & 0o077) !== 0 }
  } catch (err) {
    throw new KeyFileError(`the node key ${path} is corrupt: ${(err as Error).message}`)
  }
}
