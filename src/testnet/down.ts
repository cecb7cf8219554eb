/**
 * Stops a testnet: every daemon under its directory gets SIGTERM (a graceful
 * stop), and SIGKILL after a grace period; then the pids are checked to be
 * gone and the state is marked down.
 *
 * The daemons to stop are found among the running processes, by the repo on
 * their command line, not only from the state file: that covers nodes that
 * crashed (nothing to stop), an `up` killed between spawning a node and
 * recording its pid, and a state file deleted by hand. Running it again, or
 * where no testnet ever ran, is harmless.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { TestnetStopError } from './errors.ts'
import { testnetLayout, type TestnetLayout } from './layout.ts'
import { daemonsUnder, isDaemonOf, listProcesses, signalNode, upProcess, type ProcessInfo } from './processes.ts'
import { readState, writeState, type TestnetState } from './state.ts'

/**
 * Time for a graceful stop (libp2p closes its connections, LevelDB its files):
 * a little more than the daemon's own shutdown deadline (5 s), so that SIGKILL
 * is only for a daemon that hangs.
 */
const GRACE_MS = 6_000
const KILL_WAIT_MS = 3_000
const POLL_INTERVAL_MS = 50

export interface DownResult {
  dir: string
  /** False when the directory holds no testnet and no daemon runs under it. */
  found: boolean
  /** Nodes that exited after SIGTERM. */
  stopped: string[]
  /** Nodes that needed SIGKILL. */
  killed: string[]
  /** Nodes of the state that were not running (crashed, never spawned, or already down). */
  notRunning: string[]
}

/** Waits until none of these processes runs any more; returns those still running at the deadline. */
async function waitGone (targets: ProcessInfo[], ms: number): Promise<ProcessInfo[]> {
  const deadline = Date.now() + ms
  for (;;) {
    const running = listProcesses()
    const left = targets.filter(t => running.some(p => p.pid === t.pid && p.args === t.args))
    if (left.length === 0 || Date.now() >= deadline) return left
    await sleep(POLL_INTERVAL_MS)
  }
}

/**
 * An `up` still running elsewhere would spawn more nodes: stop it first. It
 * only coordinates, so SIGKILL loses nothing; its nodes are stopped after.
 * Returns the state as it is once `up` is gone.
 */
async function stopUp (layout: TestnetLayout): Promise<TestnetState | undefined> {
  const state = readState(layout)
  if (state?.upPid == null || state.upPid === process.pid) return state
  const up = upProcess(state.upPid)
  if (up == null) return state
  process.kill(up.pid, 'SIGKILL')
  await waitGone([up], KILL_WAIT_MS)
  return readState(layout)
}

function nameOf (p: ProcessInfo, state: TestnetState | undefined): string {
  return state?.nodes.find(n => isDaemonOf(p, n.repo))?.name ?? `pid ${p.pid}`
}

export async function down (dir: string): Promise<DownResult> {
  const layout = testnetLayout(dir)
  const state = await stopUp(layout)
  const targets = daemonsUnder(layout.root)
  const result: DownResult = { dir: layout.root, found: state != null || targets.length > 0, stopped: [], killed: [], notRunning: [] }

  const signalled = targets.filter(t => signalNode(t.pid, 'SIGTERM'))
  const stubborn = await waitGone(signalled, GRACE_MS)
  for (const t of stubborn) signalNode(t.pid, 'SIGKILL')
  const left = await waitGone(stubborn, KILL_WAIT_MS)
  if (left.length > 0) {
    throw new TestnetStopError(`could not stop ${left.map(p => `${nameOf(p, state)} (pid ${p.pid})`).join(', ')}, still running after SIGKILL`)
  }

  result.stopped = targets.filter(t => !stubborn.includes(t)).map(t => nameOf(t, state))
  result.killed = stubborn.map(t => nameOf(t, state))
  if (state != null) {
    result.notRunning = state.nodes.filter(n => !targets.some(t => isDaemonOf(t, n.repo))).map(n => n.name)
    writeState(layout, { ...state, status: 'down', upPid: undefined })
  }
  return result
}
