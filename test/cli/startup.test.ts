/**
 * CLI start-up loads only what the command runs: the program's definitions
 * never pull in the node, libp2p or LevelDB. Checked on the modules Node
 * actually loads (a load hook writing each URL to stderr), not on a time.
 */
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI_ENTRY, cleanEnv } from '../helpers/cli.ts'
import { tempDir } from '../helpers/daemons.ts'

const HOOK = `
import { registerHooks } from 'node:module'
import { writeSync } from 'node:fs'
registerHooks({ load (url, context, next) { writeSync(2, 'LOADED ' + url + '\\n'); return next(url, context) } })
`
/** What a client command must never load: the daemon's code and its libraries. */
const HEAVY = [/\/node_modules\/(@libp2p|libp2p|@chainsafe|level|classic-level|pino|@sinclair)\//, /\/dist\/src\/(node|discovery|lease|pricing|inventory|ledger)\//]

describe('cpnet start-up', () => {
  let dir: ReturnType<typeof tempDir>
  let hook: string
  beforeAll(() => {
    dir = tempDir()
    hook = join(dir.path, 'hook.mjs')
    writeFileSync(hook, HOOK)
  })
  afterAll(() => { dir.remove() })

  async function loaded (args: string[]): Promise<{ code: number | null, stdout: string, modules: string[] }> {
    const child = spawn(process.execPath, ['--import', pathToFileURL(hook).href, CLI_ENTRY, ...args], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', c => { stdout += String(c) })
    child.stderr.on('data', c => { stderr += String(c) })
    const code = await new Promise<number | null>(resolve => { child.on('close', resolve) })
    const modules = stderr.split('\n').filter(l => l.startsWith('LOADED ')).map(l => l.slice(7))
    return { code, stdout, modules }
  }

  it.each([
    [['--version']],
    [['--help']],
    [['lease', '--help']],
    [['--repo', 'REPO', 'status']]
  ])('cpnet %j loads no daemon code and no libp2p', async args => {
    const run = await loaded(args.map(a => a === 'REPO' ? join(dir.path, 'none') : a))
    expect(run.modules.some(m => m.endsWith('/dist/src/cli/program.js'))).toBe(true)
    expect(run.modules.filter(m => HEAVY.some(h => h.test(m)))).toEqual([])
  })

  it('a command\'s own code loads when it runs: init loads the repo code', async () => {
    const run = await loaded(['--repo', join(dir.path, 'init'), 'init', '--profile', 'test'])
    expect(run.code).toBe(0)
    expect(run.modules.some(m => m.endsWith('/dist/src/repo/repo.js'))).toBe(true)
  })
})
