/**
 * `cpnet repo check` and `cpnet repo repair`: the repo's databases without a
 * daemon (no RPC). Their code, LevelDB included, loads only when they run.
 */
import type { Command } from 'commander'
import type { GlobalOptions } from '../client-command.ts'
import type { DbRepairReport, DbReport } from '../../repo/check.ts'

export function registerRepo (program: Command): void {
  const repo = program.command('repo').description('check or repair the repo\'s databases (no daemon may hold the repo)')

  repo.command('check')
    .description('read both databases without writing to them: count pools, leases and holds, report damage (exit 1 on damage)')
    .action(async (_opts: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>()
      const [{ checkRepo }, { resolveRepoPath }, { printJson }] = await Promise.all([import('../../repo/check.ts'), import('../../repo/layout.ts'), import('../output.ts')])
      const result = await checkRepo(resolveRepoPath(globals.repo))
      if (globals.json === true) printJson(result)
      else process.stdout.write(await render(result.repo, result.databases))
      if (!result.ok) process.exitCode = 1
    })

  repo.command('repair')
    .description('repair each damaged database with LevelDB\'s repair, after keeping a copy beside it as <name>.damaged-<time>')
    .action(async (_opts: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>()
      const [{ repairRepo }, { resolveRepoPath }, { printJson }] = await Promise.all([import('../../repo/check.ts'), import('../../repo/layout.ts'), import('../output.ts')])
      const result = await repairRepo(resolveRepoPath(globals.repo))
      if (globals.json === true) printJson(result)
      else process.stdout.write(await render(result.repo, result.databases))
      if (!result.ok) process.exitCode = 1
    })
}

async function render (root: string, databases: DbRepairReport[]): Promise<string> {
  const { formatTable } = await import('../output.ts')
  const table = formatTable(['DATABASE', 'STATE', 'CONTENT'], databases.map(d => [d.name, d.kept != null ? `repaired (${d.state})` : d.state, content(d)]))
  const notes = databases.flatMap(d => [
    ...(d.kept != null ? [`${d.name}: the damaged files were kept in ${d.kept}`] : []),
    ...(d.lost != null && d.lost.length > 0 ? [`${d.name}: LevelDB could not read ${d.lost.length} file(s) and moved them to ${d.path}/lost; their entries are gone from the database`] : []),
    ...(d.advice != null ? [d.advice] : [])
  ])
  return [`Repo: ${root}`, table, ...notes].join('\n') + '\n'
}

function content (d: DbReport): string {
  if (d.state === 'new') return 'empty: not opened yet (the daemon creates it on its first start)'
  if (d.state === 'damaged') return `damaged at ${d.damage?.file ?? d.path}`
  const c = d.counts
  const entries = `${d.entries ?? 0} entries`
  return c == null ? entries : `${entries}: ${c.pools} pools, ${c.leases} leases (${c.activeLeases} active), ${c.holds} holds`
}
