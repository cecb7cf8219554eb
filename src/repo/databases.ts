/**
 * The repo's two LevelDBs, cpnet's db/ and libp2p's datastore/: checked
 * without being changed, opened without ever being created anew, repaired.
 *
 * LevelDB rewrites files on every open (it turns the write-ahead log into a
 * table and writes a new MANIFEST), so a database is first opened and read in
 * full as a copy in the OS temp directory: damage found there leaves the
 * repo's files as they were. Only an empty directory (made by `init`, never
 * opened) gets a new database; a missing directory or missing LevelDB files
 * mean damage, never "start empty".
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { Level } from 'level'
import type { NodeDb } from '../node/db.ts'
import { RepoDamagedError, RepoLockedError } from './errors.ts'
import type { RepoLayout } from './layout.ts'

export type RepoDbName = 'db' | 'datastore'
export const REPO_DBS: readonly RepoDbName[] = ['db', 'datastore']

/** What LevelDB said about a database it could not open or read. */
export interface DbDamage {
  /** The file at fault as LevelDB names it, else the database directory. */
  file: string
  /** LevelDB's code (LEVEL_CORRUPTION, LEVEL_IO_ERROR …); LevelDB gives none for some errors ("Invalid argument"). */
  code?: string
  message: string
}

export type DbState =
  /** An empty directory: made by `init`, not opened yet. */
  | { state: 'new' }
  | { state: 'ok', entries: number }
  | { state: 'damaged', damage: DbDamage }

/** LevelDB's own text log, of no use to a check: not copied. */
const LEVELDB_LOG_FILES: readonly string[] = ['LOG', 'LOG.old']

/** Both databases hold string keys and byte values; the datastore keeps go-ipfs's uncompressed tables. */
const OPEN_OPTIONS: Record<RepoDbName, { compression: boolean }> = {
  db: { compression: true },
  datastore: { compression: false }
}

/** Reads a database's state without writing to its directory; `visit` may read the opened copy further. */
export async function inspectDb (dir: string, visit?: (db: NodeDb) => Promise<void>): Promise<DbState> {
  let files: string[]
  try {
    files = readdirSync(dir)
  } catch (err) {
    return { state: 'damaged', damage: { file: dir, code: (err as NodeJS.ErrnoException).code, message: 'the database directory is missing or unreadable' } }
  }
  if (files.length === 0) return { state: 'new' }
  const copy = mkdtempSync(join(tmpdir(), `cpnet-check-${basename(dir)}-`))
  try {
    cpSync(dir, copy, { recursive: true, filter: src => !LEVELDB_LOG_FILES.includes(basename(src)) || src === dir })
    // the options go to the constructor: its deferred open uses them too
    const db: NodeDb = new Level(copy, { keyEncoding: 'utf8', valueEncoding: 'view', createIfMissing: false })
    try {
      await db.open()
      let entries = 0
      // values too: every data block of every table is read
      for await (const _ of db.iterator({ keyEncoding: 'view', valueEncoding: 'view' })) entries++
      await visit?.(db)
      return { state: 'ok', entries }
    } catch (err) {
      return { state: 'damaged', damage: levelDamage(err, dir, copy) }
    } finally {
      await db.close().catch(() => {})
    }
  } finally {
    rmSync(copy, { recursive: true, force: true })
  }
}

/**
 * Opens the repo's databases for the daemon. Both are checked before either
 * opens, so a refusal (one line) leaves every file as it was; another process
 * holding LevelDB's lock is reported as the lock it is.
 */
export async function openRepoDbs (layout: RepoLayout): Promise<Record<RepoDbName, NodeDb>> {
  const states = new Map<RepoDbName, DbState>()
  for (const name of REPO_DBS) {
    const checked = await inspectDb(layout[name])
    if (checked.state === 'damaged') throw new RepoDamagedError(damagedLine(layout, name, checked.damage))
    states.set(name, checked)
  }
  const opened: NodeDb[] = []
  try {
    for (const name of REPO_DBS) opened.push(await openChecked(layout, name, states.get(name)?.state === 'new'))
  } catch (err) {
    await Promise.all(opened.map(async db => { await db.close() }))
    throw err
  }
  const [db, datastore] = opened as [NodeDb, NodeDb]
  return { db, datastore }
}

async function openChecked (layout: RepoLayout, name: RepoDbName, create: boolean): Promise<NodeDb> {
  const dir = layout[name]
  const db: NodeDb = new Level(dir, { keyEncoding: 'utf8', valueEncoding: 'view', ...OPEN_OPTIONS[name], createIfMissing: create })
  try {
    await db.open()
  } catch (err) {
    const damage = levelDamage(err, dir)
    if (damage.code === 'LEVEL_LOCKED') {
      throw new RepoLockedError(`repo ${layout.root} is in use by another process: it holds LevelDB's lock on ${join(dir, 'LOCK')} (${damage.message})`)
    }
    throw new RepoDamagedError(damagedLine(layout, name, damage))
  }
  return db
}

/** The one line a refused start prints: the repo, the file, LevelDB's words, what to do. */
export function damagedLine (layout: RepoLayout, name: RepoDbName, damage: DbDamage): string {
  const dir = layout[name]
  const cause = damage.code != null ? `${damage.code}: ${damage.message}` : damage.message
  if (damage.file === dir && damage.code === 'ENOENT') {
    return `repo ${layout.root}: ${dir} is missing, so the ${name} database was not created anew; restore it from a backup, or create it empty (mkdir ${dir}) to start with an empty database`
  }
  return `repo ${layout.root}: the ${name} database is damaged at ${damage.file} (${cause}); nothing was changed. Run: cpnet repo repair --repo ${layout.root} (it keeps a copy of the damaged files)`
}

/** The code and message of a LevelDB failure, the copy's paths read as the repo's. */
export function levelDamage (err: unknown, dir: string, copy?: string): DbDamage {
  const outer = err as { code?: string, message?: string, cause?: { code?: string, message?: string } }
  // a failed open is LEVEL_DATABASE_NOT_OPEN with LevelDB's own error as its cause
  const inner = outer.code === 'LEVEL_DATABASE_NOT_OPEN' && outer.cause != null ? outer.cause : outer
  const raw = inner.message ?? String(err)
  const message = copy != null ? raw.split(copy).join(dir) : raw
  return { file: faultyFile(dir, message), code: inner.code, message }
}

/**
 * The file a LevelDB message is about: named by path; CURRENT when it says the
 * database "does not exist" (CURRENT is what it looks for); the MANIFEST when
 * it speaks of the "descriptor".
 */
function faultyFile (dir: string, message: string): string {
  if (message.includes('does not exist (create_if_missing is false)')) return join(dir, 'CURRENT')
  const named = message.indexOf(dir + '/')
  if (named >= 0) return join(dir, /^[^\s:]+/.exec(message.slice(named + dir.length + 1))?.[0] ?? '')
  if (/\bCURRENT\b/.test(message)) return join(dir, 'CURRENT')
  if (/descriptor|manifest/i.test(message)) return currentManifest(dir) ?? join(dir, 'CURRENT')
  return dir
}

/** The MANIFEST that CURRENT names, when it names one that exists. */
function currentManifest (dir: string): string | undefined {
  try {
    const path = join(dir, readFileSync(join(dir, 'CURRENT'), 'utf8').trim())
    return statSync(path).isFile() ? path : undefined
  } catch {
    return undefined
  }
}

/** classic-level's static repair, which the `level` package's type leaves out (on Node.js `Level` is classic-level). */
const repairLevelDb = (Level as unknown as { repair: (location: string) => Promise<void> }).repair.bind(Level)

export interface DbRepair {
  /** Where the damaged directory was copied before the repair. */
  kept: string
  /**
   * Tables LevelDB could not read in full and moved to lost/ inside the
   * database: entries of theirs may be gone. (It moves the old MANIFEST, and
   * the logs it turned into tables, to lost/ too; those lose nothing.)
   */
  lost: string[]
}

/** LevelDB's repair, after a copy of the directory is kept beside it as `<name>.damaged-<UTC time>`. */
export async function repairDb (dir: string, now = new Date()): Promise<DbRepair> {
  const kept = `${dir}.damaged-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`
  cpSync(dir, kept, { recursive: true, errorOnExist: true, force: false })
  const lostDir = join(dir, 'lost')
  const lostBefore = new Set(listFiles(lostDir))
  await repairLevelDb(dir)
  const tables = listFiles(lostDir).filter(f => !lostBefore.has(f) && /\.(ldb|sst)$/.test(f))
  return { kept, lost: tables.map(f => join(lostDir, f)) }
}

function listFiles (dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}
