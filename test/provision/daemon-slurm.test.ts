/**
 * A provider that fronts a Slurm cluster, end to end against a real one: a
 * two-node cluster of this host (munged, slurmctld, two slurmd, 2 GPUs a
 * node), a provider daemon process whose pool is the partition, behind a real
 * sshd, and a consumer daemon. A lease is a Slurm job allocation of exactly
 * its GPUs, owned by the lease's login account, that `srun` in the lease's
 * session runs in; release and expiry cancel it; a job submitted outside
 * cpnet shrinks the offer and refuses a quote; more requests than GPUs never
 * oversell and the ledger and Slurm agree; after a SIGKILL the restarted
 * provider cancels an orphan job and ends the lease whose job vanished.
 */
import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest'
import { runCommand } from '../../src/command.ts'
import { repoLayout } from '../../src/repo/layout.ts'
import { RpcClient } from '../../src/rpc/client.ts'
import type { LeaseView } from '../../src/lease/view.ts'
import { sshAccessOf } from '../../src/provision/ssh-client.ts'
import type { SshAccess } from '../../src/provision/types.ts'
import { removeLeaseAccounts } from '../../src/testnet/demo-ssh.ts'
import { killDaemon, runCli, spawnDaemon, type DaemonProcess } from '../helpers/cli.ts'
import { connectRestarted, DaemonPool, freePort, waitFor, type TestDaemon } from '../helpers/daemons.ts'
import { slurmMissing, startSlurmCluster, type SlurmCluster } from '../helpers/slurm.ts'
import { passwdEntry, sshdMissing, sshKeyPair, startSshd, type Sshd } from '../helpers/sshd.ts'

/** The lease accounts' prefix: this file's own, so that a failed run's accounts are found and removed. */
const USER_PREFIX = 'cpq'
const NODES = 2
const GPUS_PER_NODE = 2
const GPUS = NODES * GPUS_PER_NODE
const WAIT_MS = 20_000
const POOL = 'cluster'

interface ProviderLeases { leases: LeaseView[], pools: Array<{ pool: string, total: number, held: number, leased: number, free: number }> }
interface Job { id: string, name: string, user: string, state: string }

describe('a provider fronting a Slurm partition', () => {
  const missing = slurmMissing() ?? sshdMissing()
  const pool = new DaemonPool()
  let cluster: SlurmCluster | undefined
  let sshd: Sshd | undefined
  let homeBase = ''
  let consumer: TestDaemon
  let providerProcess: DaemonProcess | undefined
  let provider: RpcClient
  let repo: string
  let listen: string
  let key: { privateKeyFile: string, publicKey: string }
  let cpi = ''

  function needsParts (ctx: TestContext): void {
    if (missing != null) ctx.skip(missing)
  }

  /** cpnet's jobs as squeue lists them (name cpnet-<lease id>). */
  async function cpnetJobs (): Promise<Job[]> {
    const { stdout } = await (cluster as SlurmCluster).run(['squeue', '-h', '-o', '%i|%j|%u|%T'])
    return stdout.split('\n').filter(l => l !== '').map(l => {
      const [id, name, user, state] = l.split('|') as [string, string, string, string]
      return { id, name, user, state }
    }).filter(j => j.name.startsWith('cpnet-') && j.user.startsWith(USER_PREFIX))
  }

  /** Every job of one user, as squeue lists them. */
  async function jobsOf (user: string): Promise<string[]> {
    return (await (cluster as SlurmCluster).run(['squeue', '-h', '-u', user, '-o', '%i'])).stdout.split('\n').filter(l => l !== '')
  }

  const jobOf = async (leaseId: string): Promise<Job | undefined> => (await cpnetJobs()).find(j => j.name === `cpnet-${leaseId}`)

  /** `scontrol show job -d`'s GPUs of the job, node by node: { n1: [0, 1] }. */
  async function jobGpus (jobId: string): Promise<Record<string, number[]>> {
    const { stdout } = await (cluster as SlurmCluster).run(['scontrol', 'show', 'job', '-d', jobId])
    const out: Record<string, number[]> = {}
    for (const m of stdout.matchAll(/Nodes=(\S+) CPU_IDs=\S+ Mem=\S+ GRES=gpu:[^:]+:\d+\(IDX:([\d,-]+)\)/g)) {
      out[m[1] as string] = (m[2] as string).split(',').flatMap(r => {
        const [a, b] = r.split('-').map(Number) as [number, number | undefined]
        return Array.from({ length: (b ?? a) - a + 1 }, (_, i) => a + i)
      })
    }
    return out
  }

  /** The provider's config: the partition as a pool, SSH through the test's sshd, Slurm read every second (as JSON, or text). */
  function configure (output: 'auto' | 'text' = 'auto'): void {
    const file = repoLayout(repo).config
    const config = JSON.parse(readFileSync(file, 'utf8'))
    config.listen = [listen]
    config.provider.detectGpus = false
    config.provider.pools = [{
      name: POOL, model: 'NVIDIA Tesla T4', gpuMemoryMib: 15360, minLeaseSec: 1,
      price: { microsPerGpuHour: 1_000_000, currency: 'USD' }, slurm: { partition: (cluster as SlurmCluster).partition }
    }]
    config.provider.slurm = { ...config.provider.slurm, conf: (cluster as SlurmCluster).conf, refreshSec: 1, output }
    config.lease.ssh = { ...config.lease.ssh, host: '127.0.0.1', port: sshd?.port, hostKeys: sshd?.hostKeyFiles, homeBase, userPrefix: 'cpr' }
    config.lease.slurm = { ...config.lease.slurm, userPrefix: USER_PREFIX }
    writeFileSync(file, JSON.stringify(config))
  }

  async function startProvider (): Promise<void> {
    providerProcess = await spawnDaemon(['--repo', repo])
    const out = providerProcess.stdout()
    const peerId = /PeerID: (\S+)/.exec(out)?.[1]
    const url = /RPC API server listening on (\S+)/.exec(out)?.[1]
    if (peerId == null || url == null) throw new Error(`the provider did not start: ${providerProcess.stderr()}`)
    cpi = `cpi:${peerId}/${POOL}`
    const token = readFileSync(repoLayout(repo).token, 'utf8').trim()
    provider = new RpcClient({ url, token })
    await connectRestarted(consumer, `${listen}/p2p/${peerId}`)
  }

  async function killProvider (): Promise<void> {
    providerProcess?.child.kill('SIGKILL')
    await providerProcess?.exited
  }

  const providerLeases = async (): Promise<ProviderLeases> => await provider.call<ProviderLeases>('provider_leases', { activeOnly: true })

  async function request (durationSec = 1800, gpus = 2): Promise<LeaseView> {
    const { lease } = await consumer.admin.call<{ lease: LeaseView }>('lease_request', {
      cpi, gpus, durationSec, maxPrice: { microsPerGpuHour: 3_000_000, currency: 'USD' }, access: { sshKeys: [key.publicKey] }
    })
    return lease
  }

  const accessOf = (l: LeaseView): SshAccess => sshAccessOf(l.leaseId, l.status, l.access)

  /** What a provider killed between salloc and the commit leaves: a lease account and its job, of no lease. */
  async function leaveOrphan (): Promise<{ orphanLease: string, orphanUser: string }> {
    const c = cluster as SlurmCluster
    const orphanLease = randomBytes(16).toString('hex')
    const orphanUser = `${USER_PREFIX}${orphanLease.slice(0, 12)}`
    await runCommand(['useradd', '-M', '-U', '-s', '/bin/sh', '-c', `cpnet lease ${orphanLease}`, orphanUser], { timeoutMs: WAIT_MS })
    await c.run(['salloc', '--no-shell', '--immediate=5', `--partition=${c.partition}`, '--gpus=1', '--time=10', `--job-name=cpnet-${orphanLease}`], { user: orphanUser })
    expect(await jobOf(orphanLease)).toBeDefined()
    return { orphanLease, orphanUser }
  }

  beforeAll(async () => {
    if (missing != null) {
      if (process.env.CI === 'true') throw new Error(`CI must run the Slurm provisioner's tests, but ${missing}`)
      return
    }
    cluster = await startSlurmCluster({ nodes: NODES, gpusPerNode: GPUS_PER_NODE })
    sshd = await startSshd()
    chmodSync(pool.root, 0o755)
    homeBase = join(pool.root, 'home')
    mkdirSync(homeBase, { mode: 0o755 })
    key = await sshKeyPair(pool.root, 'consumer')
    repo = join(pool.root, 'provider')
    listen = `/ip4/127.0.0.1/tcp/${await freePort()}`
    expect((await runCli(['--repo', repo, 'init', '--profile', 'test'])).code).toBe(0)
    configure()
    consumer = await pool.start()
    await startProvider()
  }, 120_000)

  afterAll(async () => {
    try {
      await killDaemon(providerProcess)
      await pool.cleanup()
    } finally {
      await cluster?.stop()
      if (sshd != null) await removeLeaseAccounts({ host: '127.0.0.1', port: sshd.port, hostKeys: sshd.hostKeyFiles, homeBase, userPrefix: USER_PREFIX, shell: '/bin/sh', groups: [] })
      await sshd?.stop()
    }
  }, 120_000)

  it('offers the partition\'s GPUs; a lease of 2 is a Slurm job of exactly those, reached with srun; release cancels it', async (ctx) => {
    needsParts(ctx)
    const pools = await runCli(['--repo', repo, 'provider', 'pools'])
    expect(pools.stdout, pools.stdout).toMatch(new RegExp(`${POOL}\\s+slurm gpu\\s+NVIDIA Tesl\\S*\\s+${GPUS}/${GPUS}`))

    const lease = await request(1800, 2)
    const access = accessOf(lease)
    const job = await jobOf(lease.leaseId)
    expect(job).toMatchObject({ user: access.user, state: 'RUNNING' })
    // the Grant names the job and its GPUs, as Slurm has them
    const held = await jobGpus((job as Job).id)
    expect(access.slurm?.jobId).toBe(Number(job?.id))
    expect(Object.fromEntries((access.slurm?.nodes ?? []).map(n => [n.node, n.gpus]))).toEqual(held)
    expect(Object.values(held).flat()).toHaveLength(2)
    expect(lease.devices?.map(d => `${d.node ?? ''}:${d.index}`).sort()).toEqual(Object.entries(held).flatMap(([n, g]) => g.map(i => `${n}:${i}`)).sort())

    // the consumer's srun runs inside the allocation, on its node, with its GPUs
    const ran = await runCli(['--repo', consumer.repoPath, 'lease', 'ssh', lease.leaseId, '-i', key.privateKeyFile, '--', 'srun', 'sh', '-c', 'echo $SLURMD_NODENAME $CUDA_VISIBLE_DEVICES $SLURM_JOB_ID'], undefined, 60_000)
    expect(ran.stderr, ran.stdout).toBe('')
    const [node, gpus, jobId] = ran.stdout.trim().split(' ') as [string, string, string]
    expect(jobId).toBe(job?.id)
    expect(held[node]).toBeDefined()
    expect(gpus.split(',')).toHaveLength(held[node]?.length ?? -1)

    const usage = await providerLeases()
    expect(usage.pools.find(p => p.pool === POOL)).toMatchObject({ leased: 2, free: GPUS - 2 })

    // a job the consumer submits from the login is its own, and ends with the lease
    const submitted = await runCli(['--repo', consumer.repoPath, 'lease', 'ssh', lease.leaseId, '-i', key.privateKeyFile, '--', 'sbatch', '--parsable', '--output=/dev/null', `--partition=${(cluster as SlurmCluster).partition}`, '--gpus=1', '--wrap', 'sleep 300'], undefined, 60_000)
    expect(submitted.code, submitted.stderr).toBe(0)
    expect(await jobsOf(access.user)).toHaveLength(2)

    await consumer.admin.call('lease_release', { leaseId: lease.leaseId })
    await waitFor('the lease\'s jobs to be cancelled', async () => (await jobsOf(access.user)).length === 0, WAIT_MS, 100)
    await waitFor('the login account to be removed', () => passwdEntry(access.user) == null, WAIT_MS, 100)
  }, 120_000)

  /** The job's time limit, seconds, as scontrol shows it (Slurm keeps whole minutes). */
  async function timeLimitSec (jobId: string): Promise<number> {
    const limit = /TimeLimit=(?:(\d+)-)?(\d+):(\d+):(\d+)/.exec((await (cluster as SlurmCluster).run(['scontrol', 'show', 'job', jobId])).stdout)
    const [, d, h, m, sec] = (limit ?? []).map(Number) as [number, number, number, number, number]
    return (Number.isNaN(d) ? 0 : d) * 86_400 + h * 3600 + m * 60 + sec
  }

  it('a renewal moves the job\'s time limit; an expired lease\'s job is cancelled', async (ctx) => {
    needsParts(ctx)
    const long = await request(600, 1)
    const job = await jobOf(long.leaseId) as Job
    expect(await timeLimitSec(job.id)).toBe(600)
    const renewed = await consumer.admin.call<LeaseView>('lease_renew', { leaseId: long.leaseId, extendSec: 3600 })
    expect(renewed.end).toBe((long.end ?? 0) + 3600_000)
    // counted from the job's start, rounded up to Slurm's minute
    expect(await timeLimitSec(job.id)).toBeGreaterThanOrEqual(4200)
    expect(await timeLimitSec(job.id)).toBeLessThanOrEqual(4260)
    await consumer.admin.call('lease_release', { leaseId: long.leaseId })

    const lease = await request(4, 1)
    expect(await jobOf(lease.leaseId)).toBeDefined()
    await sleep(Math.max(0, (lease.end ?? 0) - Date.now()))
    await waitFor('the expired lease\'s job to be cancelled', async () => await jobOf(lease.leaseId) == null, WAIT_MS, 100)
    await waitFor('its login account to be removed', () => passwdEntry(accessOf(lease).user) == null, WAIT_MS, 100)
  }, 60_000)

  it('a job submitted outside cpnet shrinks the offer and refuses a quote it leaves no room for', async (ctx) => {
    needsParts(ctx)
    const c = cluster as SlurmCluster
    // named like a lease's job, but nobody's lease: it is someone else's, however it is named
    const { stdout } = await c.run(['sbatch', '--parsable', '--output=/dev/null', `--partition=${c.partition}`, '--gpus=3', `--job-name=cpnet-${randomBytes(16).toString('hex')}`, '--wrap', 'sleep 300'])
    const outside = stdout.trim().split(';')[0] as string
    try {
      await waitFor('the outside job to run', async () => /JobState=RUNNING/.test((await c.run(['scontrol', 'show', 'job', outside])).stdout), WAIT_MS, 100)
      // the offer follows within a refresh
      await waitFor('the pool to show 1 free GPU', async () => (await providerLeases()).pools.find(p => p.pool === POOL)?.free === 1, WAIT_MS, 200)
      await expect(request(600, 2)).rejects.toThrow(/NO_CAPACITY|free GPU/)
      expect(await cpnetJobs()).toEqual([])
      // what is left can still be leased
      const one = await request(600, 1)
      expect(await jobOf(one.leaseId)).toBeDefined()
      await consumer.admin.call('lease_release', { leaseId: one.leaseId })
      await waitFor('the job to be cancelled', async () => await jobOf(one.leaseId) == null, WAIT_MS, 100)
    } finally {
      await c.run(['scancel', outside])
    }
    await waitFor('the pool to be whole again', async () => (await providerLeases()).pools.find(p => p.pool === POOL)?.free === GPUS, WAIT_MS, 200)
  }, 120_000)

  it('a drained node\'s GPUs leave the offer within a refresh, and come back when it resumes', async (ctx) => {
    needsParts(ctx)
    const c = cluster as SlurmCluster
    const node = c.nodes[1] as string
    const poolOf = async (): Promise<{ gpus: number, availableGpus: number } | undefined> =>
      (await provider.call<Array<{ name: string, gpus: number, availableGpus: number }>>('provider_pools', {})).find(p => p.name === POOL)
    await c.run(['scontrol', 'update', `NodeName=${node}`, 'State=DRAIN', 'Reason=cpnet-test'])
    try {
      await waitFor('the drained node to leave the pool', async () => (await poolOf())?.gpus === GPUS - GPUS_PER_NODE, WAIT_MS, 200)
      expect((await poolOf())?.availableGpus).toBe(GPUS - GPUS_PER_NODE)
      await expect(request(600, GPUS)).rejects.toThrow(/NO_CAPACITY|GPUs in all|free GPU/)
    } finally {
      await c.run(['scontrol', 'update', `NodeName=${node}`, 'State=RESUME'])
    }
    await waitFor('the node to rejoin the pool', async () => (await poolOf())?.gpus === GPUS, WAIT_MS, 200)
  }, 60_000)

  it('an orphan found while the provider runs is removed within a refresh', async (ctx) => {
    needsParts(ctx)
    const { orphanLease, orphanUser } = await leaveOrphan()
    await waitFor('the orphan job to be cancelled', async () => await jobOf(orphanLease) == null, WAIT_MS, 100)
    await waitFor('the orphan account to be removed', () => passwdEntry(orphanUser) == null, WAIT_MS, 100)
  }, 60_000)

  it('more requests than GPUs: nothing oversold, and the ledger and Slurm agree at every sample', async (ctx) => {
    needsParts(ctx)
    let sampling = true
    const problems: string[] = []
    let samples = 0
    const sampler = (async () => {
      while (sampling) {
        const before = new Set((await providerLeases()).leases.map(l => l.leaseId))
        const jobs = await cpnetJobs()
        const after = await providerLeases()
        samples++
        const jobLeases = new Set(jobs.map(j => j.name.slice('cpnet-'.length)))
        // a lease live before and after the listing has its job; a job is a live lease or one being granted
        for (const id of before) if (after.leases.some(l => l.leaseId === id) && !jobLeases.has(id)) problems.push(`lease ${id} has no job`)
        const usage = after.pools.find(p => p.pool === POOL)
        if (usage != null && usage.leased + usage.held > GPUS) problems.push(`ledger oversold: ${usage.leased} leased + ${usage.held} held`)
        if (jobs.length > GPUS) problems.push(`${jobs.length} cpnet jobs for ${GPUS} GPUs`)
      }
    })()
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, async () => await request(1800, 1)))
    sampling = false
    await sampler
    const granted = outcomes.flatMap(o => o.status === 'fulfilled' ? [o.value] : [])
    const refused = outcomes.flatMap(o => o.status === 'rejected' ? [String(o.reason)] : [])
    expect(problems).toEqual([])
    expect(samples).toBeGreaterThan(0)
    expect(granted.length).toBeLessThanOrEqual(GPUS)
    expect(granted.length).toBeGreaterThan(0)
    expect(refused.length).toBeGreaterThan(0)
    for (const reason of refused) expect(reason).toMatch(/NO_CAPACITY|free GPU|BUSY/)
    // at rest, exactly one job per granted lease, each of one GPU, on distinct GPUs
    const jobs = await cpnetJobs()
    expect(jobs.map(j => j.name).sort()).toEqual(granted.map(l => `cpnet-${l.leaseId}`).sort())
    const gpus = (await Promise.all(jobs.map(async j => await jobGpus(j.id)))).flatMap(h => Object.entries(h).flatMap(([n, g]) => g.map(i => `${n}:${i}`)))
    expect(new Set(gpus).size).toBe(granted.length)
    expect((await providerLeases()).pools.find(p => p.pool === POOL)).toMatchObject({ leased: granted.length, held: 0 })
    await Promise.all(granted.map(async l => await consumer.admin.call('lease_release', { leaseId: l.leaseId })))
    await waitFor('every job to be cancelled', async () => (await cpnetJobs()).length === 0, WAIT_MS, 100)
  }, 180_000)

  it('after a SIGKILL and a restart, an orphan job is cancelled and the lease whose job vanished is ended with the reason', async (ctx) => {
    needsParts(ctx)
    const c = cluster as SlurmCluster
    const kept = await request(1800, 1)
    const lost = await request(1800, 1)
    await killProvider()
    // while the provider is down: an operator cancels one lease's job, and a job of a lease that never committed is left
    await c.run(['scancel', (await jobOf(lost.leaseId) as Job).id])
    const { orphanLease, orphanUser } = await leaveOrphan()

    // the restarted provider reads Slurm's text output, as it would a Slurm without --json
    configure('text')
    await startProvider()
    await waitFor('the orphan job to be cancelled', async () => await jobOf(orphanLease) == null, WAIT_MS, 100)
    await waitFor('the orphan account to be removed', () => passwdEntry(orphanUser) == null, WAIT_MS, 100)
    const ended = await provider.call<LeaseView>('lease_get', { leaseId: lost.leaseId })
    expect(ended).toMatchObject({ status: 'released', endReason: 'ended by the provider' })
    expect(ended.endNote).toMatch(/allocation is gone/)
    await waitFor('the lost lease\'s account to be removed', () => passwdEntry(accessOf(lost).user) == null, WAIT_MS, 100)
    // the live lease kept its job, and the ledger holds what Slurm holds
    expect(await jobOf(kept.leaseId)).toMatchObject({ state: 'RUNNING' })
    expect((await providerLeases()).leases.map(l => l.leaseId)).toEqual([kept.leaseId])
    expect((await cpnetJobs()).map(j => j.name)).toEqual([`cpnet-${kept.leaseId}`])

    await consumer.admin.call('lease_release', { leaseId: kept.leaseId })
    await waitFor('the job to be cancelled', async () => (await cpnetJobs()).length === 0, WAIT_MS, 100)
  }, 120_000)
})
