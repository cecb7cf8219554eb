/**
 * The ssh provisioner against a real sshd and real Unix accounts: the
 * consumer logs in with its own key, trusting only the host keys the access
 * names, and sees its devices; stop leaves nothing running and nobody able to
 * log in; extend moves the expiry sshd enforces; only marked accounts are
 * ever listed or touched; a failed or aborted start leaves no account.
 * Homes go under a temp folder, and every account a test made is removed in
 * teardown, also after a failure.
 */
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Logger } from '../../src/log/logger.ts'
import { expiryTime } from '../../src/provision/authorized-keys.ts'
import { ProvisionFailedError, ProvisionerUnavailableError } from '../../src/provision/errors.ts'
import { SshProvisioner, type SshProvisionerInit } from '../../src/provision/ssh/provisioner.ts'
import type { ProvisionLease, SshAccess } from '../../src/provision/types.ts'
import { knownHosts, passwdEntry, requireSshd, running, sshdMissing, sshKeyPair, sshRun, startSshd, type Sshd, type SshRunResult } from '../helpers/sshd.ts'

const HOUR_MS = 3_600_000
const STOP_TIMEOUT_MS = 60_000
/** Not the daemon's default prefix, so no test ever meets a real lease account. */
const USER_PREFIX = 'cpt'
const MARK_PREFIX = 'cpnet lease '

let sshd: Sshd | undefined
let dir = ''
let homeBase = ''
let consumer = { privateKeyFile: '', publicKey: '' }
let stranger = { privateKeyFile: '', publicKey: '' }
/** Every lease id a test used and every account name it made by hand: all removed in teardown. */
const leaseIds = new Set<string>()
const handMadeAccounts = new Set<string>()

function init (overrides: Partial<SshProvisionerInit> = {}): SshProvisionerInit {
  return {
    host: '127.0.0.1',
    port: sshd?.port ?? 22,
    hostKeys: sshd?.hostKeyFiles ?? [],
    homeBase,
    userPrefix: USER_PREFIX,
    shell: '/bin/sh',
    groups: [],
    ...overrides
  }
}

function provisioner (overrides: Partial<SshProvisionerInit> = {}): SshProvisioner {
  return new SshProvisioner(init(overrides))
}

function newLeaseId (): string {
  const leaseId = randomBytes(16).toString('hex')
  leaseIds.add(leaseId)
  return leaseId
}

function lease (devices: number[], overrides: Partial<ProvisionLease> = {}): ProvisionLease {
  const now = Date.now()
  return {
    leaseId: newLeaseId(),
    cpi: 'cpi-test',
    pool: 'gpu',
    consumer: '12D3KooWConsumer',
    vendor: 'nvidia',
    gpus: devices.length,
    devices: devices.map(index => ({ index, uuid: `GPU-test-${index}` })),
    start: now,
    end: now + HOUR_MS,
    cpuCores: 0,
    ramGib: 0,
    access: { sshKeys: [consumer.publicKey], command: [], env: { TEAM: 'blue' } },
    ...overrides
  }
}

function signal (): AbortSignal {
  return AbortSignal.timeout(STOP_TIMEOUT_MS)
}

async function login (access: SshAccess, argv: string[], key = consumer): Promise<SshRunResult> {
  const knownHostsFile = join(dir, `known_hosts-${access.user}`)
  writeFileSync(knownHostsFile, knownHosts(access.host, access.port, access.hostKeys))
  return await sshRun({ host: access.host, port: access.port, user: access.user, identityFile: key.privateKeyFile, knownHostsFile, argv })
}

/** Adds an account by hand (not through the provisioner), removed in teardown. */
function addAccount (name: string, gecos: string): void {
  handMadeAccounts.add(name)
  const made = spawnSync('useradd', ['-M', '-c', gecos, '-s', '/usr/sbin/nologin', name], { encoding: 'utf8' })
  expect(made.stderr).toBe('')
  expect(made.status).toBe(0)
}

function removeAccount (name: string): void {
  if (passwdEntry(name) != null) spawnSync('userdel', ['-r', name], { encoding: 'utf8' })
}

/** Removes what a test left: each lease through the provisioner, and by hand when that failed. */
async function removeLeftovers (): Promise<void> {
  if (sshd == null) return
  const cleaner = provisioner()
  for (const leaseId of leaseIds) {
    try {
      await cleaner.stop(leaseId, signal())
    } catch {}
    const name = USER_PREFIX + leaseId.slice(0, 12)
    if (passwdEntry(name)?.[4] === MARK_PREFIX + leaseId) removeAccount(name)
  }
  leaseIds.clear()
  for (const name of handMadeAccounts) removeAccount(name)
  handMadeAccounts.clear()
}

describe('ssh provisioner, settings and host', () => {
  it('refuses settings that cannot work, naming the field', () => {
    const good = init({ homeBase: '/nonexistent' })
    expect(() => new SshProvisioner(good)).not.toThrow()
    expect(() => new SshProvisioner({ ...good, userPrefix: 'Bad Prefix' })).toThrow(/lease\.ssh\.userPrefix/)
    expect(() => new SshProvisioner({ ...good, userPrefix: 'a'.repeat(21) })).toThrow(/lease\.ssh\.userPrefix/)
    expect(() => new SshProvisioner({ ...good, homeBase: 'home' })).toThrow(/lease\.ssh\.homeBase/)
    expect(() => new SshProvisioner({ ...good, shell: 'sh' })).toThrow(/lease\.ssh\.shell/)
    expect(() => new SshProvisioner({ ...good, port: 0 })).toThrow(/lease\.ssh\.port/)
    expect(() => new SshProvisioner({ ...good, groups: ['-G'] })).toThrow(/lease\.ssh\.groups/)
  })

  it('is unavailable when the daemon does not run as root', async () => {
    const spy = vi.spyOn(process, 'geteuid').mockReturnValue(1000)
    try {
      const start = provisioner({ homeBase: '/nonexistent' }).start(lease([0]), signal())
      await expect(start).rejects.toBeInstanceOf(ProvisionerUnavailableError)
      await expect(start).rejects.toThrow(/must run as root \(it runs as uid 1000\)/)
    } finally {
      spy.mockRestore()
    }
  })
})

describe('ssh provisioner with a real sshd', () => {
  beforeAll(async () => {
    if (sshdMissing() != null) return
    dir = mkdtempSync(join(tmpdir(), 'cpnet-ssh-provision-'))
    // sshd reads authorized_keys as the account's user, who must be able to reach its home
    chmodSync(dir, 0o755)
    homeBase = join(dir, 'home')
    mkdirSync(homeBase, { mode: 0o755 })
    const keys = join(dir, 'keys')
    mkdirSync(keys, { mode: 0o700 })
    consumer = await sshKeyPair(keys, 'consumer')
    stranger = await sshKeyPair(keys, 'stranger')
    sshd = await startSshd()
  })

  afterEach(async () => { await removeLeftovers() })

  afterAll(async () => {
    await removeLeftovers()
    await sshd?.stop()
    sshd = undefined
    if (dir !== '') rmSync(dir, { recursive: true, force: true })
  })

  it('a lease on devices 1 and 3 of 4 logs in with the consumer\'s key and sees exactly those devices', async (ctx) => {
    requireSshd(ctx)
    const l = lease([1, 3])
    const access = await provisioner().start(l, signal())
    expect(access).toMatchObject({ kind: 'ssh', host: '127.0.0.1', port: sshd?.port, user: USER_PREFIX + l.leaseId.slice(0, 12), expiresAt: l.end, devices: l.devices })
    expect(access.hostKeys).toHaveLength(2)
    expect(access.fingerprints.every(f => f.startsWith('SHA256:'))).toBe(true)

    const seen = await login(access, ['sh', '-c', 'echo $CUDA_VISIBLE_DEVICES; echo $NVIDIA_VISIBLE_DEVICES; echo $CPNET_LEASE_ID; echo $CPNET_DEVICES; echo "[$TEAM]"; id -un'])
    expect(seen.stderr).toBe('')
    expect(seen.code).toBe(0)
    // TEAM is in authorized_keys, but this sshd permits only the device variables and CPNET_*
    expect(seen.stdout).toBe(['1,3', '1,3', l.leaseId, 'GPU-test-1,GPU-test-3', '[]', access.user, ''].join('\n'))

    const other = await login(access, ['true'], stranger)
    expect(other.code).toBe(255)
    expect(other.stderr).toMatch(/Permission denied/)
  })

  it('the consumer\'s own variables reach the session where sshd permits them (PermitUserEnvironment yes)', async (ctx) => {
    requireSshd(ctx)
    const open = await startSshd({ permitUserEnvironment: 'yes' })
    try {
      const access = await provisioner({ port: open.port, hostKeys: open.hostKeyFiles }).start(lease([1, 3]), signal())
      const seen = await login(access, ['sh', '-c', 'echo $CUDA_VISIBLE_DEVICES $TEAM'])
      expect(seen.code).toBe(0)
      expect(seen.stdout).toBe('1,3 blue\n')
    } finally {
      await open.stop()
    }
  })

  it('a second lease on devices 0 and 2 is another account and sees 0,2', async (ctx) => {
    requireSshd(ctx)
    const ssh = provisioner()
    const first = await ssh.start(lease([1, 3]), signal())
    const second = await ssh.start(lease([0, 2]), signal())
    expect(second.user).not.toBe(first.user)
    expect((await login(first, ['sh', '-c', 'echo $CUDA_VISIBLE_DEVICES'])).stdout).toBe('1,3\n')
    const seen = await login(second, ['sh', '-c', 'echo $CUDA_VISIBLE_DEVICES'])
    expect(seen.code).toBe(0)
    expect(seen.stdout).toBe('0,2\n')
  })

  it('the account gets the configured shell and supplementary groups, and a start again restores them', async (ctx) => {
    requireSshd(ctx)
    const group = `cptg${randomBytes(4).toString('hex')}`
    expect(spawnSync('groupadd', [group]).status).toBe(0)
    try {
      const l = lease([0])
      const access = await provisioner({ groups: [group], shell: '/bin/bash' }).start(l, signal())
      expect(passwdEntry(access.user)?.[6]).toBe('/bin/bash')
      const seen = await login(access, ['sh', '-c', 'id -Gn; echo $SHELL'])
      expect(seen.stdout).toBe(`${access.user} ${group}\n/bin/bash\n`)

      expect(spawnSync('usermod', ['-G', '', '-s', '/bin/sh', access.user]).status).toBe(0)
      await provisioner({ groups: [group], shell: '/bin/bash' }).start(l, signal())
      expect((await login(access, ['id', '-Gn'])).stdout).toBe(`${access.user} ${group}\n`)
      expect(passwdEntry(access.user)?.[6]).toBe('/bin/bash')
    } finally {
      await removeLeftovers()
      spawnSync('groupdel', [group])
    }
  })

  it('leases started and stopped all at once each get their own account, and all go', async (ctx) => {
    requireSshd(ctx)
    const ssh = provisioner()
    const leases = [0, 1, 2, 3].map(index => lease([index]))
    const accesses = await Promise.all(leases.map(async l => await ssh.start(l, signal())))
    expect(new Set(accesses.map(a => a.user)).size).toBe(leases.length)
    const seen = await Promise.all(accesses.map(async a => (await login(a, ['sh', '-c', 'echo $CUDA_VISIBLE_DEVICES'])).stdout))
    expect(seen).toEqual(['0\n', '1\n', '2\n', '3\n'])
    await Promise.all(leases.map(async l => { await ssh.stop(l.leaseId, signal()) }))
    expect(accesses.filter(a => passwdEntry(a.user) != null)).toEqual([])
  })

  it('starting a lease twice gives the same access and the same one account', async (ctx) => {
    requireSshd(ctx)
    const l = lease([0])
    const first = await provisioner().start(l, signal())
    const uid = passwdEntry(first.user)?.[2]
    const again = await provisioner().start(l, signal())
    expect(again).toEqual(first)
    expect(passwdEntry(first.user)?.[2]).toBe(uid)
    expect((await login(again, ['sh', '-c', 'echo $CUDA_VISIBLE_DEVICES'])).stdout).toBe('0\n')
  })

  it('stop kills what the user left running, refuses the login, removes the account, its home and its files in /tmp', async (ctx) => {
    requireSshd(ctx)
    const ssh = provisioner()
    const l = lease([2])
    const access = await ssh.start(l, signal())
    const leftFiles = ['/tmp', '/var/tmp', '/dev/shm'].filter(existsSync).map(folder => join(folder, `${access.user}-left`))
    const left = await login(access, ['sh', '-c', 'for f in "$@"; do mkdir "$f" && echo data > "$f/file"; done', 'sh', ...leftFiles])
    expect(left.code).toBe(0)
    const started = await login(access, ['sh', '-c', 'setsid nohup sleep 1000 </dev/null >/dev/null 2>&1 & echo $!'])
    expect(started.code).toBe(0)
    const pid = Number(started.stdout.trim())
    expect(pid).toBeGreaterThan(1)
    expect(running(pid)).toBe(true)
    expect(leftFiles.filter(f => existsSync(join(f, 'file')))).toEqual(leftFiles)

    await ssh.stop(l.leaseId, signal())
    expect(running(pid)).toBe(false)
    expect(leftFiles.filter(existsSync)).toEqual([])
    expect(passwdEntry(access.user)).toBeUndefined()
    expect(existsSync(join(homeBase, access.user))).toBe(false)
    const refused = await login(access, ['true'])
    expect(refused.code).toBe(255)
    expect(await ssh.provisioned(signal())).not.toContain(l.leaseId)

    await ssh.stop(l.leaseId, signal()) // nothing left: harmless
  })

  it('extend rewrites authorized_keys with the new expiry-time, 0600 in a 0700 folder, the user\'s', async (ctx) => {
    requireSshd(ctx)
    const ssh = provisioner()
    const l = lease([0, 1])
    const access = await ssh.start(l, signal())
    const keysFile = join(homeBase, access.user, '.ssh', 'authorized_keys')
    expect(readFileSync(keysFile, 'utf8')).toContain(`expiry-time="${expiryTime(l.end)}"`)

    const end = l.end + 2 * HOUR_MS
    const extended = await ssh.extend({ ...l, end }, signal())
    expect(extended).toEqual({ ...access, expiresAt: end })
    const text = readFileSync(keysFile, 'utf8')
    expect(text).toBe(`expiry-time="${expiryTime(end)}",environment="CPNET_LEASE_ID=${l.leaseId}",environment="CPNET_DEVICES=GPU-test-0,GPU-test-1",` +
      `environment="CUDA_VISIBLE_DEVICES=0,1",environment="NVIDIA_VISIBLE_DEVICES=0,1",environment="TEAM=blue" ${consumer.publicKey}\n`)
    const uid = Number(passwdEntry(access.user)?.[2])
    expect(statSync(keysFile)).toMatchObject({ uid, mode: 0o100600 })
    expect(statSync(join(homeBase, access.user, '.ssh'))).toMatchObject({ uid, mode: 0o40700 })
    expect((await login(extended, ['true'])).code).toBe(0)
  })

  it('extend writes as the user: a ~/.ssh the user turned into a link to root\'s folder gets nothing', async (ctx) => {
    requireSshd(ctx)
    const ssh = provisioner()
    const l = lease([0])
    const access = await ssh.start(l, signal())
    const rootsFolder = mkdtempSync(join(dir, 'roots-'))
    chmodSync(rootsFolder, 0o755)
    const linked = await login(access, ['sh', '-c', `rm -rf "$HOME/.ssh" && ln -s ${rootsFolder} "$HOME/.ssh"`])
    expect(linked.code).toBe(0)

    await expect(ssh.extend({ ...l, end: l.end + HOUR_MS }, signal())).rejects.toBeInstanceOf(ProvisionFailedError)
    expect(existsSync(join(rootsFolder, 'authorized_keys'))).toBe(false)
    expect(statSync(rootsFolder)).toMatchObject({ uid: 0, mode: 0o40755 })
    await ssh.stop(l.leaseId, signal())
    expect(existsSync(rootsFolder)).toBe(true)
  })

  it('an expiry-time in the past refuses the login: a lease already over, or one extended to a past end', async (ctx) => {
    requireSshd(ctx)
    const ssh = provisioner()
    const past = Date.now() - 2 * 60_000
    const over = await ssh.start(lease([0], { end: past }), signal())
    const refused = await login(over, ['true'])
    expect(refused.code).toBe(255)
    expect(refused.stderr).toMatch(/Permission denied/)

    const l = lease([1])
    const access = await ssh.start(l, signal())
    expect((await login(access, ['true'])).code).toBe(0)
    await ssh.extend({ ...l, end: past }, signal())
    expect((await login(access, ['true'])).code).toBe(255)
  })

  it('provisioned() lists exactly the marked accounts of this prefix', async (ctx) => {
    requireSshd(ctx)
    const ssh = provisioner()
    const a = lease([0])
    const b = lease([1])
    await ssh.start(a, signal())
    await ssh.start(b, signal())
    const unmarked = newLeaseId()
    addAccount(USER_PREFIX + unmarked.slice(0, 12), 'someone else')
    const otherName = newLeaseId()
    addAccount(`${USER_PREFIX}x${otherName.slice(0, 11)}`, MARK_PREFIX + otherName) // the mark, on an account its lease would not get

    const ours = async (): Promise<string[]> => (await ssh.provisioned(signal())).filter(id => leaseIds.has(id)).sort()
    expect(await ours()).toEqual([a.leaseId, b.leaseId].sort())
    await ssh.stop(a.leaseId, signal())
    expect(await ours()).toEqual([b.leaseId])
  })

  it('never takes over nor removes an account of the lease\'s name without the mark', async (ctx) => {
    requireSshd(ctx)
    const ssh = provisioner()
    const l = lease([0])
    const name = USER_PREFIX + l.leaseId.slice(0, 12)
    addAccount(name, 'someone else')
    const start = ssh.start(l, signal())
    await expect(start).rejects.toBeInstanceOf(ProvisionFailedError)
    await expect(start).rejects.toThrow(/exists and is not this lease's/)
    await ssh.stop(l.leaseId, signal())
    expect(passwdEntry(name)?.[4]).toBe('someone else')
  })

  it('an aborted start leaves no account: aborted before it began, or once the account was made', async (ctx) => {
    requireSshd(ctx)
    const early = new AbortController()
    early.abort()
    const before = lease([0])
    await expect(provisioner().start(before, early.signal)).rejects.toBeInstanceOf(ProvisionFailedError)
    expect(passwdEntry(USER_PREFIX + before.leaseId.slice(0, 12))).toBeUndefined()

    // the provisioner says when the account exists; aborting right then catches it midway
    const midway = new AbortController()
    const abortWhenMade: Logger = {
      error: () => {},
      warn: () => {},
      info: () => {},
      debug: (msg) => { if (msg === 'lease account ready') midway.abort() },
      forComponent: () => abortWhenMade
    }
    const l = lease([0])
    const name = USER_PREFIX + l.leaseId.slice(0, 12)
    await expect(provisioner({ logger: abortWhenMade }).start(l, midway.signal)).rejects.toThrow(/aborted/)
    expect(midway.signal.aborted).toBe(true)
    expect(passwdEntry(name)).toBeUndefined()
    expect(existsSync(join(homeBase, name))).toBe(false)
  })
})
