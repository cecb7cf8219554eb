/**
 * A real Slurm cluster on this one host, for tests and benchmarks: a private
 * munged, a slurmctld and one slurmd per node (Slurm's multiple-slurmd mode,
 * which Debian's slurm-wlm 22.05 has: each slurmd under its own NodeName and
 * port), on ports from the OS, with every config, key, socket, state, spool
 * and log file in a temp folder; stop() cancels the jobs, stops every daemon
 * and removes the folder.
 *
 * Other Unix users may run srun/salloc against it from this host (a consumer
 * inside its allocation): the folder, configs and munge socket are readable
 * by all, only the munge key is root's. That needs os.tmpdir() to be
 * reachable by them too (/tmp is; a TMPDIR under /root is not). Root's
 * `salloc --uid=<user>` works only when the allocation is granted at once: a
 * pending one's grant comes as a munge credential for that user, which salloc
 * cannot decode ("Unauthorized credential for client UID=0"), and slurmctld
 * then kills the job ("Communication connection failure").
 *
 * The GPUs are symlinks to /dev/null in the folder: slurmd sets
 * CUDA_VISIBLE_DEVICES only for gres files that are character devices (a
 * plain file is "not a valid character or block device" to it), and nothing
 * ever opens them, as TaskPlugin=task/none constrains no devices.
 */
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { availableParallelism, hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { runCommand, type CommandResult } from '../command.ts'
import { processState } from '../repo/process-state.ts'
import { freePort } from './free-port.ts'

const LOOPBACK = '127.0.0.1'
const CLUSTER_NAME = 'cpnettest'
/** A daemon that has not daemonized (or a Slurm command that has not answered) by then is stuck. */
const COMMAND_TIMEOUT_MS = 30_000
/** slurmd registers within a second or two; this bounds a node that never comes up. */
const IDLE_TIMEOUT_MS = 30_000
/** How long cancelled jobs get to end, and daemons to exit, before they are killed. */
const STOP_TIMEOUT_MS = 10_000
const POLL_MS = 200
/** Tries with other ports when one the OS gave was taken before a daemon bound it. */
const PORT_TRIES = 3
const LOG_TAIL_CHARS = 2000
/** Memory each node claims, in MB; config_overrides keeps slurmd from checking it against this host. */
const NODE_MEMORY_MB = 1000
/** Slurm names (partition, gres type, feature): nothing that could end a config line or a list. */
const NAME_PATTERN = /^[A-Za-z0-9_.-]+$/
const PROGRAMS = ['slurmctld', 'slurmd', 'munged', 'sinfo', 'squeue', 'salloc', 'sbatch', 'srun', 'scontrol', 'scancel', 'sdiag']

export interface SlurmClusterInit {
  /** Nodes n1…nN, each its own slurmd on this host; 1 by default. */
  nodes?: number
  /** 4 by default; 0 for nodes without GPUs. */
  gpusPerNode?: number
  /** The gres type: `gpu:<type>:<n>`; 'tesla' by default. */
  gresType?: string
  /** The one partition, holding every node; 'gpu' by default. */
  partition?: string
  /** Every node's Features=. */
  features?: string[]
  /** CPUs each node claims (not checked against this host); the host's count, and at least gpusPerNode, by default. */
  cpusPerNode?: number
}

export interface SlurmRunOptions {
  /** Runs the command as this Unix user (through runuser, no shell); root by default. */
  user?: string
  /** Variables added to the environment (SLURM_JOB_ID for an srun inside an allocation). */
  env?: Record<string, string>
  timeoutMs?: number
}

export interface SlurmCluster {
  /** The temp folder holding everything; removed by stop(). */
  dir: string
  /** slurm.conf's path. */
  conf: string
  /** What a Slurm command needs in its environment to talk to this cluster. */
  env: { SLURM_CONF: string }
  partition: string
  /** The node names, n1…nN. */
  nodes: string[]
  gresType: string
  gpusPerNode: number
  /**
   * Runs a Slurm command (argv, never a shell) against this cluster; throws
   * CommandFailedError when it fails. A batch job's output goes to
   * `<dir>/jobs/slurm-<id>.out` (SBATCH_OUTPUT), not to this process's cwd,
   * unless the command names an --output.
   */
  run: (argv: string[], options?: SlurmRunOptions) => Promise<CommandResult>
  /** Cancels every job and stops every daemon and step of this cluster, then removes its folder; idempotent. */
  stop: () => Promise<void>
}

/** Why a Slurm cluster cannot run here (as what is missing), or undefined when it can. */
export function slurmMissing (): string | undefined {
  if (process.geteuid?.() !== 0) return 'not root (slurmctld, slurmd and munged run as root here)'
  for (const program of PROGRAMS) {
    if (spawnSync(program, ['-V'], { encoding: 'utf8' }).error != null) return `${program} is missing (Debian: apt-get install slurm-wlm munge)`
  }
  return undefined
}

/** Distinct free ports (the OS may hand the same one out twice once it is closed again). */
async function freePorts (count: number): Promise<number[]> {
  const ports = new Set<number>()
  while (ports.size < count) ports.add(await freePort())
  return [...ports]
}

function checkName (what: string, value: string): string {
  if (!NAME_PATTERN.test(value)) throw new Error(`Slurm cluster: ${what} ${JSON.stringify(value)} is not a plain name (letters, digits, _ . -)`)
  return value
}

function checkCount (what: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new Error(`Slurm cluster: ${what} must be an integer of at least ${min}, not ${value}`)
  return value
}

/** The last part of a log file, or a note that there is none. */
function logTail (file: string): string {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return `(no ${file})`
  }
  const tail = text.length > LOG_TAIL_CHARS ? `…${text.slice(-LOG_TAIL_CHARS)}` : text
  return `${file}:\n${tail.trimEnd()}`
}

/** True while `pid` runs; a zombie is dead (this machine's PID 1 may never reap a daemon). */
function alive (pid: number): boolean {
  const state = processState(pid)
  return state != null && state !== 'Z' && state !== 'X'
}

function readPid (file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim())
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

function signal (pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name)
  } catch {
    // gone already
  }
}

/**
 * Live processes of the cluster in `dir`: the Slurm daemons and everything
 * they start (slurmscriptd, slurmstepd, job tasks) inherit SLURM_CONF, and
 * munged names its socket there; so does anything run against the cluster.
 */
export function slurmProcesses (dir: string): number[] {
  const marker = `SLURM_CONF=${join(dir, 'slurm.conf')}`
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid || !alive(Number(entry))) continue
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0')
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8')
      if (environ.includes(marker) || cmdline.includes(`${dir}/`)) pids.push(Number(entry))
    } catch {
      // exited while we looked
    }
  }
  return pids
}

async function waitGone (pids: () => number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs
  let left = pids()
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(POLL_MS)
    left = pids()
  }
  return left
}

interface Layout {
  dir: string
  conf: string
  mungeDir: string
  mungeSocket: string
  mungePidFile: string
  mungeLog: string
  stateDir: string
  jobsDir: string
  ctldPidFile: string
  ctldLog: string
  slurmdPidFile: (node: string) => string
  slurmdLog: (node: string) => string
  gpuDir: (node: string) => string
}

function layout (dir: string): Layout {
  const mungeDir = join(dir, 'munge')
  return {
    dir,
    conf: join(dir, 'slurm.conf'),
    mungeDir,
    mungeSocket: join(mungeDir, 'munge.sock'),
    mungePidFile: join(mungeDir, 'munged.pid'),
    mungeLog: join(mungeDir, 'munged.log'),
    stateDir: join(dir, 'state'),
    jobsDir: join(dir, 'jobs'),
    ctldPidFile: join(dir, 'slurmctld.pid'),
    ctldLog: join(dir, 'slurmctld.log'),
    // slurm.conf's %n, expanded by each slurmd to its NodeName
    slurmdPidFile: node => join(dir, `slurmd-${node}.pid`),
    slurmdLog: node => join(dir, `slurmd-${node}.log`),
    gpuDir: node => join(dir, 'dev', node)
  }
}

interface Shape {
  nodes: string[]
  gpusPerNode: number
  gresType: string
  partition: string
  features: string[]
  cpusPerNode: number
}

function slurmConf (l: Layout, shape: Shape, ports: number[]): string {
  const [ctldPort, ...slurmdPorts] = ports
  const host = hostname().split('.')[0] ?? 'localhost'
  const gres = shape.gpusPerNode > 0 ? ` Gres=gpu:${shape.gresType}:${shape.gpusPerNode}` : ''
  const features = shape.features.length > 0 ? ` Features=${shape.features.join(',')}` : ''
  return [
    `ClusterName=${CLUSTER_NAME}`,
    `SlurmctldHost=${host}(${LOOPBACK})`,
    'SlurmUser=root',
    'SlurmdUser=root',
    `SlurmctldPort=${ctldPort}`,
    // every node names its own Port=; this is only the default
    `SlurmdPort=${slurmdPorts[0]}`,
    'AuthType=auth/munge',
    `AuthInfo=socket=${l.mungeSocket}`,
    'CredType=cred/munge',
    `StateSaveLocation=${l.stateDir}`,
    `SlurmdSpoolDir=${join(l.dir, 'spool', '%n')}`,
    `SlurmctldPidFile=${l.ctldPidFile}`,
    `SlurmdPidFile=${join(l.dir, 'slurmd-%n.pid')}`,
    `SlurmctldLogFile=${l.ctldLog}`,
    `SlurmdLogFile=${join(l.dir, 'slurmd-%n.log')}`,
    // the nodes' CPUs and memory are what this file says, not what this host has
    'SlurmdParameters=config_overrides',
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_Core',
    // no AccountingStorageTRES=gres/gpu: it makes slurmctld demand a slurmdbd
    'GresTypes=gpu',
    'ReturnToService=2',
    // batch jobs start at the next scheduling pass (about 1 s), not after the default 3 s
    'SchedulerParameters=batch_sched_delay=0',
    'MpiDefault=none',
    'SwitchType=switch/none',
    'JobCompType=jobcomp/none',
    'MailProg=/bin/true',
    ...shape.nodes.map((node, i) =>
      `NodeName=${node} NodeHostname=${host} NodeAddr=${LOOPBACK} Port=${slurmdPorts[i]} CPUs=${shape.cpusPerNode} RealMemory=${NODE_MEMORY_MB}${gres}${features} State=UNKNOWN`),
    `PartitionName=${shape.partition} Nodes=${shape.nodes.join(',')} Default=YES MaxTime=INFINITE State=UP`,
    ''
  ].join('\n')
}

function gresConf (l: Layout, shape: Shape): string {
  if (shape.gpusPerNode === 0) return ''
  return shape.nodes.map(node =>
    `NodeName=${node} Name=gpu Type=${shape.gresType} File=${join(l.gpuDir(node), `gpu[0-${shape.gpusPerNode - 1}]`)}\n`).join('')
}

/** A folder other users may enter (chmod as well: a umask such as 077 would narrow mkdir's mode). */
function publicDir (path: string): void {
  mkdirSync(path, { recursive: true })
  chmodSync(path, 0o755)
}

/** A file other users may read: their srun reads slurm.conf and gres.conf. */
function publicFile (path: string, text: string): void {
  writeFileSync(path, text)
  chmodSync(path, 0o644)
}

/** The folders, the GPU devices and the munge key (root's alone: munged refuses a key others can read). */
function prepare (l: Layout, shape: Shape): void {
  publicDir(l.dir)
  for (const sub of [l.mungeDir, l.stateDir, join(l.dir, 'spool'), join(l.dir, 'dev')]) publicDir(sub)
  // like /tmp: every user's batch job writes its output there
  publicDir(l.jobsDir)
  chmodSync(l.jobsDir, 0o1777)
  for (const node of shape.nodes) {
    publicDir(join(l.dir, 'spool', node))
    publicDir(l.gpuDir(node))
    for (let i = 0; i < shape.gpusPerNode; i++) symlinkSync('/dev/null', join(l.gpuDir(node), `gpu${i}`))
  }
  const key = join(l.mungeDir, 'munge.key')
  writeFileSync(key, randomBytes(1024), { mode: 0o400 })
  chmodSync(key, 0o400)
  publicFile(join(l.dir, 'gres.conf'), gresConf(l, shape))
}

async function startMunged (l: Layout): Promise<void> {
  try {
    // munged returns once its socket is ready
    await runCommand(['munged', `--key-file=${join(l.mungeDir, 'munge.key')}`, `--socket=${l.mungeSocket}`, `--pid-file=${l.mungePidFile}`,
      `--log-file=${l.mungeLog}`, `--seed-file=${join(l.mungeDir, 'munge.seed')}`, '--force'], { timeoutMs: COMMAND_TIMEOUT_MS })
  } catch (err) {
    throw new Error(`munged did not start: ${(err as Error).message}\n${logTail(l.mungeLog)}`)
  }
}

function daemonEnv (l: Layout): NodeJS.ProcessEnv {
  return { ...slurmFreeEnv(), SLURM_CONF: l.conf }
}

/** This process's environment without SLURM_* (a test run inside a Slurm job must not point at that job's cluster). */
function slurmFreeEnv (): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SLURM_')))
}

/** The nodes' states from sinfo, or undefined while slurmctld does not answer. */
async function nodeStates (l: Layout): Promise<Map<string, string> | undefined> {
  try {
    const { stdout } = await runCommand(['sinfo', '-h', '-N', '-o', '%N %T'], { timeoutMs: COMMAND_TIMEOUT_MS, env: daemonEnv(l) })
    return new Map(stdout.split('\n').filter(line => line.trim() !== '').map(line => {
      const [node = '', state = ''] = line.trim().split(/\s+/)
      return [node, state]
    }))
  } catch {
    return undefined
  }
}

/**
 * Whether slurmctld's main scheduler has run once: until then (about 3 s
 * after slurmctld starts) a submitted batch job stays PENDING with
 * Reason=None; after it, one starts within about a second.
 */
async function scheduling (l: Layout): Promise<boolean> {
  try {
    const { stdout } = await runCommand(['sdiag'], { timeoutMs: COMMAND_TIMEOUT_MS, env: daemonEnv(l) })
    return Number(/Main schedule statistics[^]*?Total cycles:\s*(\d+)/.exec(stdout)?.[1] ?? 0) > 0
  } catch {
    return false
  }
}

/** Starts slurmctld and the slurmds and waits until every node is idle and jobs get scheduled; throws with the log that says why not. */
async function startDaemons (l: Layout, shape: Shape): Promise<void> {
  const env = daemonEnv(l)
  try {
    // -i: a fresh StateSaveLocation has no state files to complain about
    await runCommand(['slurmctld', '-i'], { timeoutMs: COMMAND_TIMEOUT_MS, env })
  } catch (err) {
    throw new Error(`slurmctld did not start: ${(err as Error).message}\n${logTail(l.ctldLog)}`)
  }
  for (const node of shape.nodes) {
    try {
      await runCommand(['slurmd', '-N', node], { timeoutMs: COMMAND_TIMEOUT_MS, env })
    } catch (err) {
      throw new Error(`slurmd ${node} did not start: ${(err as Error).message}\n${logTail(l.slurmdLog(node))}`)
    }
  }
  const deadline = Date.now() + IDLE_TIMEOUT_MS
  let states: Map<string, string> | undefined
  while (Date.now() < deadline) {
    states = await nodeStates(l)
    if (states != null && shape.nodes.every(node => states?.get(node) === 'idle') && await scheduling(l)) return
    // a daemon that died (a port taken, a config it refused) says why in its log; no use waiting
    const ctldPid = readPid(l.ctldPidFile)
    if (ctldPid != null && !alive(ctldPid)) throw new Error(`slurmctld exited\n${logTail(l.ctldLog)}`)
    for (const node of shape.nodes) {
      const pid = readPid(l.slurmdPidFile(node))
      if (pid != null && !alive(pid)) throw new Error(`slurmd ${node} exited\n${logTail(l.slurmdLog(node))}`)
    }
    await sleep(POLL_MS)
  }
  const seen = states == null ? 'slurmctld did not answer sinfo' : [...states].map(([node, state]) => `${node} ${state}`).join(', ')
  throw new Error(`Slurm nodes not idle and scheduling within ${IDLE_TIMEOUT_MS} ms (${seen})\n` +
    [logTail(l.ctldLog), ...shape.nodes.map(node => logTail(l.slurmdLog(node)))].join('\n'))
}

/** Cancels every job, shuts slurmctld and the slurmds down, and kills whatever of theirs is left (steps, tasks). */
async function stopDaemons (l: Layout): Promise<void> {
  const env = daemonEnv(l)
  const ctldPid = readPid(l.ctldPidFile)
  if (ctldPid != null && alive(ctldPid)) {
    try {
      const { stdout } = await runCommand(['squeue', '-h', '-o', '%i'], { timeoutMs: COMMAND_TIMEOUT_MS, env })
      const jobs = stdout.split('\n').map(id => id.trim()).filter(id => id !== '')
      // scontrol shutdown leaves running jobs running, their slurmstepd and tasks included
      if (jobs.length > 0) {
        await runCommand(['scancel', ...jobs], { timeoutMs: COMMAND_TIMEOUT_MS, env })
        await waitGone(() => slurmProcesses(l.dir).filter(pid => /^slurmstepd/.test(commandLine(pid))), STOP_TIMEOUT_MS)
      }
    } catch {
      // the steps are killed below
    }
    try {
      await runCommand(['scontrol', 'shutdown'], { timeoutMs: COMMAND_TIMEOUT_MS, env })
    } catch {
      // the daemons are killed below
    }
  }
  const mungedPid = readPid(l.mungePidFile)
  const others = (): number[] => slurmProcesses(l.dir).filter(pid => pid !== mungedPid)
  const left = await waitGone(others, STOP_TIMEOUT_MS)
  for (const pid of left) signal(pid, 'SIGKILL')
  const stuck = await waitGone(others, STOP_TIMEOUT_MS)
  if (stuck.length > 0) throw new Error(`Slurm processes of ${l.dir} survived SIGKILL: ${stuck.join(', ')}`)
}

async function stopMunged (l: Layout): Promise<void> {
  const pid = readPid(l.mungePidFile)
  if (pid == null || !alive(pid)) return
  signal(pid, 'SIGTERM')
  if ((await waitGone(() => alive(pid) ? [pid] : [], STOP_TIMEOUT_MS)).length === 0) return
  signal(pid, 'SIGKILL')
  if ((await waitGone(() => alive(pid) ? [pid] : [], STOP_TIMEOUT_MS)).length > 0) throw new Error(`munged ${pid} of ${l.dir} survived SIGKILL`)
}

function commandLine (pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
  } catch {
    return ''
  }
}

/** Stops everything of the cluster in `l.dir` and removes the folder; throws only when a process outlives SIGKILL. */
async function teardown (l: Layout): Promise<void> {
  if (!existsSync(l.dir)) return
  await stopDaemons(l)
  await stopMunged(l)
  rmSync(l.dir, { recursive: true, force: true })
}

/** Starts a Slurm cluster on this host and waits until every node is idle and a submitted job starts at once; call stop() in teardown. */
export async function startSlurmCluster (init: SlurmClusterInit = {}): Promise<SlurmCluster> {
  const gpusPerNode = checkCount('gpusPerNode', init.gpusPerNode ?? 4, 0)
  const shape: Shape = {
    nodes: Array.from({ length: checkCount('nodes', init.nodes ?? 1, 1) }, (_, i) => `n${i + 1}`),
    gpusPerNode,
    gresType: checkName('gresType', init.gresType ?? 'tesla'),
    partition: checkName('partition', init.partition ?? 'gpu'),
    features: (init.features ?? []).map(feature => checkName('feature', feature)),
    cpusPerNode: checkCount('cpusPerNode', init.cpusPerNode ?? Math.max(availableParallelism(), gpusPerNode, 1), 1)
  }
  const l = layout(mkdtempSync(join(tmpdir(), 'cpnet-slurm-')))
  try {
    prepare(l, shape)
    await startMunged(l)
    for (let attempt = 1; ; attempt++) {
      publicFile(l.conf, slurmConf(l, shape, await freePorts(1 + shape.nodes.length)))
      try {
        await startDaemons(l, shape)
        break
      } catch (err) {
        if (attempt >= PORT_TRIES || !/Address already in use/.test((err as Error).message)) throw err
        // a port went to someone else between freePorts and the bind: again, from scratch
        await stopDaemons(l)
        rmSync(l.stateDir, { recursive: true, force: true })
        publicDir(l.stateDir)
      }
    }
  } catch (err) {
    try {
      await teardown(l)
    } catch (stopErr) {
      (err as Error).message += `\n(and stopping it failed: ${(stopErr as Error).message})`
    }
    throw err
  }
  let stopping: Promise<void> | undefined
  return {
    dir: l.dir,
    conf: l.conf,
    env: { SLURM_CONF: l.conf },
    partition: shape.partition,
    nodes: shape.nodes,
    gresType: shape.gresType,
    gpusPerNode: shape.gpusPerNode,
    run: async (argv, options = {}) => {
      const env = { ...daemonEnv(l), SBATCH_OUTPUT: join(l.jobsDir, 'slurm-%j.out'), ...options.env }
      // runuser -u runs argv itself, no shell, and keeps the environment
      const command = options.user == null ? argv : ['runuser', '-u', options.user, '--', ...argv]
      return await runCommand(command, { timeoutMs: options.timeoutMs ?? COMMAND_TIMEOUT_MS, env })
    },
    stop: async () => {
      // a second stop() waits for the first; after a failed one it tries again
      stopping ??= teardown(l).catch((err: unknown) => { stopping = undefined; throw err })
      await stopping
    }
  }
}
