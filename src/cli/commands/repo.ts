/**
 * `cpnet repo check` and `cpnet repo repair`: the repo's databases without a
 * daemon (no RPC). Their code, LevelDB included, loads only when they run.
 */
import type { Command } from 'commander'
import type { GlobalOptions } from '../client-command.ts'
import type { DbRepairReport, DbReport } from '../../repo/check.ts'
import { formatTable, printJson, tableOptions, TEXT_MIN_WIDTH, type RenderOptions } from '../output.ts'

export function registerRepo (program: Command): void {
  const repo = program.command('repo').description('check or repair the repo\'s databases (no daemon may hold the repo)')

  repo.command('check')
    .description('read both databases without writing to them: count pools, leases and holds, report damage (exit 1 on damage)')
    .action(async (_opts: unknown, cmd: Command) => { await run(cmd, 'check') })

  repo.command('repair')
    .description('repair each damaged database with LevelDB\'s repair, after keeping a copy beside it as <name>.damaged-<time>')
    .action(async (_opts: unknown, cmd: Command) => { await run(cmd, 'repair') })
}

async function run (cmd: Command, what: 'check' | 'repair'): Promise<void> {
  const globals = cmd.optsWithGlobals<GlobalOptions>()
  const [{ checkRepo, repairRepo }, { resolveRepoPath }] = await Promise.all([import('../../repo/check.ts'), import('../../repo/layout.ts')])
  const root = resolveRepoPath(globals.repo)
  const result = what === 'check' ? await checkRepo(root) : await repairRepo(root)
  if (globals.json === true) printJson(result)
  else process.stdout.write(render(result.repo, result.databases, { wide: globals.wide === true }))
  // damage left is a failure, for scripts and for people
  if (!result.ok) process.exitCode = 1
}

/** The table within 80 columns (a damaged one's path, cut, is in full in the notes below it), then the notes. */
function render (root: string, databases: DbRepairReport[], options: RenderOptions): string {
  const table = formatTable(['DATABASE', 'STATE', 'CONTENT'], databases.map(d => [d.name, d.kept != null ? `repaired (${d.state})` : d.state, content(d)]),
    tableOptions(options, { 2: TEXT_MIN_WIDTH }))
  const notes = databases.flatMap(d => [
    ...(d.kept != null ? [`${d.name}: the damaged files were kept in ${d.kept}`] : []),
    ...(d.lost != null && d.lost.length > 0 ? [`${d.name}: LevelDB could not read ${d.lost.length} table(s) in full and moved them to ${d.path}/lost: entries of theirs may be gone`] : []),
    ...(d.advice != null ? [d.advice] : [])
  ])
  return [`Repo: ${root}`, table, ...notes].join('\n') + '\n'
}

function content (d: DbReport): string {
  if (d.state === 'new') return 'empty: the daemon creates it on its first start'
  if (d.state === 'damaged') return `damaged at ${d.damage?.file ?? d.path}`
  const c = d.counts
  const entries = `entries ${d.entries ?? 0}`
  return c == null ? entries : `${entries}; pools ${c.pools}, leases ${c.leases} (active ${c.activeLeases}), holds ${c.holds}`
}
