/**
 * The ssh provisioner: one Unix account per lease on a host whose sshd the
 * consumer logs in to. The account's authorized_keys holds the consumer's
 * keys with the lease's expiry and the environment that pins its devices;
 * stopping locks the account, kills everything it runs and deletes it with
 * its home. The daemon must run as root; the accounts it makes carry a GECOS
 * mark, and no account without it is ever changed or removed.
 */
import { isAbsolute, join, normalize } from 'node:path'
import type { Logger } from '../../log/logger.ts'
import { silentLogger } from '../../log/logger.ts'
import { authorizedKeys, deviceEnv } from '../authorized-keys.ts'
import { ProvisionFailedError, ProvisionerUnavailableError } from '../errors.ts'
import { advertisedHost, readHostKeys, type HostKeys } from '../host-keys.ts'
import type { Provisioner, ProvisionLease, SshAccess } from '../types.ts'
import { createAccount, ensureHome, removeAccount, restoreAccount, type AccountSpec } from './account-commands.ts'
import { accountName, checkLeaseId, markedLeaseId, readPasswd, type PasswdEntry } from './accounts.ts'
import { writeKeysFile } from './keys-file.ts'
import { findPrograms, type Programs } from './programs.ts'

export interface SshProvisionerInit {
  /** The address consumers dial; '' = the first non-internal IPv4 address, else 127.0.0.1. */
  host: string
  /** The port of the host's sshd. */
  port: number
  /** The sshd's public host key files (`….pub`); those that exist are read, none is unavailable. */
  hostKeys: string[]
  /** Absolute folder under which each lease account's home is made. */
  homeBase: string
  /** Start of every account name: `${userPrefix}${leaseId.slice(0, 12)}` (at most 20 characters). */
  userPrefix: string
  /** The accounts' login shell (absolute path). */
  shell: string
  /** Supplementary groups of every account (e.g. video, render for the GPU device nodes). */
  groups: string[]
  /** Deadline of each program run (useradd, pkill …); 30 s by default. */
  commandTimeoutMs?: number
  logger?: Logger
}

const DEFAULT_COMMAND_TIMEOUT_MS = 30_000
/** Account names stay within 32 characters: 20 of prefix, 12 of lease id. */
const USER_PREFIX = /^[a-z_][a-z0-9_-]{0,19}$/
const GROUP_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/

function checkInit (init: SshProvisionerInit): void {
  const bad = (field: string, why: string): never => {
    throw new ProvisionerUnavailableError(`lease.ssh.${field} ${why}`)
  }
  if (!Number.isInteger(init.port) || init.port < 1 || init.port > 65_535) bad('port', `must be a TCP port, not ${init.port}`)
  if (!USER_PREFIX.test(init.userPrefix)) bad('userPrefix', 'must be 1 to 20 characters of a-z, 0-9, _ and -, starting with a letter or _')
  if (!isAbsolute(init.homeBase)) bad('homeBase', 'must be an absolute path')
  if (!isAbsolute(init.shell)) bad('shell', 'must be an absolute path')
  for (const group of init.groups) if (!GROUP_NAME.test(group)) bad('groups', `has a name that is not a group name: ${JSON.stringify(group)}`)
  if (init.commandTimeoutMs != null && !(init.commandTimeoutMs > 0)) bad('commandTimeoutMs', 'must be positive')
}

function throwIfAborted (signal: AbortSignal): void {
  if (signal.aborted) throw new ProvisionFailedError('aborted')
}

export class SshProvisioner implements Provisioner {
  readonly kind = 'ssh'
  private readonly init: SshProvisionerInit
  private readonly homeBase: string
  private readonly timeoutMs: number
  private readonly log: Logger
  private programs?: Programs
  /** The call in progress per lease: start, extend and stop of one lease run one after the other. */
  private readonly busy = new Map<string, Promise<unknown>>()

  /** Throws ProvisionerUnavailableError naming the field when the settings cannot work. */
  constructor (init: SshProvisionerInit) {
    checkInit(init)
    this.init = { ...init, groups: [...init.groups], hostKeys: [...init.hostKeys] }
    this.homeBase = normalize(init.homeBase)
    this.timeoutMs = init.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS
    this.log = init.logger ?? silentLogger()
  }

  /**
   * `sessionEnv` replaces the devices' variables in the account's sessions
   * (the Slurm provisioner sets SLURM_JOB_ID there instead: its GPUs are on
   * the job's nodes, not this host).
   */
  async start (lease: ProvisionLease, signal: AbortSignal, sessionEnv?: Record<string, string>): Promise<SshAccess> {
    checkLeaseId(lease.leaseId)
    return await this.oneAtATime(lease.leaseId, async () => {
      const programs = await this.requirePrograms()
      const hostKeys = await readHostKeys(this.init.hostKeys)
      const name = accountName(this.init.userPrefix, lease.leaseId)
      const before = await this.entry(name)
      if (before != null && markedLeaseId(before, this.init.userPrefix) !== lease.leaseId) {
        throw new ProvisionFailedError(`ssh lease ${lease.leaseId}: the account ${name} exists and is not this lease's (GECOS ${JSON.stringify(before.gecos)}); it is left alone`)
      }
      const limits = { timeoutMs: this.timeoutMs, signal }
      let step = 'building authorized_keys'
      try {
        const keys = this.keysFile(lease, sessionEnv)
        throwIfAborted(signal)
        step = before == null ? 'creating the account' : 'restoring the account'
        if (before == null) await createAccount(programs, this.accountSpec(name), lease.leaseId, limits)
        else await restoreAccount(programs, this.accountSpec(name), limits)
        const account = await this.entry(name)
        if (account == null) throw new ProvisionFailedError(`${name} is not in /etc/passwd`)
        this.log.debug('lease account ready', { leaseId: lease.leaseId, user: name, created: before == null })
        throwIfAborted(signal)
        step = 'making the home folder'
        await ensureHome(account)
        step = 'writing ~/.ssh/authorized_keys'
        await writeKeysFile(programs, account, keys, limits)
      } catch (err) {
        // what this start made goes again; an account that was there before is the caller's to stop
        if (before == null) await this.removeAfterFailure(programs, lease.leaseId)
        throw new ProvisionFailedError(`ssh lease ${lease.leaseId}: ${step} failed: ${(err as Error).message}`, { cause: err })
      }
      this.log.info('lease account provisioned', { leaseId: lease.leaseId, user: name, devices: lease.devices.map(d => d.index) })
      return this.access(lease, name, hostKeys)
    })
  }

  async extend (lease: ProvisionLease, signal: AbortSignal, sessionEnv?: Record<string, string>): Promise<SshAccess> {
    checkLeaseId(lease.leaseId)
    return await this.oneAtATime(lease.leaseId, async () => {
      const programs = await this.requirePrograms()
      const hostKeys = await readHostKeys(this.init.hostKeys)
      const name = accountName(this.init.userPrefix, lease.leaseId)
      const account = await this.entry(name)
      if (account == null || markedLeaseId(account, this.init.userPrefix) !== lease.leaseId) {
        throw new ProvisionFailedError(`ssh lease ${lease.leaseId}: there is no account ${name} to extend`)
      }
      try {
        await writeKeysFile(programs, account, this.keysFile(lease, sessionEnv), { timeoutMs: this.timeoutMs, signal })
      } catch (err) {
        throw new ProvisionFailedError(`ssh lease ${lease.leaseId}: rewriting ~/.ssh/authorized_keys failed: ${(err as Error).message}`, { cause: err })
      }
      this.log.info('lease account extended', { leaseId: lease.leaseId, user: name, end: lease.end })
      return this.access(lease, name, hostKeys)
    })
  }

  async stop (leaseId: string, signal: AbortSignal): Promise<void> {
    checkLeaseId(leaseId)
    await this.oneAtATime(leaseId, async () => {
      const account = await this.leaseAccount(leaseId)
      if (account == null) return
      const programs = await this.requirePrograms()
      try {
        await removeAccount(programs, account, { timeoutMs: this.timeoutMs, signal }, this.warnFor(leaseId))
      } catch (err) {
        throw new ProvisionFailedError(`ssh lease ${leaseId}: removing the account ${account.name} failed: ${(err as Error).message}`, { cause: err })
      }
      this.log.info('lease account removed', { leaseId, user: account.name })
    })
  }

  /** The account name of a lease. */
  userOf (leaseId: string): string {
    return accountName(this.init.userPrefix, leaseId)
  }

  async provisioned (signal: AbortSignal): Promise<string[]> {
    throwIfAborted(signal)
    const ids = new Set<string>()
    for (const entry of await readPasswd()) {
      const leaseId = markedLeaseId(entry, this.init.userPrefix)
      if (leaseId != null) ids.add(leaseId)
    }
    return [...ids]
  }

  /** Runs `fn` once the lease's earlier call has settled, so that a stop never races the start it cleans up after. */
  private async oneAtATime<T> (leaseId: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.busy.get(leaseId) ?? Promise.resolve()).catch(() => {}).then(fn)
    const settled = run.catch(() => {})
    this.busy.set(leaseId, settled)
    try {
      return await run
    } finally {
      if (this.busy.get(leaseId) === settled) this.busy.delete(leaseId)
    }
  }

  private async requirePrograms (): Promise<Programs> {
    const euid = process.geteuid?.()
    if (euid !== 0) {
      throw new ProvisionerUnavailableError(`the ssh provisioner makes Unix accounts, so the daemon must run as root (it runs as uid ${euid ?? 'unknown'})`)
    }
    this.programs ??= await findPrograms()
    return this.programs
  }

  private keysFile (lease: ProvisionLease, sessionEnv?: Record<string, string>): string {
    if (lease.access.sshKeys.length === 0) throw new ProvisionFailedError('the access request has no SSH key, so nobody could log in')
    const devices = sessionEnv ?? deviceEnv(lease, 'hostIndices')
    const clash = Object.keys(lease.access.env).find(name => name in devices)
    if (clash != null) throw new ProvisionFailedError(`the access request sets ${clash}, which the provider sets for the lease`)
    return authorizedKeys(lease.access.sshKeys, lease.end, { ...devices, ...lease.access.env })
  }

  private access (lease: ProvisionLease, user: string, keys: HostKeys): SshAccess {
    return {
      kind: 'ssh',
      host: advertisedHost(this.init.host),
      port: this.init.port,
      user,
      hostKeys: keys.hostKeys,
      fingerprints: keys.fingerprints,
      devices: lease.devices,
      expiresAt: lease.end
    }
  }

  private async entry (name: string): Promise<PasswdEntry | undefined> {
    return (await readPasswd()).find(e => e.name === name)
  }

  /** The lease's account, only when it carries the lease's mark. */
  private async leaseAccount (leaseId: string): Promise<PasswdEntry | undefined> {
    const entry = await this.entry(accountName(this.init.userPrefix, leaseId))
    return entry != null && markedLeaseId(entry, this.init.userPrefix) === leaseId ? entry : undefined
  }

  private accountSpec (name: string): AccountSpec {
    return { name, home: join(this.homeBase, name), shell: this.init.shell, groups: this.init.groups }
  }

  private warnFor (leaseId: string): (message: string) => void {
    return (message) => { this.log.warn(message, { leaseId }) }
  }

  /** After a failed or aborted start: removes the account it may have made, with a signal of its own (the start's may be what fired). */
  private async removeAfterFailure (programs: Programs, leaseId: string): Promise<void> {
    try {
      const account = await this.leaseAccount(leaseId)
      if (account != null) await removeAccount(programs, account, { timeoutMs: this.timeoutMs, signal: new AbortController().signal }, this.warnFor(leaseId))
    } catch (err) {
      this.log.warn('could not remove the account of a failed start', { leaseId, err: (err as Error).message })
    }
  }
}
