/**
 * A lease that hands over GPUs through the container provisioner, end to end
 * with a provider daemon process and podman: the container sees only the
 * lease's device nodes and lets the consumer in with its key (`cpnet lease
 * ssh`), and it is gone after release. A provider killed with SIGKILL, in the
 * middle of provisioning or while a lease ran out, leaves after its restart no
 * container of a lease that is not live, and keeps the container of the one
 * that is. The image is built in the test from this machine's files.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest'
import { runCommand } from '../../src/command.ts'
import type { LeaseView } from '../../src/lease/view.ts'
import { detectRuntime, runtimeArgv, type ContainerRuntime } from '../../src/provision/container/runtime.ts'
import { repoLayout } from '../../src/repo/layout.ts'
import { RpcClient } from '../../src/rpc/client.ts'
import { killDaemon, runCli, spawnDaemon, type DaemonProcess } from '../helpers/cli.ts'
import { connectRestarted, DaemonPool, freePort, waitFor, type TestDaemon } from '../helpers/daemons.ts'
import { fakeGpuNodes, PODMAN_ARGS, PODMAN_RUN_LIMITS, podmanMissing } from '../../src/testnet/podman.ts'
import { buildSshdImage, type SshdImage } from '../../src/testnet/sshd-image.ts'
import { sshKeyPair } from '../helpers/sshd.ts'

const GPUS = 4
/** Every container of this run carries it, so teardown finds them all, whatever failed. */
const TEST_LABEL = `cpnet.test=${randomBytes(6).toString('hex')}`
/** An entrypoint that never starts sshd: provisioning waits for it until the provider is killed. */
const STUCK_ENTRYPOINT = ['--entrypoint', '["/bin/sh","-c","sleep 600","sh"]']
const WAIT_MS = 30_000
const COMMAND_TIMEOUT_MS = 30_000

describe('a lease delivered by the container provisioner, from a provider daemon process', () => {
  let missing: string | undefined = 'not checked yet'
  const pool = new DaemonPool()
  let runtime: ContainerRuntime
  let image: SshdImage | undefined
  let consumer: TestDaemon
  let providerProcess: DaemonProcess | undefined
  let repo: string
  let listen: string
  let key: { privateKeyFile: string, publicKey: string }
  let cpi = ''

  const podman = async (...args: string[]): Promise<string> => (await runCommand(runtimeArgv(runtime, args), { timeoutMs: COMMAND_TIMEOUT_MS })).stdout
  const lines = (text: string): string[] => text.split('\n').filter(l => l !== '')
  /** The lease ids of this run's containers, as podman itself lists them. */
  const containerLeases = async (): Promise<string[]> => lines(await podman('ps', '-a', '--filter', `label=${TEST_LABEL}`, '--format', '{{ index .Labels "cpnet.lease" }}')).sort()

  function needsParts (ctx: TestContext): void {
    if (missing != null) ctx.skip(missing)
  }

  /** Writes the provider's config: a container pool on fake device nodes, SSH on ports from the OS's choice onward. */
  async function configure (runArgs: string[]): Promise<void> {
    const file = repoLayout(repo).config
    const config = JSON.parse(readFileSync(file, 'utf8'))
    config.listen = [listen]
    config.provider.pools = [{
      name: 'gpu', model: 'NVIDIA L40S', gpus: GPUS, gpuMemoryMib: 46068, minLeaseSec: 1,
      price: { microsPerGpuHour: 1_000_000, currency: 'USD' }, provisioner: 'container', images: [image?.image]
    }]
    const first = await freePort()
    config.lease.container = {
      ...config.lease.container,
      runtime: 'podman', runtimeArgs: PODMAN_ARGS, runArgs: [...PODMAN_RUN_LIMITS, '--label', TEST_LABEL, ...runArgs],
      gpuMode: 'devices', devicePath: join(pool.root, 'dev', 'nvidia{index}'), extraDevices: [], host: '127.0.0.1',
      sshPortFirst: first, sshPortLast: Math.min(first + 63, 65535)
    }
    writeFileSync(file, JSON.stringify(config))
  }

  async function startProvider (): Promise<RpcClient> {
    providerProcess = await spawnDaemon(['--repo', repo])
    const out = providerProcess.stdout()
    const peerId = /PeerID: (\S+)/.exec(out)?.[1]
    const url = /RPC API server listening on (\S+)/.exec(out)?.[1]
    if (peerId == null || url == null) throw new Error(`the provider did not start: ${providerProcess.stderr()}`)
    cpi = `cpi:${peerId}/gpu`
    await connectRestarted(consumer, `${listen}/p2p/${peerId}`)
    return new RpcClient({ url })
  }

  async function killProvider (): Promise<void> {
    providerProcess?.child.kill('SIGKILL')
    await providerProcess?.exited
  }

  const cli = async (...args: string[]): ReturnType<typeof runCli> => runCli(['--repo', consumer.repoPath, ...args], undefined, 60_000)

  /** A CLI command that must succeed: its stdout, or an error with what it said. */
  async function cliOk (...args: string[]): Promise<string> {
    const out = await cli(...args)
    if (out.code !== 0) throw new Error(`cpnet ${args.join(' ')} exited ${String(out.code)}: ${out.stderr}${out.stdout}`)
    return out.stdout
  }

  async function request (duration = '30m', gpus = 2): Promise<LeaseView> {
    const out = await cliOk('--json', 'lease', 'request', '--cpi', cpi, '--gpus', String(gpus), '--duration', duration, '--max-price', '3 USD', '--ssh-key', `${key.privateKeyFile}.pub`)
    return (JSON.parse(out) as { lease: LeaseView }).lease
  }

  async function leaseSsh (leaseId: string, ...argv: string[]): Promise<string> {
    return await cliOk('lease', 'ssh', leaseId, '-i', key.privateKeyFile, '--', ...argv)
  }

  beforeAll(async () => {
    missing = await podmanMissing()
    if (missing != null) {
      if (process.env.CI === 'true') throw new Error(`CI must run the container provisioner's tests, but ${missing}`)
      return
    }
    runtime = await detectRuntime('podman', PODMAN_ARGS)
    mkdirSync(join(pool.root, 'dev'))
    await fakeGpuNodes(join(pool.root, 'dev'), GPUS)
    image = await buildSshdImage(runtime)
    key = await sshKeyPair(pool.root, 'consumer')
    repo = join(pool.root, 'provider')
    listen = `/ip4/127.0.0.1/tcp/${await freePort()}`
    expect((await runCli(['--repo', repo, 'init', '--profile', 'test'])).code).toBe(0)
    await configure([])
    consumer = await pool.start()
  }, 180_000)

  afterAll(async () => {
    try {
      await killDaemon(providerProcess)
      if (missing == null) {
        const left = lines(await podman('ps', '-a', '-q', '--filter', `label=${TEST_LABEL}`))
        if (left.length > 0) await podman('rm', '-f', '-v', '-t', '0', ...left)
      }
    } finally {
      await image?.remove()
      await pool.cleanup()
    }
  }, 120_000)

  it('a lease of 2 of 4 GPUs: only those device nodes in the container, SSH with the consumer\'s key, gone after release', async (ctx) => {
    needsParts(ctx)
    await startProvider()
    const lease = await request()
    const devices = (lease.devices ?? []).map(d => d.index)
    expect(devices).toHaveLength(2)
    expect(lease.access).toMatchObject({ kind: 'ssh', host: '127.0.0.1', user: 'root' })
    const out = await leaseSsh(lease.leaseId, 'sh', '-c', 'ls /dev; echo "CUDA=$CUDA_VISIBLE_DEVICES"')
    expect(lines(out).filter(name => /^nvidia\d+$/.test(name)).sort()).toEqual(devices.map(n => `nvidia${n}`))
    // inside, the devices are numbered from 0 as CUDA numbers what it sees
    expect(out).toContain('CUDA=0,1')
    expect(await containerLeases()).toEqual([lease.leaseId])
    expect((await cli('lease', 'release', lease.leaseId)).code).toBe(0)
    await waitFor('the container to be removed', async () => (await containerLeases()).length === 0, WAIT_MS, 100)
  }, 120_000)

  it('after a SIGKILL and a restart, no container of an ended lease remains; the live lease keeps its container', async (ctx) => {
    needsParts(ctx)
    const live = await request('30m', 2)
    const ending = await request('15s', 1)
    expect(await containerLeases()).toEqual([live.leaseId, ending.leaseId].sort())
    await killProvider()
    // the short lease runs out while its provider is down
    await sleep(Math.max(0, (ending.end ?? 0) - Date.now()) + 500)
    const rpc = await startProvider()
    expect(await containerLeases()).toEqual([live.leaseId])
    expect((await rpc.call<LeaseView>('lease_get', { leaseId: live.leaseId })).provisioning).toMatchObject({ provisioner: 'container', state: 'provisioned' })
    expect(await leaseSsh(live.leaseId, 'echo', 'still here')).toBe('still here\n')
    expect((await cli('lease', 'release', live.leaseId)).code).toBe(0)
    await waitFor('the container to be removed', async () => (await containerLeases()).length === 0, WAIT_MS, 100)
  }, 180_000)

  it('a provider killed in the middle of provisioning leaves no container after its restart', async (ctx) => {
    needsParts(ctx)
    await killProvider()
    await configure(STUCK_ENTRYPOINT)
    await startProvider()
    const asked = cli('--json', 'lease', 'request', '--cpi', cpi, '--gpus', '1', '--duration', '30m', '--max-price', '3 USD', '--ssh-key', `${key.privateKeyFile}.pub`)
    await waitFor('the container to be made', async () => (await containerLeases()).length === 1, WAIT_MS, 100)
    await killProvider()
    expect((await asked).code).toBe(1)
    await configure([])
    const rpc = await startProvider()
    expect(await containerLeases()).toEqual([])
    const usage = async (): Promise<{ leases: LeaseView[], pools: Array<{ held: number, leased: number }> }> => await rpc.call('provider_leases', { activeOnly: true })
    expect((await usage()).leases).toEqual([])
    // the hold on disk is the quote's: it lapses at the quote's expiry, not the provisioning's deadline
    await waitFor('the killed request\'s hold to lapse', async () => (await usage()).pools[0]?.held === 0, WAIT_MS, 200)
    expect(await containerLeases()).toEqual([])
  }, 180_000)
})
