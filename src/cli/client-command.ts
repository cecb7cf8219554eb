import type { Command } from 'commander'
import { resolveRepoPath } from '../repo/layout.ts'
import type { RpcClient } from '../rpc/client.ts'
import { clientFor } from './connect.ts'
import { printJson, type RenderOptions } from './output.ts'

/** Options every command accepts (before or after the command name). */
export interface GlobalOptions {
  repo?: string
  api?: string
  json?: boolean
  wide?: boolean
}

/**
 * The common shape of commands that talk to a running daemon: find it, call,
 * then print JSON with --json or the command's own human rendering (tables
 * within 80 columns, identifiers short, unless --wide).
 */
export function clientAction<A extends unknown[], T> (
  call: (client: RpcClient, ...args: A) => Promise<T>,
  render: (result: T, options: RenderOptions) => string
): (...args: [...A, Record<string, unknown>, Command]) => Promise<void> {
  return async (...args) => {
    const cmd = args[args.length - 1] as Command
    const globals = cmd.optsWithGlobals<GlobalOptions>()
    const client = clientFor({ repo: resolveRepoPath(globals.repo), api: globals.api })
    const result = await call(client, ...(args.slice(0, -1) as A))
    if (globals.json === true) printJson(result)
    else process.stdout.write(render(result, { wide: globals.wide === true }) + '\n')
  }
}
