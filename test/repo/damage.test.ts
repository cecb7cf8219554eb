/**
 * A damaged database is refused, never started empty: real LevelDB files
 * broken three ways (CURRENT removed, MANIFEST emptied, a table cut in half)
 * in a provider's repo that holds a pool and a lease. The daemon (a real
 * process) refuses with one line, `cpnet repo check` names the damage, the
 * files stay as they were, and `cpnet repo repair` makes the database usable
 * again with the damaged copy kept.
 */
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, unlinkSync } from 'node:fs'
import { basename, join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Level } from 'level'
import { initRepo } from '../../src/repo/repo.ts'
import { repoLayout } from '../../src/repo/layout.ts'
import { RepoDamagedError, RepoLockedError } from '../../src/repo/errors.ts'
import type { RepoCheck, RepoRepair } from '../../src/repo/check.ts'
import { runCli, spawnDaemon, killDaemon } from '../helpers/cli.ts'
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

    const daemon = await spawnDaemon(['--repo', repo])
    try {
      expect(await daemon.exited).toBe(1)
    } finally {
      await killDaemon(daemon)
    }
    // the log's own lines (JSON) aside, the refusal is one line
    const lines = daemon.stderr().trim().split('\n').filter(line => !line.startsWith('{'))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain(`cpnet: repo ${layout.root}: the db database is damaged at ${file} (`)
    expect(lines[0]).toContain(`Run: cpnet repo repair --repo ${layout.root}`)
    expect(lines[0]).not.toContain('in use')
    expect(databases(repo)).toEqual(before)
    expect(existsSync(layout.lock)).toBe(false)

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
    await (await pool.start({ repoPath: root })).stop()
    expect(readdirSync(layout.db)).toContain('CURRENT')
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
