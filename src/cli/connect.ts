/**
 * How client commands find their daemon: `--api` or `CPNET_API`, else the
 * `api` file the daemon writes in its repo; the token comes from the repo.
 * An `api` file whose daemon is gone (kill -9, a crash) is not dialled: with no
 * live process holding the repo lock, nobody listens at its address.
 */
import { existsSync, readFileSync } from 'node:fs'
import { ErrorCode } from '../error-codes.ts'
import { defineError } from '../errors.ts'
import { repoLayout } from '../repo/layout.ts'
import { RpcClient, RpcUnreachableError } from '../rpc/client.ts'
import { readTokenFile } from '../repo/token.ts'
import { lockHolder } from '../repo/lock.ts'

/** No daemon runs for the repo, or none answers at its address (a client-side failure, never on the wire). */
export const NoDaemonError = defineError('NoDaemonError', 'CPNET_NO_DAEMON', ErrorCode.INTERNAL_ERROR)

export interface ClientOptions {
  repo: string
  api?: string
  env?: NodeJS.ProcessEnv
}

export interface ApiEndpoint {
  url: string
  token?: string
  /** The repo whose api file named the URL; unset when `--api` or `CPNET_API` did. */
  repoRoot?: string
}

/** Where the daemon's API is and the token to call it with. */
export function resolveApi (options: ClientOptions): ApiEndpoint {
  const layout = repoLayout(options.repo)
  const env = options.env ?? process.env
  const token = env.CPNET_TOKEN ?? (existsSync(layout.token) ? readTokenFile(layout.token) : undefined)
  const url = options.api ?? env.CPNET_API
  if (url != null && url !== '') return { url, token }
  const start = `start one with: cpnet daemon --repo ${layout.root}`
  if (!existsSync(layout.api)) throw new NoDaemonError(`no daemon is running for repo ${layout.root} (${start})`)
  if (lockHolder(layout.lock) == null) {
    throw new NoDaemonError(`no daemon is running for repo ${layout.root} (its api file is left from a daemon that stopped without cleaning up; ${start})`)
  }
  return { url: readFileSync(layout.api, 'utf8').trim(), token, repoRoot: layout.root }
}

/**
 * A client of the daemon a repo's api file names. A refused connection there
 * means no daemon runs either: the lock's pid can belong to another process
 * since (after a reboot, pids are handed out again).
 */
class RepoClient extends RpcClient {
  private readonly repoRoot: string

  constructor (endpoint: ApiEndpoint & { repoRoot: string }) {
    super(endpoint)
    this.repoRoot = endpoint.repoRoot
  }

  override async call<T = unknown> (method: string, params?: Record<string, unknown> | unknown[]): Promise<T> {
    try {
      return await super.call<T>(method, params)
    } catch (err) {
      if (err instanceof RpcUnreachableError && (err.cause as NodeJS.ErrnoException | undefined)?.code === 'ECONNREFUSED') {
        throw new NoDaemonError(`no daemon is running for repo ${this.repoRoot} (nothing listens at ${this.url}, the address in its api file; start one with: cpnet daemon --repo ${this.repoRoot})`)
      }
      throw err
    }
  }
}

export function clientFor (options: ClientOptions): RpcClient {
  const endpoint = resolveApi(options)
  return endpoint.repoRoot != null ? new RepoClient({ ...endpoint, repoRoot: endpoint.repoRoot }) : new RpcClient(endpoint)
}
