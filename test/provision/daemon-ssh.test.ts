/**
 * A lease that hands over GPUs through the ssh provisioner, end to end: a
 * provider daemon whose 4-GPU pool makes Unix accounts behind a real sshd on
 * loopback, a consumer daemon that leases from it with the CLI (`lease
 * request --ssh-key`, `lease ssh`), exactly the assigned devices pinned in the
 * login's environment, two concurrent leases on disjoint devices, and nobody
 * able to log in, no account and no process left once a lease is released or
 * has expired.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Config } from '../../src/config/schema.ts'
import type { LeaseView } from '../../src/lease/view.ts'
import { removeLeaseAccounts } from '../../src/testnet/demo-ssh.ts'
import { sshAccessOf } from '../../src/provision/ssh-client.ts'
import type { SshAccess } from '../../src/provision/types.ts'
import { runCli } from '../helpers/cli.ts'
import { DaemonPool, waitFor, type TestDaemon } from '../helpers/daemons.ts'
import { knownHosts, passwdEntry, processesOf, running, sshdMissing, sshKeyPair, sshRun, startSshd, type Sshd } from '../helpers/sshd.ts'

/** Not the daemon's default prefix, nor the provisioner tests' one: a failed run's accounts are this file's alone. */
const USER_PREFIX = 'cpd'
const GPUS = 4
const POOL = {
  name: 'gpu',
  model: 'NVIDIA H100 80GB HBM3',
  gpus: GPUS,
  gpuMemoryMib: 81559,
  minLeaseSec: 1,
  price: { microsPerGpuHour: 2_000_000, currency: 'USD' },
  provisioner: 'ssh'
}
const END_WAIT_MS = 20_000

describe('a lease delivered by the ssh provisioner, between two daemons', () => {
  const missing = sshdMissing()
  const pool = new DaemonPool()
  let sshd: Sshd | undefined
  let settings: Config['lease']['ssh'] | undefined
  let provider: TestDaemon
  let consumer: TestDaemon
  let key: { privateKeyFile: string, publicKey: string }
  let cpi: string

  beforeAll(async () => {
    if (missing != null) {
      if (process.env.CI === 'true') throw new Error(`${missing}, and CI must run the sshd tests`)
      return
    }
    sshd = await startSshd()
    // the lease accounts' homes: under the test's folder, which they must be able to reach
    chmodSync(pool.root, 0o755)
    const homeBase = join(pool.root, 'home')
    mkdirSync(homeBase, { mode: 0o755 })
    settings = { host: '127.0.0.1', port: sshd.port, hostKeys: sshd.hostKeyFiles, homeBase, userPrefix: USER_PREFIX, shell: '/bin/sh', groups: [] }
    provider = await pool.start({
      extraFlags: [
        { path: 'provider.pools', value: [POOL], flag: 'test' },
        { path: 'lease.ssh', value: settings, flag: 'test' }
      ]
    })
    consumer = await pool.start({ bootstrap: [provider.addrs[0] as string] })
    key = await sshKeyPair(pool.root, 'consumer')
    cpi = `cpi:${provider.node.peerId.toString()}/gpu`
  }, 60_000)

  afterAll(async () => {
    try {
      await pool.cleanup()
    } finally {
      if (settings != null) await removeLeaseAccounts(settings)
      await sshd?.stop()
    }
  }, 60_000)

  const cli = async (...args: string[]): ReturnType<typeof runCli> => runCli(['--repo', consumer.repoPath, ...args])

  /** A CLI command that must succeed: its stdout, or an error with what it said. */
  async function cliOk (...args: string[]): Promise<string> {
    const out = await cli(...args)
    if (out.code !== 0) throw new Error(`cpnet ${args.join(' ')} exited ${String(out.code)}: ${out.stderr}${out.stdout}`)
    return out.stdout
  }

  async function request (duration = '30m'): Promise<LeaseView> {
    const out = await cliOk('--json', 'lease', 'request', '--cpi', cpi, '--gpus', '2', '--duration', duration, '--max-price', '3 USD', '--ssh-key', `${key.privateKeyFile}.pub`)
    return (JSON.parse(out) as { lease: LeaseView }).lease
  }

  /** `cpnet lease ssh <id> -i key -- argv…`, as a consumer types it. */
  async function leaseSsh (leaseId: string, ...argv: string[]): Promise<string> {
    return await cliOk('lease', 'ssh', leaseId, '-i', key.privateKeyFile, '--', ...argv)
  }

  /** A login straight with ssh, past the CLI (which refuses an ended lease itself). */
  async function loginCode (access: SshAccess): Promise<number> {
    const knownHostsFile = join(pool.root, `known_hosts-${access.user}`)
    writeFileSync(knownHostsFile, knownHosts(access.host, access.port, access.hostKeys))
    return (await sshRun({ host: access.host, port: access.port, user: access.user, identityFile: key.privateKeyFile, knownHostsFile, argv: ['true'] })).code
  }

  /**
   * Waits until the lease's account, the processes it ran and its login are
   * all gone. By pid, not uid: another test file may have made an account
   * that got the uid again.
   */
  async function expectGone (access: SshAccess, pids: number[]): Promise<void> {
    await waitFor(`the account ${access.user} to be removed`, () => passwdEntry(access.user) == null, END_WAIT_MS, 100)
    expect(pids.filter(running)).toEqual([])
    expect(await loginCode(access)).toBe(255)
  }

  it('two concurrent leases of 2 GPUs each log in over ssh and see exactly their own devices', async (ctx) => {
    if (missing != null) ctx.skip(missing)
    const [a, b] = await Promise.all([request(), request()]) as [LeaseView, LeaseView]
    const devicesOf = (l: LeaseView): number[] => (l.devices ?? []).map(d => d.index)
    expect(devicesOf(a)).toHaveLength(2)
    expect([...devicesOf(a), ...devicesOf(b)].sort()).toEqual([0, 1, 2, 3])
    expect((await leaseSsh(a.leaseId, 'sh', '-c', 'echo $CUDA_VISIBLE_DEVICES')).trim()).toBe(devicesOf(a).join(','))
    expect((await leaseSsh(b.leaseId, 'sh', '-c', 'echo $CUDA_VISIBLE_DEVICES')).trim()).toBe(devicesOf(b).join(','))

    // both sides show the devices and the access
    const shown = await cli('lease', 'show', a.leaseId)
    expect(shown.stdout).toMatch(new RegExp(`Devices:\\s+${devicesOf(a).join(', ')}`))
    expect(shown.stdout).toMatch(/Access:\s+ssh cpd[0-9a-f]{12}@127\.0\.0\.1 -p \d+/)
    const theirs = await provider.admin.call<LeaseView>('lease_get', { leaseId: a.leaseId })
    expect(theirs.provisioning).toMatchObject({ provisioner: 'ssh', state: 'provisioned' })
    expect(theirs.devices?.map(d => d.index)).toEqual(devicesOf(a))
    const listed = await runCli(['--repo', provider.repoPath, 'provider', 'leases'])
    expect(listed.stdout).toContain('Devices and access:')

    for (const l of [a, b]) expect((await cli('lease', 'release', l.leaseId)).code).toBe(0)
  })

  it('after release, the login is refused and the account and its processes are gone', async (ctx) => {
    if (missing != null) ctx.skip(missing)
    const l = await request()
    const access = sshAccessOf(l.leaseId, l.status, l.access)
    // a process the consumer leaves running, detached from the session
    const uid = Number((await leaseSsh(l.leaseId, 'sh', '-c', 'nohup sleep 600 </dev/null >/dev/null 2>&1 & id -u')).trim())
    const pids = processesOf(uid)
    expect(pids.length).toBeGreaterThan(0)
    expect((await cli('lease', 'release', l.leaseId)).code).toBe(0)
    await expectGone(access, pids)
    const refused = await cli('lease', 'ssh', l.leaseId, '-i', key.privateKeyFile, '--', 'true')
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/is released; only an active lease can be logged into/)
  })

  it('after expiry, the same: login refused, account and processes gone', async (ctx) => {
    if (missing != null) ctx.skip(missing)
    // long enough for the login below on a loaded machine; the wait is for the expiry itself
    const l = await request('15s')
    const access = sshAccessOf(l.leaseId, l.status, l.access)
    const uid = Number((await leaseSsh(l.leaseId, 'sh', '-c', 'nohup sleep 600 </dev/null >/dev/null 2>&1 & id -u')).trim())
    const pids = processesOf(uid)
    await waitFor('the lease to expire on the provider', async () => (await provider.admin.call<LeaseView>('lease_get', { leaseId: l.leaseId })).status === 'expired', END_WAIT_MS + 15_000, 200)
    await expectGone(access, pids)
  })
})
