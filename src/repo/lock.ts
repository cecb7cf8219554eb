/**
 * One daemon per repo. The lock file holds the owner's pid; a lock left by a
 * process that no longer exists (a crash, kill -9) is taken over. LevelDB's own
 * lock on db/ is the second guard.
 */
import { openSync, writeSync, closeSync, readFileSync, unlinkSync, statSync } from 'node:fs'
import { RepoLockedError } from './errors.ts'
import { processState } from './process-state.ts'

export interface RepoLock {
  release: () => void
}

/**
 * A zombie is a daemon that exited but was not reaped (pid 1 in some
 * containers never reaps orphans); kill(pid, 0) still succeeds for it.
 */
function isZombie (pid: number): boolean {
  return processState(pid) === 'Z'
}

function isAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
  return !isZombie(pid)
}

function readOwner (path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10)
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

/** The pid of the live process that holds the lock; undefined when none does (no lock, or its owner is gone). */
export function lockHolder (path: string): number | undefined {
  const owner = readOwner(path)
  return owner != null && isAlive(owner) ? owner : undefined
}

const FRESH_LOCK_MS = 5000

function isFresh (path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs < FRESH_LOCK_MS
  } catch {
    return false
  }
}

export function acquireLock (path: string, repoRoot: string): RepoLock {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600)
      writeSync(fd, `${process.pid}\n`)
      closeSync(fd)
      let released = false
      return {
        release: () => {
          if (released) return
          released = true
          if (readOwner(path) === process.pid) unlinkSync(path)
        }
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const owner = readOwner(path)
      if (owner != null && isAlive(owner)) {
        throw new RepoLockedError(`repo ${repoRoot} is in use by another cpnet daemon (pid ${owner})`)
      }
      if (owner == null && isFresh(path)) {
        // created a moment ago and its pid not written yet: another daemon is starting
        throw new RepoLockedError(`repo ${repoRoot} is being opened by another cpnet daemon`)
      }
      // stale: its owner is gone
      try { unlinkSync(path) } catch {}
    }
  }
  throw new RepoLockedError(`repo ${repoRoot} is locked (${path}) and the lock could not be taken over`)
}
