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

export function buildProgram (): Command {
  const program = new Command('cpnet')
    .description('Peer-to-peer node for the Computing Power Internet')
    .version(VERSION)
    .option('--repo <dir>', 'repo directory (default: $CPNET_REPO or ~/.cpnet)')
    .option('--api <url>', 'daemon RPC URL (default: $CPNET_API or the repo\'s api file)')
    .option('--json', 'machine-readable output')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ outputError: (str, write) => { write(str.startsWith('error:') ? `cpnet: ${str.slice(7)}` : str) } })
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

/** Commands throw; here every error becomes one line on stderr and exit code 1. */
export async function main (argv: string[]): Promise<void> {
  const program = buildProgram()
  try {
    await program.parseAsync(argv)
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 1
      return
    }
    process.stderr.write(`cpnet: ${(err as Error).message}\n`)
    process.exitCode = 1
  }
}
