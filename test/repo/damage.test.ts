/**
 * A damaged database is refused, never started empty: real LevelDB files
 * broken three ways (CURRENT removed, MANIFEST emptied, a table cut in half)
 * in a provider's repo that holds a pool and a lease. The daemon (a real
 * process) refuses with one line, `cpnet repo check` names the damage, the
 * files stay as they were, and `cpnet repo repair` makes the database usable
 * again with the damaged copy kept.
 */
import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync, writeSync } from 'node:fs'
import { basename, join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Level } from 'level'
import { initRepo } from '../../src/repo/repo.ts'
import { repoLayout } from '../../src/repo/layout.ts'
import { RepoDamagedError, RepoLockedError } from '../../src/repo/errors.ts'
import type { RepoCheck, RepoRepair } from '../../src/repo/check.ts'
import { cleanEnv, runCli, spawnDaemon, killDaemon } from '../helpers/cli.ts'
import { REPO_DBS } from '../../src/repo/databases.ts'
import { DaemonPool } from '../helpers/daemons.ts'

const H100 = { name: 'h100', model: 'NVIDIA H100 80GB HBM3', gpus: 8, gpuMemoryMib: 81559, region: 'cn-east-1', price: { microsPerGpuHour: 2_500_000, currency: 'USD' } }

/** Every file under a directory with its hash (LevelDB's LOG included: a refused start does not open the real directory at all). */
function snapshot (dir: string): Record<string, string> {
  const files: Record<string, string> = {}
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name)
      if (statSync(path).isDirectory()) walk(path)
      else files[relative(dir, path)] = createHash('sha256').update(readFileSync(path)).digest('hex')
    }
  }
  walk(dir)
  return files
}

function databases (repo: string): Record<string, string> {
  const layout = repoLayout(repo)
  return { ...snapshot(layout.db), ...Object.fromEntries(Object.entries(snapshot(layout.datastore)).map(([k, v]) => [`datastore/${k}`, v])) }
}

function manifestOf (db: string): string {
  return join(db, readFileSync(join(db, 'CURRENT'), 'utf8').trim())
}

function largestTable (db: string): string {
  const tables = readdirSync(db).filter(f => f.endsWith('.ldb')).map(f => join(db, f))
  const largest = tables.sort((a, b) => statSync(b).size - statSync(a).size)[0]
  if (largest == null) throw new Error(`no .ldb table in ${db}: ${readdirSync(db).join(' ')}`)
  return largest
}

const DAMAGE: Array<{ kind: string, damage: (db: string) => string, keepsData: boolean }> = [
  { kind: 'db/CURRENT removed', damage: db => { const file = join(db, 'CURRENT'); unlinkSync(file); return file }, keepsData: true },
  { kind: 'the MANIFEST emptied', damage: db => { const file = manifestOf(db); truncateSync(file, 0); return file }, keepsData: true },
  { kind: 'an .ldb table cut in half', damage: db => { const file = largestTable(db); truncateSync(file, Math.floor(statSync(file).size / 2)); return file }, keepsData: false }
]

describe('a damaged repo database', () => {
  const pool = new DaemonPool()
  let template: string

  beforeAll(async () => {
    const provider = await pool.start()
    const consumer = await pool.start({ bootstrap: [provider.addrs[0] as string] })
    const { cpi } = await provider.admin.call<{ cpi: string }>('provider_addPool', H100)
    await consumer.admin.call('lease_request', { cpi, gpus: 2, durationSec: 3600, maxPrice: H100.price })
    await consumer.stop()
    await provider.stop()
    // a second open turns LevelDB's write-ahead log into an .ldb table
    await (await pool.start({ repoPath: provider.repoPath })).stop()
    template = provider.repoPath
  })
  afterAll(async () => { await pool.cleanup() })

  /** Starts `cpnet daemon` on a repo it must refuse; its stderr lines. */
  async function refusedStart (repo: string, ...args: string[]): Promise<string[]> {
    const daemon = await spawnDaemon(['--repo', repo, ...args])
    try {
      expect(await daemon.exited).toBe(1)
    } finally {
      await killDaemon(daemon)
    }
    return daemon.stderr().trim().split('\n')
  }

  let copies = 0
  function copyOfTemplate (): string {
    const repo = join(pool.root, `copy-${copies++}`)
    cpSync(template, repo, { recursive: true })
    return repo
  }

  it('repo check counts the pools, leases and holds of a sound repo and exits 0', async () => {
    const repo = copyOfTemplate()
    const before = databases(repo)
    const result = await runCli(['--repo', repo, '--json', 'repo', 'check'])
    expect(result.code).toBe(0)
    const check = JSON.parse(result.stdout) as RepoCheck
    expect(check.ok).toBe(true)
    expect(check.databases.map(d => [d.name, d.state])).toEqual([['db', 'ok'], ['datastore', 'ok']])
    expect(check.databases[0]?.counts).toEqual({ pools: 1, leases: 1, activeLeases: 1, holds: 0 })
    const human = await runCli(['--repo', repo, 'repo', 'check'])
    expect(human.stdout).toMatch(/^db\s+ok\s+entries \d+; pools 1, leases 1 \(active 1\), holds 0$/m)
    expect(databases(repo)).toEqual(before)
  })

  it.each(DAMAGE)('$kind: the daemon refuses with one line, check reports it, nothing changes; repair makes it usable', async ({ damage, keepsData }) => {
    const repo = copyOfTemplate()
    const layout = repoLayout(repo)
    const file = damage(layout.db)
    const before = databases(repo)

    // the refusal is one line in either log format: no log line of a daemon that never started
    for (const format of ['json', 'pretty']) {
      const lines = await refusedStart(repo, '--log-format', format)
      expect(lines).toHaveLength(1)
      expect(lines[0]).toContain(`cpnet: repo ${layout.root}: the db database is damaged at ${file} (`)
      expect(lines[0]).toContain(`Run: cpnet repo repair --repo ${layout.root}`)
      expect(lines[0]).not.toContain('in use')
    }
    expect(databases(repo)).toEqual(before)
    expect(existsSync(layout.lock)).toBe(false)
    expect(existsSync(layout.check)).toBe(false)

    const checked = await runCli(['--repo', repo, '--json', 'repo', 'check'])
    expect(checked.code).toBe(1)
    const report = JSON.parse(checked.stdout) as RepoCheck
    expect(report.ok).toBe(false)
    expect(report.databases.map(d => [d.name, d.state])).toEqual([['db', 'damaged'], ['datastore', 'ok']])
    expect(report.databases[0]?.damage?.file).toBe(file)
    expect(databases(repo)).toEqual(before)

    const repaired = await runCli(['--repo', repo, '--json', 'repo', 'repair'])
    expect(repaired.code).toBe(0)
    const repair = JSON.parse(repaired.stdout) as RepoRepair
    expect(repair.databases[0]).toMatchObject({ name: 'db', state: 'ok' })
    const kept = repair.databases[0]?.kept as string
    expect(kept).toMatch(new RegExp(`^${layout.db}\\.damaged-\\d{8}T\\d{6}Z$`))
    expect(snapshot(kept)).toEqual(Object.fromEntries(Object.entries(before).filter(([k]) => !k.startsWith('datastore/'))))
    // a table LevelDB cannot read in full is moved aside; the old MANIFEST and logs it also moves lose nothing
    expect(repair.databases[0]?.lost).toEqual(keepsData ? [] : [join(layout.db, 'lost', basename(file))])
    expect(repair.databases[1]).toMatchObject({ name: 'datastore', state: 'ok' })
    expect(repair.databases[1]?.kept).toBeUndefined()

    const daemonAfter = await pool.start({ repoPath: repo })
    const pools = await daemonAfter.anonymous.call<Array<{ name: string }>>('provider_pools')
    if (keepsData) expect(pools.map(p => p.name)).toEqual(['h100'])
    await daemonAfter.stop()
    expect((await runCli(['--repo', repo, 'repo', 'check'])).code).toBe(0)
  })

  it('a missing db/ is refused, not created anew; an empty one (a repo never started) is created', async () => {
    const root = join(pool.root, 'missing')
    const { layout } = await initRepo(root, { profiles: ['test'] })
    rmSync(layout.db, { recursive: true })
    const err = await pool.start({ repoPath: root }).then(() => undefined, (e: unknown) => e as Error)
    expect(err).toBeInstanceOf(RepoDamagedError)
    expect(err?.message).toBe(`repo ${layout.root}: ${layout.db} is missing, so the db database was not created anew; restore it from a backup, or create it empty (mkdir ${layout.db}) to start with an empty database`)
    expect(existsSync(layout.db)).toBe(false)
    expect(existsSync(layout.lock)).toBe(false)
    mkdirSync(layout.db)
    expect(existsSync(layout.created)).toBe(false)
    await (await pool.start({ repoPath: root })).stop()
    expect(readdirSync(layout.db)).toContain('CURRENT')
    expect(existsSync(layout.created)).toBe(true)
  })

  it.each(REPO_DBS)('%s/ emptied (every file in it removed) after a run: refused in one line, nothing created; repair refuses too', async name => {
    const repo = copyOfTemplate()
    const layout = repoLayout(repo)
    for (const file of readdirSync(layout[name])) rmSync(join(layout[name], file), { recursive: true })
    const line = `cpnet: repo ${layout.root}: ${layout[name]} holds no database (it is empty, no database) although the databases were created (${layout.created}), so it was not created anew; restore it from a backup, or remove ${layout.created} to start with an empty database`
    expect(await refusedStart(repo)).toEqual([line])
    expect(readdirSync(layout[name])).toEqual([])
    const checked = await runCli(['--repo', repo, '--json', 'repo', 'check'])
    expect(checked.code).toBe(1)
    expect((JSON.parse(checked.stdout) as RepoCheck).databases.find(d => d.name === name)).toMatchObject({ state: 'damaged', damage: { kind: 'empty', file: layout[name] } })
    const repaired = await runCli(['--repo', repo, 'repo', 'repair'])
    expect(repaired.code).toBe(1)
    expect(repaired.stdout).toContain(line.slice('cpnet: '.length))
    expect(readdirSync(layout[name])).toEqual([])
    expect(readdirSync(repo).filter(f => f.includes('.damaged-'))).toEqual([])
  })

  it('with LevelDB\'s LOCK and LOG only (a first create cut short), db/ is refused once the databases were created, and created while they were not', async () => {
    const repo = copyOfTemplate()
    const layout = repoLayout(repo)
    for (const file of readdirSync(layout.db)) if (file !== 'LOCK' && file !== 'LOG') rmSync(join(layout.db, file), { recursive: true })
    expect(await refusedStart(repo)).toEqual([`cpnet: repo ${layout.root}: ${layout.db} holds no database (it holds only LOCK, LOG, no database) although the databases were created (${layout.created}), so it was not created anew; restore it from a backup, or remove ${layout.created} to start with an empty database`])
    // what a crash during the very first start leaves: the marker is written only once both databases opened
    unlinkSync(layout.created)
    await (await pool.start({ repoPath: repo })).stop()
    expect(readdirSync(layout.db)).toContain('CURRENT')
    expect(existsSync(layout.created)).toBe(true)
  })

  it('a repo made before db.created was written gets it at its first start, and is protected from then on', async () => {
    const repo = copyOfTemplate()
    const layout = repoLayout(repo)
    unlinkSync(layout.created)
    const daemon = await pool.start({ repoPath: repo })
    expect((await daemon.anonymous.call<Array<{ name: string }>>('provider_pools')).map(p => p.name)).toEqual(['h100'])
    await daemon.stop()
    expect(existsSync(layout.created)).toBe(true)
  })

  it('db/ that is not a directory: one line saying to fix it, not to repair; repair refuses with that line', async () => {
    const repo = copyOfTemplate()
    const layout = repoLayout(repo)
    rmSync(layout.db, { recursive: true })
    writeFileSync(layout.db, 'not a directory')
    const [line] = await refusedStart(repo)
    expect(line).toMatch(new RegExp(`^cpnet: repo ${layout.root}: the db database cannot be read at ${layout.db} \\(ENOTDIR: not a directory, scandir '${layout.db}'\\); nothing was changed\\. Fix the permissions or ownership of ${layout.db}`))
    expect(line).not.toContain('repo repair')
    const repaired = await runCli(['--repo', repo, '--json', 'repo', 'repair'])
    expect(repaired.code).toBe(1)
    const report = JSON.parse(repaired.stdout) as RepoRepair
    expect(report.databases[0]).toMatchObject({ name: 'db', state: 'damaged', damage: { kind: 'access', code: 'ENOTDIR' }, advice: line?.slice('cpnet: '.length) })
    expect(report.databases[0]?.kept).toBeUndefined()
    expect(readFileSync(layout.db, 'utf8')).toBe('not a directory')
  })

  it('the check copies under the repo: a copy left by a killed check is cleared, none is left behind, none in the OS temp directory', async () => {
    const repo = copyOfTemplate()
    const layout = repoLayout(repo)
    const tmp = join(pool.root, 'tmp')
    mkdirSync(tmp)
    // what a check SIGKILLed while it read its copy leaves
    mkdirSync(join(layout.check, 'db'), { recursive: true })
    writeFileSync(join(layout.check, 'db', '000005.ldb'), 'left by a killed check')
    const env = cleanEnv({ TMPDIR: tmp })
    expect((await runCli(['--repo', repo, 'repo', 'check'], env)).code).toBe(0)
    expect(existsSync(layout.check)).toBe(false)
    const daemon = await spawnDaemon(['--repo', repo], env)
    try {
      expect(daemon.stdout()).toContain('Daemon is ready')
      expect(existsSync(layout.check)).toBe(false)
    } finally {
      await killDaemon(daemon)
    }
    expect(readdirSync(tmp).filter(f => f.startsWith('cpnet-check'))).toEqual([])
  })

  // a full disk needs a small filesystem of its own: a tmpfs, which only root may mount
  it.skipIf(process.getuid?.() !== 0)('no room for the check\'s copy: one line naming the repo and the file, nothing changed, no copy left', async () => {
    const small = join(pool.root, 'small')
    mkdirSync(small)
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', small])
    try {
      const repo = join(small, 'repo')
      cpSync(template, repo, { recursive: true })
      const layout = repoLayout(repo)
      const before = databases(repo)
      // fill the filesystem, then leave room for the lock file and a page or so of the copy
      const filler = join(small, 'filler')
      const fd = openSync(filler, 'w')
      try {
        const block = Buffer.alloc(64 * 1024)
        for (;;) writeSync(fd, block)
      } catch (err) {
        expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC')
      } finally {
        closeSync(fd)
      }
      truncateSync(filler, statSync(filler).size - 8192)
      for (const command of [['repo', 'check'], ['daemon']]) {
        const result = await runCli(['--repo', repo, ...command])
        expect(result.code).toBe(1)
        const lines = result.stderr.trim().split('\n')
        expect(lines).toHaveLength(1)
        expect(lines[0]).toMatch(new RegExp(`^cpnet: repo ${repo}: the check of its databases could not copy ${layout.db}/\\S+ \\(ENOSPC: no space left on device, copyfile .*\\); nothing was changed\\. The check copies each database under ${layout.check} before every start: it needs room`))
        expect(existsSync(layout.check)).toBe(false)
        expect(existsSync(layout.lock)).toBe(false)
      }
      expect(databases(repo)).toEqual(before)
    } finally {
      execFileSync('umount', [small])
    }
  })

  it('LevelDB\'s lock held elsewhere is reported as a lock, naming LevelDB\'s words', async () => {
    const repo = copyOfTemplate()
    const layout = repoLayout(repo)
    const holder = new Level(layout.db)
    await holder.open()
    try {
      const err = await pool.start({ repoPath: repo }).then(() => undefined, (e: unknown) => e as Error)
      expect(err).toBeInstanceOf(RepoLockedError)
      expect(err?.message).toMatch(new RegExp(`^repo ${layout.root} is in use by another process: it holds LevelDB's lock on ${layout.db}/LOCK \\(IO error: lock `))
    } finally {
      await holder.close()
    }
  })

  it('repo check and repo repair refuse while a daemon holds the repo', async () => {
    const daemon = await pool.start({ repoPath: copyOfTemplate() })
    for (const command of ['check', 'repair']) {
      const result = await runCli(['--repo', daemon.repoPath, 'repo', command])
      expect(result.code).toBe(1)
      expect(result.stderr.trim()).toBe(`cpnet: repo ${daemon.repoPath} is in use by another cpnet daemon (pid ${process.pid}): stop it first, its databases change while it runs`)
    }
    await daemon.stop()
  })
})
