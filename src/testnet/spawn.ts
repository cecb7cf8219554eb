/**
 * Starts one node's daemon as a detached process: the pinned Node running the
 * built CLI, in a process group of its own (so `down` can signal it and
 * anything it starts, and Ctrl-C in the shell that ran `up` does not reach it),
 * with stdout and stderr appended to the node's log file.
 */
import { spawn } from 'node:child_process'
import { closeSync, existsSync, openSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { ENV_PREFIX } from '../config/env.ts'
import { NodeStartError } from './errors.ts'
import { daemonArgs } from './processes.ts'

/** The built CLI next to this module (dist/src/testnet → dist/src/cli). */
export const CLI_ENTRY = fileURLToPath(new URL('../cli/index.js', import.meta.url))

export interface NodeExit {
  code: number | null
  signal: NodeJS.Signals | null
  /** Set when the process could not be started at all. */
  error?: string
}

export interface SpawnedNode {
  pid: number
  /** Settles when the process exits; never rejects. */
  exited: Promise<NodeExit>
}

/**
 * Every `CPNET_*` variable is left out: each node's config.json is its whole
 * configuration, and a `CPNET_RPC_PORT` meant for one daemon would make every
 * node of the testnet fight for that port.
 */
function nodeEnv (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith(ENV_PREFIX)))
}

export function spawnDaemon (repo: string, logFile: string): SpawnedNode {
  if (!existsSync(CLI_ENTRY)) throw new NodeStartError(`the cpnet CLI is not built at ${CLI_ENTRY} (run: npm run build)`)
  const log = openSync(logFile, 'a')
  try {
    const child = spawn(process.execPath, [CLI_ENTRY, ...daemonArgs(repo)], {
      detached: true,
      stdio: ['ignore', log, log],
      env: nodeEnv(process.env)
    })
    const exited = new Promise<NodeExit>(resolve => {
      child.once('exit', (code, signal) => { resolve({ code, signal }) })
      child.once('error', err => { resolve({ code: null, signal: null, error: err.message }) })
    })
    // the daemon outlives `up`
    child.unref()
    if (child.pid == null) throw new NodeStartError(`could not start the daemon for ${repo}`)
    return { pid: child.pid, exited }
  } finally {
    closeSync(log)
  }
}
