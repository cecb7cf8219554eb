/**
 * The repo directory, as kubo has it: `init` writes config.json, the key and the
 * RPC token; a daemon opens it under a lock and reads the config once.
 */
import { existsSync, mkdirSync, writeFileSync, rmSync } from 'node:fs'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { applyPatches, loadConfig, readDefaults, readProfile, validateConfig, type ConfigPatch, type FlagOverride } from '../config/load.ts'
import type { Config } from '../config/schema.ts'
import { createKeyFile, loadKeyFile } from '../identity/key.ts'
import { RepoExistsError, RepoNotInitializedError } from './errors.ts'
import { repoLayout, REPO_FORMAT_VERSION, type RepoLayout } from './layout.ts'
import { acquireLock, type RepoLock } from './lock.ts'
import { createTokenFile, readTokenFile } from './token.ts'

export interface InitOptions {
  /** Profiles applied on top of the defaults, in order (kubo's `init --profile`). */
  profiles?: string[]
  /** Partial configs applied after the profiles, in order (e.g. a testnet node's bootstrap peer). */
  patches?: ConfigPatch[]
}

export interface InitResult {
  layout: RepoLayout
  peerId: PeerId
  config: Config
}

export function isInitialized (root: string): boolean {
  return existsSync(repoLayout(root).config)
}

export async function initRepo (root: string, options: InitOptions = {}): Promise<InitResult> {
  const layout = repoLayout(root)
  if (existsSync(layout.config)) {
    throw new RepoExistsError(`repo ${layout.root} is already initialised (${layout.config} exists)`)
  }
  // validate before touching the disk, so a bad profile leaves nothing behind
  const config = validateConfig(applyPatches(readDefaults(), ...(options.profiles ?? []).map(readProfile), ...(options.patches ?? [])))
  const created = !existsSync(layout.root)
  mkdirSync(layout.root, { recursive: true, mode: 0o700 })
  try {
    const key = existsSync(layout.key) ? loadKeyFile(layout.key).key : await createKeyFile(layout.key)
    if (!existsSync(layout.token)) createTokenFile(layout.token)
    // empty database directories, which the first start creates the databases in (src/repo/databases.ts)
    mkdirSync(layout.db, { recursive: true })
    mkdirSync(layout.datastore, { recursive: true })
    writeFileSync(layout.version, `${REPO_FORMAT_VERSION}\n`)
    // written last: its presence is what marks the repo as initialised
    writeFileSync(layout.config, JSON.stringify(config, null, 2) + '\n', { flag: 'wx' })
    return { layout, peerId: peerIdFromPrivateKey(key), config }
  } catch (err) {
    if (created) rmSync(layout.root, { recursive: true, force: true })
    throw err
  }
}

export interface OpenRepoOptions {
  env?: NodeJS.ProcessEnv
  flags?: FlagOverride[]
}

/** A repo held by this process: config read and validated, key loaded, lock taken. */
export interface OpenRepo {
  layout: RepoLayout
  config: Config
  privateKey: PrivateKey
  peerId: PeerId
  token: string
  /** Set when the key file is readable by others; the daemon warns. */
  keyTooOpen: boolean
  close: () => void
}

/** Refuses a directory that `init` has not made a repo. */
export function assertInitialized (layout: RepoLayout): void {
  if (!existsSync(layout.config)) {
    throw new RepoNotInitializedError(`no cpnet repo at ${layout.root} (run: cpnet init --repo ${layout.root})`)
  }
}

export function openRepo (root: string, options: OpenRepoOptions = {}): OpenRepo {
  const layout = repoLayout(root)
  assertInitialized(layout)
  const lock: RepoLock = acquireLock(layout.lock, layout.root)
  try {
    const config = loadConfig({ file: layout.config, env: options.env, flags: options.flags })
    const { key, tooOpen } = loadKeyFile(layout.key)
    const token = existsSync(layout.token) ? readTokenFile(layout.token) : createTokenFile(layout.token)
    return {
      layout,
      config,
      privateKey: key,
      peerId: peerIdFromPrivateKey(key),
      token,
      keyTooOpen: tooOpen,
      close: () => { lock.release() }
    }
  } catch (err) {
    lock.release()
    throw err
  }
}
