/**
 * Where a process testnet lives: one directory holding the state file and a
 * directory per node (its repo and its log).
 *
 *   .testnet/testnet.json          what `status` and `down` read
 *   .testnet/provider-1/repo/      an ordinary cpnet repo: `cpnet --repo` works on it
 *   .testnet/provider-1/daemon.log the daemon's stdout and stderr
 */
import { join, resolve } from 'node:path'

export const TESTNET_DIR_ENV = 'CPNET_TESTNET_DIR'
const DEFAULT_TESTNET_DIR = '.testnet'
/** How long `testnet up` waits for every node to be ready and connected; here, not in up.ts, so the CLI's help shows it without loading the start code. */
export const DEFAULT_UP_TIMEOUT_MS = 60_000

export interface TestnetLayout {
  root: string
  state: string
  nodeDir: (name: string) => string
  repo: (name: string) => string
  log: (name: string) => string
}

export function testnetLayout (dir: string): TestnetLayout {
  const root = resolve(dir)
  const nodeDir = (name: string): string => join(root, name)
  return {
    root,
    state: join(root, 'testnet.json'),
    nodeDir,
    repo: name => join(nodeDir(name), 'repo'),
    log: name => join(nodeDir(name), 'daemon.log')
  }
}

/** `--dir` wins, then `CPNET_TESTNET_DIR`, then `.testnet` in the current directory. */
export function resolveTestnetDir (flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag ?? env[TESTNET_DIR_ENV]
  return resolve(chosen != null && chosen !== '' ? chosen : DEFAULT_TESTNET_DIR)
}
