/**
 * What `down` and `status` know about processes: which are running, with what
 * command line, and how to signal a node's process group.
 *
 * A pid alone is not enough. A node that crashed long ago may have had its pid
 * reused by something else, so a node counts as running only while a process
 * with its pid runs `daemon --repo <its repo>`. And a zombie is not running: an
 * orphaned daemon is left for pid 1 to reap, which in some containers never
 * does, so `kill(pid, 0)` keeps succeeding for a process that is gone.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { sep } from 'node:path'
import { processState } from '../repo/process-state.ts'

export interface ProcessInfo {
  pid: number
  /** The command line, arguments joined by single spaces. */
  args: string
}

/** Every running process (zombies left out) that this user may inspect. */
export function listProcesses (): ProcessInfo[] {
  return process.platform === 'linux' ? fromProc() : fromPs()
}

// /proc, not ps: minimal Linux images often have no procps
function fromProc (): ProcessInfo[] {
  const out: ProcessInfo[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const state = processState(entry)
    if (state == null || state === 'Z' || state === 'X') continue
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(a => a !== '').join(' ')
      out.push({ pid: Number(entry), args })
    } catch {
      // exited while we looked
    }
  }
  return out
}

function fromPs (): ProcessInfo[] {
  const text = execFileSync('ps', ['-A', '-ww', '-o', 'pid=,stat=,args='], { encoding: 'utf8' })
  return text.split('\n').flatMap(line => {
    const m = /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(line)
    if (m == null || m[2]?.startsWith('Z') === true) return []
    return [{ pid: Number(m[1]), args: m[3] ?? '' }]
  })
}

/** How a testnet node's daemon is invoked (after node and the CLI entry); how it is recognised again. */
export function daemonArgs (repo: string): string[] {
  return ['daemon', '--repo', repo]
}

/** Whether this process is the cpnet daemon of that repo. */
export function isDaemonOf (p: ProcessInfo, repo: string): boolean {
  return p.args.endsWith(' ' + daemonArgs(repo).join(' '))
}

/** Daemons whose repo lies under the testnet directory, whether or not the state file knows them. */
export function daemonsUnder (root: string, processes: ProcessInfo[] = listProcesses()): ProcessInfo[] {
  const marker = ` ${daemonArgs(root + sep).join(' ')}`
  return processes.filter(p => p.args.includes(marker))
}

/**
 * The process that started the testnet (`cpnet testnet up`, or `testnet demo`,
 * which runs an up of its own) of a state's upPid, if it still runs and the
 * pid was not reused.
 */
export function upProcess (upPid: number | undefined, processes: ProcessInfo[] = listProcesses()): ProcessInfo | undefined {
  return upPid == null ? undefined : processes.find(p => p.pid === upPid && / testnet .*\b(up|demo)\b/.test(p.args))
}

/**
 * Sends a signal to a node's process group, which a spawned daemon leads, so
 * that anything it started goes too; to the process alone when it leads no
 * group (a daemon started by hand). False when it is gone.
 */
export function signalNode (pid: number, signal: NodeJS.Signals): boolean {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal)
      return true
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err
    }
  }
  return false
}
