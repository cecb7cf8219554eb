/**
 * The `cpnet` program: every command's definition, and the one place errors
 * are printed. Start-up loads only these definitions and what they need
 * (commander, the RPC client): a command's heavy code (the node and libp2p,
 * the repo, the testnet) is imported by its action when it runs, so
 * `--version` and client commands start in tens of milliseconds
 * (`npm run bench -- cli`; test/cli/startup.test.ts checks the modules loaded).
 */
import { Command, CommanderError } from 'commander'
import { VERSION } from '../package.ts'
import { registerInit } from './commands/init.ts'
import { registerDaemon } from './commands/daemon.ts'
import { registerStatus } from './commands/status.ts'
import { registerPeers } from './commands/peers.ts'
import { registerConnect } from './commands/connect.ts'
import { registerOffers } from './commands/offers.ts'
import { registerProvider } from './commands/provider.ts'
import { registerLease } from './commands/lease.ts'
import { registerPrices } from './commands/prices.ts'
import { registerTestnet } from './commands/testnet.ts'
import { registerRepo } from './commands/repo.ts'
import { CLI_ERROR_CODES, jsonError, printJson } from './output.ts'

/** `--json` anywhere before a `--`: errors of the command line itself come before commander has parsed it. */
function wantsJson (argv: string[]): boolean {
  const end = argv.indexOf('--')
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json')
}

function buildProgram (json = false): Command {
  const program = new Command('cpnet')
    .description('Peer-to-peer node for the Computing Power Internet')
    .version(VERSION)
    .option('--repo <dir>', 'repo directory (default: $CPNET_REPO or ~/.cpnet)')
    .option('--api <url>', 'daemon RPC URL (default: $CPNET_API or the repo\'s api file)')
    .option('--json', 'machine-readable output; errors too, as {"error": {"code", "message"}} on stdout')
    .option('--wide', 'tables as wide as their cells, CPIs and ids in full (default: 80 columns)')
    .showHelpAfterError(!json)
    .exitOverride()
    // with --json the error goes to stdout as JSON from main(), not as text here
    .configureOutput({ outputError: (str, write) => { if (!json) write(str.startsWith('error:') ? `cpnet: ${str.slice(7)}` : str) } })
  registerInit(program)
  registerDaemon(program)
  registerStatus(program)
  registerPeers(program)
  registerConnect(program)
  registerOffers(program)
  registerProvider(program)
  registerLease(program)
  registerPrices(program)
  registerTestnet(program)
  registerRepo(program)
  return program
}

/**
 * Commands throw; here every error becomes one line on stderr, or with
 * --json one `{"error": {"code", "message"}}` object on stdout, and exit code 1.
 */
export async function main (argv: string[]): Promise<void> {
  const json = wantsJson(argv.slice(2))
  const program = buildProgram(json)
  try {
    await program.parseAsync(argv)
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and --version end here with exit code 0
      if (err.exitCode === 0) {
        process.exitCode = 0
        return
      }
      if (json) printJson(jsonError({ code: CLI_ERROR_CODES.usage, message: err.message.replace(/^error: /, '') }))
      process.exitCode = 1
      return
    }
    if (json) printJson(jsonError(err))
    else process.stderr.write(`cpnet: ${(err as Error).message}\n`)
    process.exitCode = 1
  }
}
