/**
 * `cpnet repo check` and `cpnet repo repair`, without a daemon: the repo's
 * databases read without a write to their files (see databases.ts), what they
 * hold counted, and damage repaired by LevelDB after a copy is kept. Both run
 * under the repo lock, so that no daemon starts and changes the files meanwhile.
 */
import { LEASE_PREFIX, HOLD_PREFIX, LEDGER_SUBLEVEL } from '../ledger/ledger.ts'
import { POOLS_SUBLEVEL } from '../inventory/store.ts'
import { stringSublevel, type NodeDb } from '../host/db.ts'
import { damagedLine, inspectDb, repairDb, REPO_DBS, type DbDamage, type DbState, type RepoDbName } from './databases.ts'
import { RepoLockedError } from './errors.ts'
import { repoLayout, type RepoLayout } from './layout.ts'
import { acquireLock } from './lock.ts'
import { assertInitialized } from './repo.ts'

/** What cpnet's db holds, by kind. */
export interface DbCounts {
  pools: number
  leases: number
  activeLeases: number
  holds: number
}

export interface DbReport {
  name: RepoDbName
  path: string
  state: DbState['state']
  entries?: number
  /** cpnet's db only. */
  counts?: DbCounts
  damage?: DbDamage
  /** What to do about the damage, as a refused start says it. */
  advice?: string
}

export interface RepoCheck {
  repo: string
  ok: boolean
  databases: DbReport[]
}

export interface DbRepairReport extends DbReport {
  /** Set when a repair ran: the copy of the damaged directory. */
  kept?: string
  /** Tables LevelDB could not read in full, moved to lost/: entries of theirs may be gone. */
  lost?: string[]
}

export interface RepoRepair {
  repo: string
  ok: boolean
  databases: DbRepairReport[]
}

export async function checkRepo (root: string): Promise<RepoCheck> {
  const layout = repoLayout(root)
  return await underLock(layout, async () => {
    const databases: DbReport[] = []
    for (const name of REPO_DBS) databases.push(await inspectReport(layout, name))
    return { repo: layout.root, ok: databases.every(d => d.state !== 'damaged'), databases }
  })
}

/**
 * Repairs each damaged database: a copy of its directory is kept beside it as
 * `<name>.damaged-<UTC time>`, then LevelDB's repair rebuilds it from the
 * files it can read. A missing or emptied directory has nothing to repair, and
 * one this user may not read needs its permissions fixed: those are reported
 * with what to do, unchanged.
 */
export async function repairRepo (root: string, now = new Date()): Promise<RepoRepair> {
  const layout = repoLayout(root)
  return await underLock(layout, async () => {
    const databases: DbRepairReport[] = []
    for (const name of REPO_DBS) {
      const before = await inspectReport(layout, name)
      // only LevelDB's damage is LevelDB's to repair; a missing or emptied directory, or one this user
      // may not read, is refused with the advice a refused start gives
      if (before.state !== 'damaged' || before.damage?.kind !== 'level') {
        databases.push(before)
        continue
      }
      const { kept, lost } = await repairDb(layout[name], now)
      databases.push({ ...await inspectReport(layout, name), kept, lost })
    }
    return { repo: layout.root, ok: databases.every(d => d.state !== 'damaged'), databases }
  })
}

async function underLock<T> (layout: RepoLayout, run: () => Promise<T>): Promise<T> {
  assertInitialized(layout)
  let lock
  try {
    lock = acquireLock(layout.lock, layout.root)
  } catch (err) {
    if (err instanceof RepoLockedError) throw new RepoLockedError(`${err.message}: stop it first, its databases change while it runs`)
    throw err
  }
  try {
    return await run()
  } finally {
    lock.release()
  }
}

async function inspectReport (layout: RepoLayout, name: RepoDbName): Promise<DbReport> {
  let counts: DbCounts | undefined
  const state = await inspectDb(layout, name, name === 'db' ? async db => { counts = await countDb(db) } : undefined)
  const report: DbReport = { name, path: layout[name], state: state.state }
  if (state.state === 'ok') return { ...report, entries: state.entries, counts }
  if (state.state === 'damaged') return { ...report, damage: state.damage, advice: damagedLine(layout, name, state.damage) }
  return report
}

async function countDb (db: NodeDb): Promise<DbCounts> {
  const counts: DbCounts = { pools: 0, leases: 0, activeLeases: 0, holds: 0 }
  for await (const _ of stringSublevel(db, POOLS_SUBLEVEL).keys()) counts.pools++
  for await (const [key, value] of stringSublevel(db, LEDGER_SUBLEVEL).iterator()) {
    if (key.startsWith(HOLD_PREFIX)) counts.holds++
    if (key.startsWith(LEASE_PREFIX)) {
      counts.leases++
      if (isActive(value)) counts.activeLeases++
    }
  }
  return counts
}

function isActive (json: string): boolean {
  try {
    return (JSON.parse(json) as { status?: unknown }).status === 'active'
  } catch {
    return false
  }
}
