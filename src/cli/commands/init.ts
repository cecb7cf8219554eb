import type { Command } from 'commander'
import { resolveRepoPath } from '../../repo/layout.ts'
import { PROFILES } from '../../config/profiles.ts'
import { formatFields, printJson } from '../output.ts'
import type { GlobalOptions } from '../client-command.ts'

export function registerInit (program: Command): void {
  program.command('init')
    .description('create a repo: config.json, the node key and the RPC token')
    .option('--profile <names>', `comma-separated profiles to apply (${PROFILES.join(', ')})`)
    .action(async (opts: { profile?: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>()
      const profiles = opts.profile?.split(',').map(s => s.trim()).filter(s => s !== '') ?? []
      const { initRepo } = await import('../../repo/repo.ts')
      const result = await initRepo(resolveRepoPath(globals.repo), { profiles })
      if (globals.json === true) {
        printJson({ repo: result.layout.root, peerId: result.peerId.toString(), profiles })
        return
      }
      process.stdout.write(formatFields([
        ['Initialised repo', result.layout.root],
        ['PeerID', result.peerId.toString()],
        ['Profiles', profiles.length > 0 ? profiles.join(', ') : 'none']
      ]) + '\n')
    })
}
