/**
 * Ends every process of a lease's user: SIGKILL to all of them, again and
 * again, until none is left alive, since a process can fork between pkill's
 * reading of /proc and its kill. Both the processes running as the user
 * (effective uid) and those it started from a setuid program (real uid) go.
 * Zombies do not count: they are dead, and where PID 1 reaps no orphans
 * (some containers) they never go away.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { CommandFailedError, runCommand } from '../../command.ts'
import { ProvisionFailedError } from '../errors.ts'
import { PROGRAM_ENV, type Programs, type RunLimits } from './programs.ts'

/** Rounds of kill-and-look before giving up on a user whose processes keep forking. */
const KILL_ROUNDS = 50
const KILL_ROUND_PAUSE_MS = 100
/** pgrep's run states of a process that is still alive (all but Z, zombie). */
const LIVE_STATES = 'D,R,S,T,t,W,X,I,P'
/** pgrep and pkill exit with 1 when no process matched. */
const NONE_MATCHED = 1
/** Effective and real uid. */
const UID_SELECTORS = ['-u', '-U']

/** Runs a pgrep-like program; true when some process matched. */
async function matched (argv: string[], limits: RunLimits): Promise<boolean> {
  try {
    await runCommand(argv, { ...limits, env: PROGRAM_ENV })
    return true
  } catch (err) {
    if (err instanceof CommandFailedError && err.exitCode === NONE_MATCHED) return false
    throw err
  }
}

/** Kills all processes of `uid` until pgrep finds none alive; throws ProvisionFailedError when they outlast the rounds. */
export async function killAllProcesses (programs: Programs, uid: number, limits: RunLimits): Promise<void> {
  for (let round = 0; round < KILL_ROUNDS; round++) {
    for (const selector of UID_SELECTORS) await matched([programs.pkill, '-KILL', selector, String(uid)], limits)
    let alive = false
    for (const selector of UID_SELECTORS) alive = await matched([programs.pgrep, '-r', LIVE_STATES, selector, String(uid)], limits) || alive
    if (!alive) return
    await sleep(KILL_ROUND_PAUSE_MS, undefined, { signal: limits.signal })
  }
  throw new ProvisionFailedError(`processes of uid ${uid} were still running after ${KILL_ROUNDS} rounds of SIGKILL`)
}
