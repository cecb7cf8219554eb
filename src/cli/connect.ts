/**
 * How client commands find their daemon: `--api` or `CPNET_API`, else the
 * `api` file the daemon writes in its repo; the token comes from the repo.
 * An `api` file whose daemon is gone (kill -9, a crash) is not dialled: with no
 * live process holding the repo lock, nobody listens at its address.
 */
import { existsSync, readFileSync } from 'node:fs'
import { repoLayout } from '../repo/layout.ts'
import { RpcClient } from '../rpc/client.ts'
import { readTokenFile } from '../repo/token.ts'
import { lockHolder } from '../repo/lock.ts'

export class NoDaemonError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'NoDaemonError'
  }
}

export interface ClientOptions {
  repo: string
  api?: string
  env?: NodeJS.ProcessEnv
}

export interface ApiEndpoint {
  url: string
  token?: string
}

/** Where the daemon's API is and the token to call it with. */
export function resolveApi (options: ClientOptions): ApiEndpoint {
  const layout = repoLayout(options.repo)
  const env = options.env ?? process.env
  let url = options.api ?? env.CPNET_API
  if (url == null || url === '') {
    const start = `start one with: cpnet daemon --repo ${layout.root}`
    if (!existsSync(layout.api)) throw new NoDaemonError(`no daemon is running for repo ${layout.root} (${start})`)
    if (lockHolder(layout.lock) == null) {
      throw new NoDaemonError(`no daemon is running for repo ${layout.root} (its api file is left from a daemon that stopped without cleaning up; ${start})`)
    }
    url = readFileSync(layout.api, 'utf8').trim()
  }
  const token = env.CPNET_TOKEN ?? (existsSync(layout.token) ? readTokenFile(layout.token) : undefined)
  return { url, token }
}

export function clientFor (options: ClientOptions): RpcClient {
  return new RpcClient(resolveApi(options))
}
