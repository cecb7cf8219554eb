/** Where a repo lives and what it holds. */
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

const DEFAULT_REPO_DIR_NAME = '.cpnet'
export const REPO_ENV = 'CPNET_REPO'
export const REPO_FORMAT_VERSION = 1

/** The files of one repo directory. */
export interface RepoLayout {
  root: string
  /** config.json: the node's configuration, read once at start. */
  config: string
  /** The node's Ed25519 private key (protobuf-encoded), mode 0600. */
  key: string
  /** Bearer token with admin rights on the JSON-RPC API, mode 0600. */
  token: string
  /** The RPC URL of the running daemon; written once it listens, removed at exit. */
  api: string
  /** Held by the running daemon: its pid. */
  lock: string
  /** Repo format version, for future migrations. */
  version: string
  /** cpnet's own LevelDB (ledger, seq counters, price history). */
  db: string
  /** libp2p's datastore (peer store, DHT records). */
  datastore: string
  /**
   * Written once both databases were opened (created, on a first start): from
   * then on an empty or missing database directory is damage, never "new".
   */
  created: string
  /** Where the check before each start copies a database (removed before and after it). */
  check: string
  /** Per-lease files of the provisioners (a container's host key and authorized_keys). */
  provision: string
  /** SSH host keys of the leases this node took, pinned for `cpnet lease ssh`. */
  knownHosts: string
}

export function repoLayout (root: string): RepoLayout {
  const dir = resolve(root)
  return {
    root: dir,
    config: join(dir, 'config.json'),
    key: join(dir, 'identity.key'),
    token: join(dir, 'rpc.token'),
    api: join(dir, 'api'),
    lock: join(dir, 'repo.lock'),
    version: join(dir, 'version'),
    db: join(dir, 'db'),
    datastore: join(dir, 'datastore'),
    created: join(dir, 'db.created'),
    check: join(dir, '.check'),
    provision: join(dir, 'provision'),
    knownHosts: join(dir, 'known_hosts')
  }
}

/** `--repo` wins, then `CPNET_REPO`, then `~/.cpnet`. */
export function resolveRepoPath (flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag ?? env[REPO_ENV]
  return resolve(chosen != null && chosen !== '' ? chosen : join(homedir(), DEFAULT_REPO_DIR_NAME))
}
