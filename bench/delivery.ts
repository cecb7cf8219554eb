/**
 * Delivery benchmark: the time from lease_request to a working SSH login, per
 * provisioner, on an in-process pair of nodes (provider, consumer) and a
 * private sshd on loopback. Each lease of 1 GPU is requested with the
 * consumer's key, then logged into (`ssh … true`, host keys pinned) until the
 * login works; it is released (not timed) before the next.
 * - hook: the lease alone (a start hook that prints {}), no login: the
 *   negotiation floor the provisioners add to;
 * - ssh: a Unix account per lease behind the sshd;
 * - container: a podman container per lease with its own sshd, on an image
 *   built from this machine's files;
 * - slurm: a Slurm job allocation per lease on a one-host cluster (8 GPUs)
 *   and a login account that reaches it; also timed to the moment squeue
 *   lists the job, against a bare `salloc --no-shell` + `squeue` (Slurm's
 *   own floor) in the same run.
 * The raw floor, measured in the same run: a bare libp2p request/response
 * (one frame each way) between the same two nodes, and a bare SSH login into
 * an account that already exists. A provisioner this machine cannot run (not
 * root, no sshd, no podman) is reported as skipped with the reason.
 */
import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { lpStream } from '@libp2p/utils'
import { runCommand } from '../src/command.ts'
import type { Config } from '../src/config/schema.ts'
import type { FlagOverride } from '../src/config/load.ts'
import { PROVISIONER_KINDS, type ProvisionerKind } from '../src/config/pool-schema.ts'
import { pinHostKeys, sshAccessOf, sshArgs } from '../src/provision/ssh-client.ts'
import type { SshAccess } from '../src/provision/types.ts'
import { detectRuntime, runtimeArgv } from '../src/provision/container/runtime.ts'
import { fakeGpuNodes, PODMAN_ARGS, PODMAN_RUN_LIMITS, podmanMissing } from '../src/testnet/podman.ts'
import { removeLeaseAccounts } from '../src/testnet/demo-ssh.ts'
import { buildSshdImage, type SshdImage } from '../src/testnet/sshd-image.ts'
import { sshdMissing, sshKeyPair, startSshd, type Sshd } from '../src/testnet/sshd.ts'
import { slurmMissing, startSlurmCluster, type SlurmCluster } from '../src/testnet/slurm-cluster.ts'
import type { NetworkNode } from '../src/testnet/in-process.ts'
import { startBenchNetwork } from './network.ts'
import { printTable, round, summarize, type Summary } from './stats.ts'

const LEASES = Number(process.env.CPNET_BENCH_DELIVERIES ?? 20)
const POOL_GPUS = 8
const ECHO_PROTOCOL = '/cpnet/bench/echo/1.0.0'
const REQUEST_BYTES = 110
const SETTLE_MS = 3_000
const LOGIN_TRIES = 50
const LOGIN_RETRY_MS = 100
const SSH_TIMEOUT_MS = 30_000
const USER_PREFIX = 'cpbench'
const SLURM_USER_PREFIX = 'cpbslurm'
const price = { microsPerGpuHour: 1_000_000, currency: 'USD' }

export interface DeliveryRow {
  provisioner: ProvisionerKind
  /** Why it was not measured here; absent when it was. */
  skipped?: string
  /** lease_request's call to the working login (hook: to the Grant). */
  deliveryMs?: Summary
  /** lease_request alone: negotiation and provisioning, to the verified Grant. */
  grantMs?: Summary
  /** From the Grant to the first login that worked. */
  loginMs?: Summary
  /** slurm: lease_request's call to the squeue answer that lists the lease's job. */
  visibleMs?: Summary
  /** p50 delivery / p50 raw libp2p request/response. */
  ratioToRaw?: number
  failed?: Record<string, number>
}

export interface DeliveryResult {
  rows: DeliveryRow[]
  rawLibp2pMs: Summary
  rawSshLoginMs?: Summary
  /** A bare `salloc --no-shell --immediate` to the squeue answer that lists it: Slurm's own floor. */
  rawSallocMs?: Summary
  table: string
}

/** The squeue answer that lists a job of that name (it is there already when salloc returned). */
async function untilListed (cluster: SlurmCluster, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const { stdout } = await cluster.run(['squeue', '-h', '-n', name, '-o', '%i'])
    if (stdout.trim() !== '') return
    if (attempt >= LOGIN_TRIES) throw new Error(`squeue does not list ${name}`)
    await new Promise(resolve => setTimeout(resolve, LOGIN_RETRY_MS))
  }
}

/** Slurm's floor: salloc of 1 GPU until squeue lists it, then scancel (not timed). */
async function rawSalloc (cluster: SlurmCluster): Promise<Summary> {
  const samples: number[] = []
  for (let i = 0; i < LEASES; i++) {
    const name = `bench-${randomBytes(4).toString('hex')}`
    const t0 = performance.now()
    const { stderr } = await cluster.run(['salloc', '--no-shell', '--immediate=5', `--partition=${cluster.partition}`, '--gpus=1', '--time=10', `--job-name=${name}`])
    await untilListed(cluster, name)
    samples.push(performance.now() - t0)
    const id = /Granted job allocation (\d+)/.exec(stderr)?.[1]
    if (id != null) await cluster.run(['scancel', id])
  }
  return summarize(samples)
}

interface Consumer {
  publicKey: string
  privateKeyFile: string
  knownHosts: string
}

/** One `ssh … true` as the consumer, host keys pinned; throws when the login does not work. */
async function login (consumer: Consumer, access: SshAccess): Promise<void> {
  pinHostKeys(consumer.knownHosts, access)
  await runCommand(['ssh', ...sshArgs({ access, knownHosts: consumer.knownHosts, identity: consumer.privateKeyFile, command: ['true'], batch: true })], { timeoutMs: SSH_TIMEOUT_MS })
}

/** Logs in until it works (a container's sshd may take a moment to accept); the time it took. */
async function firstLogin (consumer: Consumer, access: SshAccess): Promise<number> {
  const t0 = performance.now()
  for (let attempt = 1; ; attempt++) {
    try {
      await login(consumer, access)
      return performance.now() - t0
    } catch (err) {
      if (attempt >= LOGIN_TRIES) throw err
      await new Promise(resolve => setTimeout(resolve, LOGIN_RETRY_MS))
    }
  }
}

function countFailure (failed: Record<string, number>, err: unknown): void {
  const name = (err as Error).name ?? 'Error'
  failed[name] = (failed[name] ?? 0) + 1
}

async function measure (kind: ProvisionerKind, provider: NetworkNode, consumerNode: NetworkNode, consumer: Consumer, raw: Summary, cluster?: SlurmCluster): Promise<DeliveryRow> {
  const cpi = `cpi:${provider.node.peerId.toString()}/${kind}`
  const delivery: number[] = []
  const grant: number[] = []
  const logins: number[] = []
  const visible: number[] = []
  const failed: Record<string, number> = {}
  for (let i = 0; i < LEASES; i++) {
    const t0 = performance.now()
    try {
      const lease = await consumerNode.node.leases.request({
        cpi, gpus: 1, durationSec: 3600, maxMicros: 1_000_000n, currency: 'USD', access: { sshKeys: [consumer.publicKey], command: [], env: {} }
      })
      const granted = performance.now() - t0
      try {
        if (cluster != null) {
          await untilListed(cluster, `cpnet-${lease.leaseId}`)
          visible.push(performance.now() - t0)
        }
        if (kind !== 'hook') logins.push(await firstLogin(consumer, sshAccessOf(lease.leaseId, lease.status, lease.access)))
        grant.push(granted)
        delivery.push(performance.now() - t0)
      } finally {
        await consumerNode.node.leases.release(lease.leaseId)
      }
    } catch (err) {
      countFailure(failed, err)
    }
  }
  const deliveryMs = summarize(delivery)
  return {
    provisioner: kind,
    deliveryMs,
    grantMs: summarize(grant),
    ...(kind !== 'hook' ? { loginMs: summarize(logins) } : {}),
    ...(cluster != null ? { visibleMs: summarize(visible) } : {}),
    ratioToRaw: round(deliveryMs.p50 / raw.p50, 1),
    failed
  }
}

export async function runDelivery (log: (line: string) => void): Promise<DeliveryResult> {
  const dir = mkdtempSync(join(tmpdir(), 'cpnet-bench-delivery-'))
  // the lease accounts reach their homes through it
  chmodSync(dir, 0o755)
  let sshd: Sshd | undefined
  let image: SshdImage | undefined
  let cluster: SlurmCluster | undefined
  const cleanups: Array<() => Promise<void>> = []
  try {
    const sshMissing = sshdMissing()
    const containerMissing = sshMissing ?? await podmanMissing()
    const clusterMissing = sshMissing ?? slurmMissing()
    const flags: FlagOverride[] = []
    const pools: Array<Record<string, unknown>> = [{ name: 'hook', provisioner: 'hook' }]
    if (sshMissing == null) {
      sshd = await startSshd()
      const homeBase = join(dir, 'home')
      mkdirSync(homeBase, { mode: 0o755 })
      const settings: Config['lease']['ssh'] = { host: '127.0.0.1', port: sshd.port, hostKeys: sshd.hostKeyFiles, homeBase, userPrefix: USER_PREFIX, shell: '/bin/sh', groups: [] }
      flags.push({ path: 'lease.ssh', value: settings, flag: 'bench' })
      cleanups.push(async () => { await removeLeaseAccounts(settings) })
      pools.push({ name: 'ssh', provisioner: 'ssh' })
    }
    if (containerMissing == null) {
      const runtime = await detectRuntime('podman', PODMAN_ARGS)
      image = await buildSshdImage(runtime)
      mkdirSync(join(dir, 'dev'))
      const devicePath = await fakeGpuNodes(join(dir, 'dev'), POOL_GPUS)
      const label = `cpnet.bench=${randomBytes(6).toString('hex')}`
      cleanups.push(async () => {
        // a removal still under way when the provider stopped
        const left = (await runCommand(runtimeArgv(runtime, ['ps', '-a', '-q', '--filter', `label=${label}`]), { timeoutMs: SSH_TIMEOUT_MS })).stdout.split('\n').filter(l => l !== '')
        if (left.length > 0) await runCommand(runtimeArgv(runtime, ['rm', '-f', '-v', '-t', '0', ...left]), { timeoutMs: SSH_TIMEOUT_MS })
      })
      flags.push({
        path: 'lease.container',
        value: { runtime: 'podman', runtimeArgs: PODMAN_ARGS, runArgs: [...PODMAN_RUN_LIMITS, '--label', label], gpuMode: 'devices', devicePath, extraDevices: [], host: '127.0.0.1', sshPortFirst: 43000, sshPortLast: 43999 },
        flag: 'bench'
      })
      pools.push({ name: 'container', provisioner: 'container', images: [image.image] })
    }
    if (clusterMissing == null) {
      cluster = await startSlurmCluster({ nodes: 1, gpusPerNode: POOL_GPUS })
      flags.push({ path: 'provider.slurm', value: { conf: cluster.conf, binDir: '', output: 'auto', refreshSec: 10, commandTimeoutSec: 30 }, flag: 'bench' })
      flags.push({ path: 'lease.slurm', value: { userPrefix: SLURM_USER_PREFIX, immediateSec: 1 }, flag: 'bench' })
      const settings = flags.find(f => f.path === 'lease.ssh')?.value as Config['lease']['ssh']
      cleanups.push(async () => { await removeLeaseAccounts({ ...settings, userPrefix: SLURM_USER_PREFIX }) })
      pools.push({ name: 'slurm', slurm: { partition: cluster.partition } })
    }
    flags.push({ path: 'lease.startHook', value: [process.execPath, '-e', 'console.log("{}")'], flag: 'bench' })

    const net = await startBenchNetwork({ size: 2, flags })
    cleanups.push(async () => { await net.stop() })
    const provider = net.node(0)
    const consumerNode = net.node(1)
    for (const pool of pools) {
      await provider.node.inventory.add({ model: 'NVIDIA H100 80GB HBM3', gpus: POOL_GPUS, gpuMemoryMib: 81559, price, name: pool.name as string, ...pool })
    }
    await provider.node.libp2p.handle(ECHO_PROTOCOL, async stream => {
      const lp = lpStream(stream)
      await lp.write(await lp.read())
      await stream.close()
    })
    await consumerNode.node.libp2p.dial(provider.node.libp2p.getMultiaddrs())
    await new Promise(resolve => setTimeout(resolve, SETTLE_MS))

    const key = await sshKeyPair(dir, 'consumer')
    const consumer: Consumer = { publicKey: key.publicKey, privateKeyFile: key.privateKeyFile, knownHosts: join(dir, 'known_hosts') }

    // the raw floor: one frame each way on a new stream, as a lease's first round trip is
    const payload = new Uint8Array(randomBytes(REQUEST_BYTES))
    const rawSamples: number[] = []
    for (let i = 0; i < LEASES + 5; i++) {
      const t0 = performance.now()
      const stream = await consumerNode.node.libp2p.dialProtocol(provider.node.peerId, ECHO_PROTOCOL)
      const lp = lpStream(stream)
      await lp.write(payload)
      await lp.read()
      await stream.close()
      if (i >= 5) rawSamples.push(performance.now() - t0)
    }
    const rawLibp2pMs = summarize(rawSamples)
    log(`  raw libp2p request/response p50 ${rawLibp2pMs.p50} ms`)

    const rows: DeliveryRow[] = []
    let rawSshLoginMs: Summary | undefined
    for (const kind of PROVISIONER_KINDS) {
      const missing = kind === 'ssh' ? sshMissing : kind === 'container' ? containerMissing : kind === 'slurm' ? clusterMissing : undefined
      if (missing != null) {
        rows.push({ provisioner: kind, skipped: missing })
        log(`  ${kind}: skipped (${missing})`)
        continue
      }
      const row = await measure(kind, provider, consumerNode, consumer, rawLibp2pMs, kind === 'slurm' ? cluster : undefined)
      rows.push(row)
      log(`  ${kind}: ${row.deliveryMs?.n ?? 0} leases, lease_request → login p50 ${row.deliveryMs?.p50 ?? '-'} ms`)
      if (kind === 'ssh') {
        // the login floor: into one account that is there already
        const lease = await consumerNode.node.leases.request({ cpi: `cpi:${provider.node.peerId.toString()}/ssh`, gpus: 1, durationSec: 3600, maxMicros: 1_000_000n, currency: 'USD', access: { sshKeys: [consumer.publicKey], command: [], env: {} } })
        const samples: number[] = []
        for (let i = 0; i < LEASES; i++) {
          const t0 = performance.now()
          await login(consumer, sshAccessOf(lease.leaseId, lease.status, lease.access))
          samples.push(performance.now() - t0)
        }
        await consumerNode.node.leases.release(lease.leaseId)
        rawSshLoginMs = summarize(samples)
        log(`  raw ssh login p50 ${rawSshLoginMs.p50} ms`)
      }
    }
    const rawSallocMs = cluster != null ? await rawSalloc(cluster) : undefined
    if (rawSallocMs != null) log(`  raw salloc → squeue p50 ${rawSallocMs.p50} ms`)
    const cell = (s: Summary | undefined, key: 'p50' | 'p99'): string | number => s == null ? '-' : s[key]
    const table = printTable(
      ['provisioner', 'leases', 'request→login p50', 'p99', 'grant p50', 'login p50', 'request→squeue p50', 'p99', 'raw libp2p p50', 'delivery/raw', 'raw ssh login p50', 'raw salloc→squeue p50', 'failed'],
      rows.map(r => r.skipped != null
        ? [r.provisioner, `skipped: ${r.skipped}`, '', '', '', '', '', '', '', '', '', '', '']
        : [
            r.provisioner, r.deliveryMs?.n ?? 0, cell(r.deliveryMs, 'p50'), cell(r.deliveryMs, 'p99'), cell(r.grantMs, 'p50'), cell(r.loginMs, 'p50'),
            cell(r.visibleMs, 'p50'), cell(r.visibleMs, 'p99'),
            rawLibp2pMs.p50, r.ratioToRaw ?? '-', cell(rawSshLoginMs, 'p50'), r.provisioner === 'slurm' ? cell(rawSallocMs, 'p50') : '-',
            Object.entries(r.failed ?? {}).map(([n, c]) => `${c} ${n}`).join(', ') || '0'
          ])
    )
    return { rows, rawLibp2pMs, ...(rawSshLoginMs != null ? { rawSshLoginMs } : {}), ...(rawSallocMs != null ? { rawSallocMs } : {}), table }
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {})
    await cluster?.stop()
    await image?.remove()
    await sshd?.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}
