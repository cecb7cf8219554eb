/**
 * The container provisioner: one podman or docker container per lease,
 * holding only the lease's devices, its CPU and memory share, and an sshd
 * (the image's /usr/sbin/sshd, with cpnet's config, host key and the
 * consumer's authorized_keys from the lease's folder) published on a host
 * port of the configured range. The consumer logs in as root over SSH; an
 * optional command of theirs runs beside sshd.
 *
 * The containers carry labels (cpnet.lease, cpnet.end, cpnet.port), so what
 * is provisioned can be read back from the runtime after a restart. Calls for
 * one lease run one after another; a start that fails or is aborted removes
 * what it made.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { isIP } from 'node:net'
import { rm } from 'node:fs/promises'
import { CommandFailedError, runCommand } from '../../command.ts'
import { silentLogger, type Logger } from '../../log/logger.ts'
import { deviceEnv } from '../authorized-keys.ts'
import { ProvisionFailedError, ProvisionerUnavailableError } from '../errors.ts'
import { advertisedHost, fingerprint } from '../host-keys.ts'
import type { Access, ProvisionLease, Provisioner, SshAccess } from '../types.ts'
import { gpuArgs, hasNvidiaCdiSpec, resolveGpuMode, CDI_SPEC_DIRS, type GpuMode, type ResolvedGpuMode } from './gpu-args.ts'
import { createLeaseDir, leaseDirOf, MOUNT_POINT, readLeaseDir, SSHD_COMMAND, writeAuthorizedKeys, type LeaseDirState } from './lease-dir.ts'
import { parseContainerList, psArgs, type ListedContainer } from './listing.ts'
import { answersSsh, canBind, dialAddress, publishAddress } from './ports.ts'
import { detectRuntime, runtimeArgv, type ContainerRuntime, type ContainerRuntimeChoice } from './runtime.ts'

/** A runtime call that takes longer is stuck (an image pull is bounded by the caller's signal as well). */
const COMMAND_TIMEOUT_MS = 60_000
/** How long a new container's sshd may take to answer on its port. */
const READY_TIMEOUT_MS = 30_000
const READY_POLL_MS = 200
/** Another daemon on this host may take a chosen port before `run` does: so many ports are tried. */
const PORT_ATTEMPTS = 3
/** Lines of a failed container's own output kept in the error. */
const LOG_TAIL_LINES = 20

export const LABEL_LEASE = 'cpnet.lease'
export const LABEL_END = 'cpnet.end'
export const LABEL_PORT = 'cpnet.port'
const LEASE_ID = /^[0-9a-f]{32}$/

export interface ContainerProvisionerInit {
  runtime: ContainerRuntimeChoice
  /** Given before every subcommand (podman here: --runtime runc --cgroup-manager=cgroupfs). */
  runtimeArgs: readonly string[]
  /** Added to `run` (e.g. --ulimit nofile=1024:1024). */
  runArgs: readonly string[]
  gpuMode: GpuMode
  /** A device's node, `{index}` standing for its index: /dev/nvidia{index}. */
  devicePath: string
  /** Nodes passed in 'devices' mode beside the assigned ones, where they exist (/dev/nvidiactl …). */
  extraDevices: readonly string[]
  /** What consumers dial ('' = the first non-internal IPv4, else 127.0.0.1); an IP address is also where the port is published. */
  host: string
  sshPortFirst: number
  sshPortLast: number
  /** The provisioners' state folder; this one keeps its lease folders in <stateDir>/container/. */
  stateDir: string
  /** The image of a lease whose request names none (the pool's first allowed image). */
  defaultImage?: string
  commandTimeoutMs?: number
  logger?: Logger
  /** Where runtimes are looked for; process.env.PATH by default. */
  searchPath?: string
  /** Where CDI specs are looked for ('auto' gpuMode); the CDI specification's folders by default. */
  cdiSpecDirs?: readonly string[]
}

/** What the provisioner found on this machine, once. */
export interface ContainerEnvironment {
  runtime: ContainerRuntime
  gpuMode: ResolvedGpuMode
}

/** The container of a lease. */
export function containerName (leaseId: string): string {
  return `cpnet-${leaseId}`
}

function checkLeaseId (leaseId: string): void {
  if (!LEASE_ID.test(leaseId)) throw new ProvisionFailedError(`not a lease id: ${JSON.stringify(leaseId)}`)
}

function portLabel (container: ListedContainer): number | undefined {
  const port = Number(container.labels[LABEL_PORT])
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined
}

/** A failure as the caller reads it: which step, and why. */
function failure (step: string, err: unknown, signal: AbortSignal): Error {
  if (err instanceof ProvisionFailedError || err instanceof ProvisionerUnavailableError) return err
  const why = signal.aborted ? 'aborted' : (err as Error).message
  return new ProvisionFailedError(`${step}: ${why}`, { cause: err })
}

export class ContainerProvisioner implements Provisioner {
  readonly kind = 'container'
  private readonly init: ContainerProvisionerInit
  private readonly log: Logger
  private readonly timeoutMs: number
  private environmentFound?: Promise<ContainerEnvironment>
  /** Ports chosen by starts whose containers do not exist yet (their labels cannot be listed). */
  private readonly reservedPorts = new Set<number>()
  /** The last call of each lease: the next waits for it. */
  private readonly queues = new Map<string, Promise<unknown>>()

  constructor (init: ContainerProvisionerInit) {
    if (!Number.isInteger(init.sshPortFirst) || !Number.isInteger(init.sshPortLast) || init.sshPortFirst < 1 || init.sshPortLast > 65535 || init.sshPortFirst > init.sshPortLast) {
      throw new ProvisionerUnavailableError(`the container ssh port range ${init.sshPortFirst}..${init.sshPortLast} is not a range of ports`)
    }
    this.init = init
    this.log = (init.logger ?? silentLogger()).forComponent('cpnet:provision:container')
    this.timeoutMs = init.commandTimeoutMs ?? COMMAND_TIMEOUT_MS
  }

  /**
   * The runtime and the resolved gpuMode; throws ProvisionerUnavailableError
   * when no runtime is found (and looks again at the next call then).
   */
  async environment (): Promise<ContainerEnvironment> {
    this.environmentFound ??= (async () => {
      const runtime = await detectRuntime(this.init.runtime, this.init.runtimeArgs, this.init.searchPath)
      const cdi = this.init.gpuMode === 'auto' && runtime.kind === 'podman' && await hasNvidiaCdiSpec(this.init.cdiSpecDirs ?? CDI_SPEC_DIRS)
      return { runtime, gpuMode: resolveGpuMode(this.init.gpuMode, runtime.kind, cdi) }
    })()
    try {
      return await this.environmentFound
    } catch (err) {
      this.environmentFound = undefined
      throw err
    }
  }

  async start (lease: ProvisionLease, signal: AbortSignal): Promise<Access> {
    checkLeaseId(lease.leaseId)
    return await this.serialized(lease.leaseId, async () => await this.startNow(lease, signal))
  }

  async extend (lease: ProvisionLease, signal: AbortSignal): Promise<Access> {
    checkLeaseId(lease.leaseId)
    return await this.serialized(lease.leaseId, async () => {
      const found = await this.running(lease.leaseId, signal)
      if (found == null) throw new ProvisionFailedError(`lease ${lease.leaseId} has no running container with its folder to extend`)
      await writeAuthorizedKeys(this.leaseDir(lease.leaseId), lease)
      return this.access(lease, found.port, { hostKey: found.state.hostKey, end: lease.end })
    })
  }

  async stop (leaseId: string, signal: AbortSignal): Promise<void> {
    checkLeaseId(leaseId)
    await this.serialized(leaseId, async () => { await this.remove(leaseId, signal) })
  }

  async provisioned (signal: AbortSignal): Promise<string[]> {
    const ids = (await this.list(LABEL_LEASE, signal)).map(c => c.labels[LABEL_LEASE] ?? '').filter(id => LEASE_ID.test(id))
    return [...new Set(ids)]
  }

  private leaseDir (leaseId: string): string {
    return leaseDirOf(this.init.stateDir, leaseId)
  }

  private async serialized<T> (leaseId: string, call: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(leaseId) ?? Promise.resolve()
    const result = previous.then(call, call)
    const settled = result.then(() => {}, () => {})
    this.queues.set(leaseId, settled)
    try {
      return await result
    } finally {
      if (this.queues.get(leaseId) === settled) this.queues.delete(leaseId)
    }
  }

  private async runtimeCall (args: readonly string[], signal: AbortSignal): Promise<string> {
    const { runtime } = await this.environment()
    return (await runCommand(runtimeArgv(runtime, args), { timeoutMs: this.timeoutMs, signal })).stdout
  }

  /** cpnet's containers carrying `label` (a name, or name=value). */
  private async list (label: string, signal: AbortSignal): Promise<ListedContainer[]> {
    const { runtime } = await this.environment()
    const stdout = await this.runtimeCall(psArgs(runtime.kind, label), signal)
      .catch((err: unknown) => { throw failure('listing the containers', err, signal) })
    return parseContainerList(runtime.kind, stdout)
  }

  /** The lease's container when it runs and its folder is whole, with what access needs. */
  private async running (leaseId: string, signal: AbortSignal): Promise<{ port: number, state: LeaseDirState } | undefined> {
    const container = (await this.list(`${LABEL_LEASE}=${leaseId}`, signal)).find(c => c.names.includes(containerName(leaseId)))
    const port = container == null ? undefined : portLabel(container)
    if (container?.running !== true || port == null) return undefined
    const state = await readLeaseDir(this.leaseDir(leaseId))
    return state == null ? undefined : { port, state }
  }

  private access (lease: ProvisionLease, port: number, state: LeaseDirState): SshAccess {
    return {
      kind: 'ssh',
      host: advertisedHost(this.init.host),
      port,
      user: 'root',
      hostKeys: [state.hostKey],
      fingerprints: [fingerprint(state.hostKey)],
      devices: lease.devices,
      expiresAt: state.end
    }
  }

  private async startNow (lease: ProvisionLease, signal: AbortSignal): Promise<Access> {
    if (signal.aborted) throw new ProvisionFailedError(`the start of lease ${lease.leaseId} was aborted before it began`)
    const found = await this.running(lease.leaseId, signal)
    if (found != null) {
      // the same lease again (a retried grant, a restart): the same container, with the lease's end as it is now
      if (found.state.end !== lease.end) await writeAuthorizedKeys(this.leaseDir(lease.leaseId), lease)
      return this.access(lease, found.port, { hostKey: found.state.hostKey, end: lease.end })
    }
    // anything else of this lease (a stopped container, a lost folder) cannot be trusted: made again from nothing
    await this.remove(lease.leaseId, signal)
    const image = lease.access.image ?? this.init.defaultImage
    if (image == null || image === '' || image.startsWith('-')) throw new ProvisionFailedError(`lease ${lease.leaseId} names no usable image and the pool has no default`)
    try {
      return await this.create(lease, image, signal)
    } catch (err) {
      // a fresh signal: cleaning up after an abort must not be aborted too
      await this.remove(lease.leaseId, AbortSignal.timeout(this.timeoutMs * 2)).catch((cleanupErr: unknown) => {
        this.log.error('could not remove a container that failed to start', { leaseId: lease.leaseId, err: (cleanupErr as Error).message })
      })
      throw failure(`starting the container of lease ${lease.leaseId}`, err, signal)
    }
  }

  private async create (lease: ProvisionLease, image: string, signal: AbortSignal): Promise<Access> {
    const { runtime, gpuMode } = await this.environment()
    const dir = this.leaseDir(lease.leaseId)
    const name = containerName(lease.leaseId)
    await createLeaseDir(dir, lease, { timeoutMs: this.timeoutMs, signal })
    const devices = await gpuArgs({ mode: gpuMode, devices: lease.devices, devicePath: this.init.devicePath, extraDevices: this.init.extraDevices })
    const publishOn = publishAddress(this.init.host)
    const port = await this.runWithPort(publishOn, name, signal, async port => {
      await this.runtimeCall([
        'run', '-d', '--name', name,
        '--label', `${LABEL_LEASE}=${lease.leaseId}`, '--label', `${LABEL_END}=${lease.end}`, '--label', `${LABEL_PORT}=${port}`,
        '-p', `${isIP(publishOn) === 6 ? `[${publishOn}]` : publishOn}:${port}:22`,
        '-v', `${dir}:${MOUNT_POINT}:ro`,
        ...resourceArgs(lease), ...devices,
        // an image's own NVIDIA_VISIBLE_DEVICES=all would have the NVIDIA runtime hook, where one is installed, add every GPU
        '-e', `NVIDIA_VISIBLE_DEVICES=${nvidiaVisibleDevices(lease)}`,
        ...this.init.runArgs,
        image, ...SSHD_COMMAND
      ], signal)
    })
    await this.waitForSshd(name, dialAddress(publishOn), port, signal)
    if (lease.access.command.length > 0) {
      const env = { ...deviceEnv(lease, 'renumbered'), ...lease.access.env }
      await this.runtimeCall(['exec', '-d', ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]), name, ...lease.access.command], signal)
        .catch((err: unknown) => { throw failure('running the consumer\'s command', err, signal) })
    }
    this.log.info('container started', { leaseId: lease.leaseId, image, port, runtime: runtime.kind, gpuMode, devices: lease.devices.map(d => d.index) })
    const state = await readLeaseDir(dir)
    if (state == null) throw new ProvisionFailedError(`the folder of lease ${lease.leaseId} went missing while it started`)
    return this.access(lease, port, state)
  }

  /**
   * Runs `run(port)` with a port no cpnet container holds and that binds now.
   * When it fails and the port no longer binds, another daemon took it first:
   * the half-made container `name` is removed and the next free port tried.
   */
  private async runWithPort (host: string, name: string, signal: AbortSignal, run: (port: number) => Promise<void>): Promise<number> {
    const taken = new Set((await this.list(LABEL_LEASE, signal)).map(portLabel).filter((p): p is number => p != null))
    for (let attempt = 1; ; attempt++) {
      const port = await this.reservePort(host, taken)
      try {
        await run(port)
        return port
      } catch (err) {
        if (signal.aborted || attempt >= PORT_ATTEMPTS || await canBind(host, port)) throw failure('creating the container', err, signal)
        taken.add(port)
        this.log.warn('the sshd port was taken before the container got it; trying another', { port })
        await this.forceRemove([name], signal).catch(() => {})
      } finally {
        this.reservedPorts.delete(port)
      }
    }
  }

  /** The lowest free port of the range; marked reserved before the bind check, so concurrent starts never pick the same. */
  private async reservePort (host: string, taken: ReadonlySet<number>): Promise<number> {
    for (let port = this.init.sshPortFirst; port <= this.init.sshPortLast; port++) {
      if (taken.has(port) || this.reservedPorts.has(port)) continue
      this.reservedPorts.add(port)
      if (await canBind(host, port)) return port
      this.reservedPorts.delete(port)
    }
    throw new ProvisionFailedError(`no free port for a container's sshd in ${this.init.sshPortFirst}..${this.init.sshPortLast} on ${host}`)
  }

  /** Waits until the published port speaks SSH; fails at once, with the container's last output, when it has exited. */
  private async waitForSshd (name: string, host: string, port: number, signal: AbortSignal): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS
    while (!await answersSsh(host, port)) {
      if (signal.aborted) throw new ProvisionFailedError(`aborted while waiting for the container's sshd on port ${port}`)
      const state = await this.runtimeCall(['inspect', '--format', '{{.State.Running}}', name], signal)
        .catch((err: unknown) => { throw failure('inspecting the container', err, signal) })
      if (state.trim() !== 'true') {
        const logs = await this.runtimeCall(['logs', '--tail', String(LOG_TAIL_LINES), name], signal).catch(() => '')
        throw new ProvisionFailedError(`the container exited before its sshd answered (the image needs /usr/sbin/sshd)${logs.trim() === '' ? '' : ': ' + logs.trim().replace(/\s+/g, ' ')}`)
      }
      if (Date.now() > deadline) throw new ProvisionFailedError(`the container's sshd did not answer on port ${port} within ${READY_TIMEOUT_MS} ms`)
      await sleep(READY_POLL_MS, undefined, { signal }).catch(() => {})
    }
  }

  /** `rm -f` of containers: anonymous volumes too, and under podman no grace period before the kill. */
  private async forceRemove (targets: readonly string[], signal: AbortSignal): Promise<void> {
    const { runtime } = await this.environment()
    await this.runtimeCall(['rm', '-f', '-v', ...(runtime.kind === 'podman' ? ['-t', '0'] : []), ...targets], signal)
  }

  /** Removes the lease's containers (by its label, so also one a person renamed) and folder; nothing there is fine. */
  private async remove (leaseId: string, signal: AbortSignal): Promise<void> {
    const listed = async (): Promise<ListedContainer[]> => await this.list(`${LABEL_LEASE}=${leaseId}`, signal)
    const targets = (await listed()).map(c => c.id)
    if (targets.length > 0) {
      await this.forceRemove(targets, signal).catch(async (err: unknown) => {
        // docker refuses a container that went away meanwhile; what matters is whether something is left
        if (!(err instanceof CommandFailedError) || (await listed()).length > 0) throw failure(`removing the container of lease ${leaseId}`, err, signal)
      })
      const left = await listed()
      if (left.length > 0) throw new ProvisionFailedError(`the container of lease ${leaseId} is still there after rm (${left.map(c => c.id.slice(0, 12)).join(', ')})`)
      this.log.info('container removed', { leaseId })
    }
    await rm(this.leaseDir(leaseId), { recursive: true, force: true })
  }
}

/** The lease's devices as the NVIDIA runtime names them on the host (UUIDs where known), or `void`: none. */
function nvidiaVisibleDevices (lease: ProvisionLease): string {
  return lease.devices.length > 0 ? lease.devices.map(d => d.uuid ?? String(d.index)).join(',') : 'void'
}

/** --cpus and --memory from the lease's share; nothing for a share of 0 (no limit). */
function resourceArgs (lease: ProvisionLease): string[] {
  const args: string[] = []
  if (lease.cpuCores > 0) args.push('--cpus', String(lease.cpuCores))
  if (lease.ramGib > 0) args.push('--memory', `${Math.ceil(lease.ramGib * 1024)}m`)
  return args
}
