/**
 * The repo's two LevelDBs, cpnet's db/ and libp2p's datastore/: checked
 * without being changed, opened without ever being created anew, repaired.
 *
 * LevelDB rewrites files on every open (it turns the write-ahead log into a
 * table and writes a new MANIFEST), so a database is first copied under the
 * repo (`.check/`, the same filesystem) and the copy opened and read in full:
 * damage found there leaves the repo's files as they were. A database
 * directory is created in only while `db.created` is absent (a repo `init`
 * made, never started): once both databases were opened that file is
 * written, and an empty or missing directory is damage, never "start empty".
 */
import { accessSync, constants, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Level } from 'level'
import type { NodeDb } from '../host/db.ts'
import { RepoCheckFailedError, RepoDamagedError, RepoLockedError } from './errors.ts'
import type { RepoLayout } from './layout.ts'

export type RepoDbName = 'db' | 'datastore'
export const REPO_DBS: readonly RepoDbName[] = ['db', 'datastore']

/** What is wrong with a database, as far as what to do about it goes. */
export type DbDamageKind =
  /** The directory is gone: restore it. */
  | 'missing'
  /** The directory holds no database although one was created (`db.created`): restore it. */
  | 'empty'
  /** The directory or a file in it cannot be read or written by this user: fix its permissions or ownership. */
  | 'access'
  /** LevelDB cannot open or read it: `cpnet repo repair`. */
  | 'level'

/** What LevelDB, or the filesystem, said about a database that could not be opened or read. */
export interface DbDamage {
  kind: DbDamageKind
  /** The file at fault as LevelDB names it, else the database directory. */
  file: string
  /** LevelDB's code (LEVEL_CORRUPTION, LEVEL_IO_ERROR …) or the filesystem's (ENOENT, EACCES …); LevelDB gives none for some errors ("Invalid argument"). */
  code?: string
  message: string
}

export type DbState =
  /** No database yet, and the repo's databases were never created: the first start creates it. */
  | { state: 'new' }
  | { state: 'ok', entries: number }
  | { state: 'damaged', damage: DbDamage }

/** LevelDB's own text log, of no use to a check: not copied. */
const LEVELDB_LOG_FILES: readonly string[] = ['LOG', 'LOG.old']

/**
 * What LevelDB writes in a new database's directory before `CURRENT` (its lock,
 * its text log, the first MANIFEST, CURRENT's temp file): a directory that
 * holds only these is a first create cut short (a crash), not a database.
 */
const BEFORE_CURRENT = /^(LOCK|LOG|LOG\.old|MANIFEST-000001|\d+\.dbtmp)$/

/** Both databases hold string keys and byte values; the datastore keeps go-ipfs's uncompressed tables. */
const OPEN_OPTIONS: Record<RepoDbName, { compression: boolean }> = {
  db: { compression: true },
  datastore: { compression: false }
}

/** Reads a database's state without writing to its directory; `visit` may read the opened copy further. */
export async function inspectDb (layout: RepoLayout, name: RepoDbName, visit?: (db: NodeDb) => Promise<void>): Promise<DbState> {
  const dir = layout[name]
  let files: string[]
  try {
    files = readdirSync(dir)
  } catch (err) {
    const { code, message } = fsError(err)
    if (code === 'ENOENT') return { state: 'damaged', damage: { kind: 'missing', file: dir, code, message: 'the database directory is missing' } }
    return { state: 'damaged', damage: { kind: 'access', file: dir, code, message } }
  }
  if (files.every(f => BEFORE_CURRENT.test(f))) {
    if (!existsSync(layout.created)) return { state: 'new' }
    const held = files.length === 0 ? 'it is empty' : `it holds only ${files.sort().join(', ')}`
    return { state: 'damaged', damage: { kind: 'empty', file: dir, message: `${held}, no database` } }
  }
  // a copy left by a check that was killed goes first
  clearCheck(layout)
  try {
    const copy = join(layout.check, name)
    const denied = copyForCheck(layout, name, files, copy)
    if (denied != null) return { state: 'damaged', damage: denied }
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
    clearCheck(layout)
  }
}

function clearCheck (layout: RepoLayout): void {
  try {
    rmSync(layout.check, { recursive: true, force: true })
  } catch (err) {
    throw checkFailed(layout, layout.check, err)
  }
}

/**
 * Copies a database's files (its LOG aside; `lost/`, left by a repair, is never
 * read by LevelDB) for the check. A file this user may not read is damage of the
 * `access` kind; any other failure (no space, too many open files) is the
 * check's own, thrown as the one line that names the repo and the file.
 */
function copyForCheck (layout: RepoLayout, name: RepoDbName, files: string[], copy: string): DbDamage | undefined {
  try {
    mkdirSync(copy, { recursive: true })
  } catch (err) {
    throw checkFailed(layout, copy, err)
  }
  for (const file of files) {
    if (LEVELDB_LOG_FILES.includes(file)) continue
    const src = join(layout[name], file)
    try {
      if (statSync(src).isDirectory()) continue
      copyFileSync(src, join(copy, file))
    } catch (err) {
      const { code, message } = fsError(err)
      if ((code === 'EACCES' || code === 'EPERM') && !canRead(src)) return { kind: 'access', file: src, code, message }
      throw checkFailed(layout, src, err)
    }
  }
  return undefined
}

function canRead (path: string): boolean {
  try {
    accessSync(path, constants.R_OK)
    return true
  } catch {
    return false
  }
}

/** A filesystem error's code and its message without the code Node.js puts in front. */
function fsError (err: unknown): { code?: string, message: string } {
  const { code, message } = err as NodeJS.ErrnoException
  return { code, message: code != null && message.startsWith(`${code}: `) ? message.slice(code.length + 2) : message }
}

function checkFailed (layout: RepoLayout, file: string, err: unknown): Error {
  const { code, message } = fsError(err)
  return new RepoCheckFailedError(`repo ${layout.root}: the check of its databases could not copy ${file} (${code != null ? `${code}: ` : ''}${message}); nothing was changed. The check copies each database under ${layout.check} before every start: it needs room (the size of the larger database) and write access there`, { cause: err })
}

/**
 * Opens the repo's databases for the daemon. Both are checked before either
 * opens, so a refusal (one line) leaves every file as it was; another process
 * holding LevelDB's lock is reported as the lock it is. Once both are open,
 * `db.created` records that they exist (also for a repo made before it was
 * written), so that neither is ever created anew.
 */
export async function openRepoDbs (layout: RepoLayout): Promise<Record<RepoDbName, NodeDb>> {
  const states = new Map<RepoDbName, DbState>()
  for (const name of REPO_DBS) {
    const checked = await inspectDb(layout, name)
    if (checked.state === 'damaged') throw new RepoDamagedError(damagedLine(layout, name, checked.damage))
    states.set(name, checked)
  }
  const opened: NodeDb[] = []
  try {
    for (const name of REPO_DBS) opened.push(await openChecked(layout, name, states.get(name)?.state === 'new'))
    if (!existsSync(layout.created)) writeFileSync(layout.created, `${new Date().toISOString()}\n`)
  } catch (err) {
    // the open's own error is the one to report, whatever a close says
    await Promise.allSettled(opened.map(async db => { await db.close() }))
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

/** The one line a refused start prints (and `repo check` and `repo repair` advise): the repo, the file, the cause, what to do. */
export function damagedLine (layout: RepoLayout, name: RepoDbName, damage: DbDamage): string {
  const dir = layout[name]
  const cause = damage.code != null ? `${damage.code}: ${damage.message}` : damage.message
  const created = existsSync(layout.created)
  switch (damage.kind) {
    case 'missing':
      return `repo ${layout.root}: ${dir} is missing, so the ${name} database was not created anew; restore it from a backup, or create it empty (${created ? `mkdir ${dir} && rm ${layout.created}` : `mkdir ${dir}`}) to start with an empty database`
    case 'empty':
      return `repo ${layout.root}: ${dir} holds no database (${damage.message}) although the databases were created (${layout.created}), so it was not created anew; restore it from a backup, or remove ${layout.created} to start with an empty database`
    case 'access':
      return `repo ${layout.root}: the ${name} database cannot be read at ${damage.file} (${cause}); nothing was changed. Fix the permissions or ownership of ${damage.file}: the daemon's user must be able to read and write it`
    case 'level':
      return `repo ${layout.root}: the ${name} database is damaged at ${damage.file} (${cause}); nothing was changed. Run: cpnet repo repair --repo ${layout.root} (it keeps a copy of the damaged files)`
  }
}

/** The code and message of a LevelDB failure, the copy's paths read as the repo's. */
function levelDamage (err: unknown, dir: string, copy?: string): DbDamage {
  const outer = err as { code?: string, message?: string, cause?: { code?: string, message?: string } }
  // a failed open is LEVEL_DATABASE_NOT_OPEN with LevelDB's own error as its cause
  const inner = outer.code === 'LEVEL_DATABASE_NOT_OPEN' && outer.cause != null ? outer.cause : outer
  const raw = inner.message ?? String(err)
  const message = copy != null ? raw.split(copy).join(dir) : raw
  // LevelDB's IO error for a file or directory it may not write (a LOCK owned by root)
  const kind = /Permission denied/.test(message) ? 'access' : 'level'
  return { kind, file: faultyFile(dir, message), code: inner.code, message }
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
