/**
 * The container provisioner against real podman: an image with sshd built
 * offline (test/helpers/sshd-image.ts), fake GPU nodes (character devices
 * like /dev/null) standing in for /dev/nvidiaN, and the consumer logging in
 * with OpenSSH, trusting only the host key the access names. The parsers of
 * the runtimes' outputs and the device arguments are checked without podman,
 * on recorded samples. Without podman, sshd or root the podman tests skip
 * (and fail under CI=true); every container and image made is removed at the end.
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, afterEach, beforeAll, describe, expect, it, type TestContext } from 'vitest'
import { runCommand } from '../../src/command.ts'
import { expiryTime } from '../../src/provision/authorized-keys.ts'
import { gpuArgs, hasNvidiaCdiSpec, insidePath, resolveGpuMode } from '../../src/provision/container/gpu-args.ts'
import { leaseDirOf } from '../../src/provision/container/lease-dir.ts'
import { parseContainerList } from '../../src/provision/container/listing.ts'
import { ContainerProvisioner, containerName, type ContainerProvisionerInit } from '../../src/provision/container/provisioner.ts'
import { detectRuntime, runtimeArgv, type ContainerRuntime } from '../../src/provision/container/runtime.ts'
import { ProvisionFailedError, ProvisionerUnavailableError } from '../../src/provision/errors.ts'
import type { ProvisionLease, SshAccess } from '../../src/provision/types.ts'
import { tempDir } from '../helpers/daemons.ts'
import { buildSshdImage, type SshdImage } from '../../src/testnet/sshd-image.ts'
import { fakeGpuNodes, PODMAN_ARGS, PODMAN_RUN_LIMITS, podmanMissing } from '../../src/testnet/podman.ts'

const RUN_ID = randomBytes(6).toString('hex')
/** Every container of this run carries it, so teardown finds them all, whatever failed. */
const TEST_LABEL = `cpnet.test=${RUN_ID}`
const RUN_ARGS = [...PODMAN_RUN_LIMITS, '--label', TEST_LABEL]
const FAKE_DEVICES = 4
const WAIT_MS = 15_000
const COMMAND_TIMEOUT_MS = 30_000

describe('container listings', () => {
  // recorded from podman 4.3 here (trimmed)
  const podmanSample = JSON.stringify([{
    AutoRemove: false,
    Command: ['/usr/sbin/sshd', '-D', '-e', '-f', '/run/cpnet/sshd_config'],
    Id: '932c7dd3b300cca1b8b8c9be5547d3348a9e67cdcde1c49eedd93a36b67c6e9d',
    Image: 'localhost/cpnet-sshd-test-6658-bb2a5b79:latest',
    Labels: { 'cpnet.end': '1796240000000', 'cpnet.lease': 'aa'.repeat(16), 'cpnet.port': '42777' },
    Names: ['cpnet-' + 'aa'.repeat(16)],
    Ports: [{ host_ip: '127.0.0.1', container_port: 22, host_port: 42777, range: 1, protocol: 'tcp' }],
    State: 'running',
    Status: 'Up 1 second ago'
  }, {
    Id: '11c7dd3b300cca1b8b8c9be5547d3348a9e67cdcde1c49eedd93a36b67c6e9d', Labels: null, Names: ['other'], State: 'exited'
  }], null, 2)
  // docker 28's `ps --format '{{json .}}'`: one object per line, Labels and Names as strings
  const dockerSample = [
    JSON.stringify({ Command: '"/usr/sbin/sshd -D -e…"', CreatedAt: '2026-12-02 18:50:01 +0000 UTC', ID: '5f0e3c1d2b4a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff', Image: 'cpnet/sshd:1', Labels: `cpnet.end=1796240000000,cpnet.lease=${'bb'.repeat(16)},cpnet.port=42001`, LocalVolumes: '0', Mounts: '/srv/cpnet/pro…', Names: `cpnet-${'bb'.repeat(16)}`, Networks: 'bridge', Ports: '127.0.0.1:42001->22/tcp', RunningFor: '2 minutes ago', Size: '0B', State: 'running', Status: 'Up 2 minutes' }),
    JSON.stringify({ ID: '6a', Image: 'x', Labels: '', Names: 'a,b', State: 'exited', Status: 'Exited (0) 1 minute ago' }),
    ''
  ].join('\n')

  it('reads podman\'s JSON array (Labels an object or null, Names an array)', () => {
    expect(parseContainerList('podman', podmanSample)).toEqual([
      { id: '932c7dd3b300cca1b8b8c9be5547d3348a9e67cdcde1c49eedd93a36b67c6e9d', names: ['cpnet-' + 'aa'.repeat(16)], labels: { 'cpnet.end': '1796240000000', 'cpnet.lease': 'aa'.repeat(16), 'cpnet.port': '42777' }, running: true },
      { id: '11c7dd3b300cca1b8b8c9be5547d3348a9e67cdcde1c49eedd93a36b67c6e9d', names: ['other'], labels: {}, running: false }
    ])
    expect(parseContainerList('podman', '[]\n')).toEqual([])
    expect(parseContainerList('podman', '')).toEqual([])
  })

  it('reads docker\'s JSON lines (Labels "k=v,k=v", Names "a,b")', () => {
    expect(parseContainerList('docker', dockerSample)).toEqual([
      { id: '5f0e3c1d2b4a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff', names: [`cpnet-${'bb'.repeat(16)}`], labels: { 'cpnet.end': '1796240000000', 'cpnet.lease': 'bb'.repeat(16), 'cpnet.port': '42001' }, running: true },
      { id: '6a', names: ['a', 'b'], labels: {}, running: false }
    ])
  })

  it('refuses output that is not the JSON asked for', () => {
    expect(() => parseContainerList('podman', '{"Id": "x"}')).toThrow(ProvisionFailedError)
    expect(() => parseContainerList('docker', 'CONTAINER ID   IMAGE')).toThrow(ProvisionFailedError)
  })
})

describe('device arguments', () => {
  const dir = tempDir('cpnet-gpu-args-')
  afterAll(() => { dir.remove() })

  it('cdi names each device by index; gpus is one quoted docker value', async () => {
    const devices = [{ index: 1 }, { index: 3 }]
    expect(await gpuArgs({ mode: 'cdi', devices, devicePath: '/nowhere/{index}', extraDevices: [] })).toEqual(['--device', 'nvidia.com/gpu=1', '--device', 'nvidia.com/gpu=3'])
    expect(await gpuArgs({ mode: 'gpus', devices, devicePath: '/nowhere/{index}', extraDevices: [] })).toEqual(['--gpus', '"device=1,3"'])
    expect(await gpuArgs({ mode: 'gpus', devices: [], devicePath: '/nowhere/{index}', extraDevices: [] })).toEqual([])
  })

  it('devices passes the assigned nodes and the extra nodes that exist; a missing assigned node is an error', async () => {
    for (const name of ['gpu1', 'gpu3', 'ctl']) writeFileSync(join(dir.path, name), '')
    const args = await gpuArgs({ mode: 'devices', devices: [{ index: 1 }, { index: 3 }], devicePath: join(dir.path, 'gpu{index}'), extraDevices: [join(dir.path, 'ctl'), join(dir.path, 'absent')] })
    expect(args).toEqual(['--device', `${join(dir.path, 'gpu1')}:/dev/gpu1`, '--device', `${join(dir.path, 'gpu3')}:/dev/gpu3`, '--device', `${join(dir.path, 'ctl')}:/dev/ctl`])
    await expect(gpuArgs({ mode: 'devices', devices: [{ index: 2 }], devicePath: join(dir.path, 'gpu{index}'), extraDevices: [] })).rejects.toThrow(/gpu2 of device 2 does not exist/)
    expect(insidePath('/dev/nvidia0')).toBe('/dev/nvidia0')
    expect(insidePath('/dev/dri/renderD128')).toBe('/dev/dri/renderD128')
  })

  it('auto is cdi with podman and an NVIDIA CDI spec, gpus with docker, device nodes otherwise', async () => {
    const cdi = join(dir.path, 'cdi')
    mkdirSync(cdi)
    expect(await hasNvidiaCdiSpec([cdi, join(dir.path, 'absent')])).toBe(false)
    writeFileSync(join(cdi, 'nvidia.yaml'), 'cdiVersion: 0.5.0\nkind: nvidia.com/gpu\ndevices: []\n')
    expect(await hasNvidiaCdiSpec([join(dir.path, 'absent'), cdi])).toBe(true)
    expect(resolveGpuMode('auto', 'podman', true)).toBe('cdi')
    expect(resolveGpuMode('auto', 'podman', false)).toBe('devices')
    expect(resolveGpuMode('auto', 'docker', true)).toBe('gpus')
    expect(resolveGpuMode('devices', 'docker', true)).toBe('devices')
  })
})

describe('runtime detection', () => {
  const dir = tempDir('cpnet-runtime-')
  afterAll(() => { dir.remove() })

  it('takes podman, else docker, from PATH, and says what is missing when neither is there', async () => {
    const onlyDocker = join(dir.path, 'only-docker')
    const both = join(dir.path, 'both')
    for (const [folder, names] of [[onlyDocker, ['docker']], [both, ['docker', 'podman']]] as const) {
      mkdirSync(folder)
      for (const name of names) {
        writeFileSync(join(folder, name), '#!/bin/sh\n')
        chmodSync(join(folder, name), 0o755)
      }
    }
    expect(await detectRuntime('auto', ['--x'], both)).toEqual({ kind: 'podman', program: join(both, 'podman'), globalArgs: ['--x'] })
    expect((await detectRuntime('auto', [], onlyDocker)).kind).toBe('docker')
    await expect(detectRuntime('podman', [], onlyDocker)).rejects.toThrow(ProvisionerUnavailableError)
    await expect(detectRuntime('auto', [], join(dir.path, 'empty'))).rejects.toThrow(/needs podman or docker on PATH/)
  })

  it('a provisioner without a runtime is unavailable, not failed', async () => {
    const provisioner = new ContainerProvisioner({ ...baseInit(dir.path), searchPath: join(dir.path, 'empty') })
    await expect(provisioner.provisioned(AbortSignal.timeout(WAIT_MS))).rejects.toThrow(ProvisionerUnavailableError)
  })
})

function baseInit (stateDir: string): ContainerProvisionerInit {
  return {
    runtime: 'podman',
    runtimeArgs: PODMAN_ARGS,
    runArgs: RUN_ARGS,
    gpuMode: 'devices',
    devicePath: '/dev/nvidia{index}',
    extraDevices: [],
    host: '127.0.0.1',
    sshPortFirst: 42000,
    sshPortLast: 42999,
    stateDir
  }
}

/** A port the OS picks as free. */
async function osPort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => { server.listen(0, '127.0.0.1', resolve) })
  const port = (server.address() as AddressInfo).port
  await new Promise(resolve => { server.close(resolve) })
  return port
}

describe('ContainerProvisioner with podman', () => {
  let missing: string | undefined = 'not checked yet'
  let runtime: ContainerRuntime
  let image: SshdImage | undefined
  const dir = tempDir('cpnet-container-')
  const stateDir = join(dir.path, 'state')
  const consumerKey = join(dir.path, 'consumer')
  let consumerPublicKey: string
  let provisioner: ContainerProvisioner
  let started: string[] = []
  let portRange = { sshPortFirst: 42000, sshPortLast: 42999 }

  const podman = async (...args: string[]): Promise<string> => (await runCommand(runtimeArgv(runtime, args), { timeoutMs: COMMAND_TIMEOUT_MS })).stdout

  function needsParts (ctx: TestContext): void {
    if (missing != null) ctx.skip(missing)
  }

  function init (overrides: Partial<ContainerProvisionerInit> = {}): ContainerProvisionerInit {
    return { ...baseInit(stateDir), ...portRange, devicePath: join(dir.path, 'dev', 'nvidia{index}'), defaultImage: image?.image, ...overrides }
  }

  function lease (devices: number[], access: Partial<ProvisionLease['access']> = {}): ProvisionLease {
    const leaseId = randomBytes(16).toString('hex')
    started.push(leaseId)
    const now = Date.now()
    return {
      leaseId,
      cpi: 'cpi1test',
      pool: 'gpus',
      consumer: '12D3KooWTestConsumer',
      gpus: devices.length,
      vendor: 'nvidia',
      devices: devices.map(index => ({ index, uuid: `GPU-fake-${index}` })),
      start: now,
      end: now + 3_600_000,
      cpuCores: 1,
      ramGib: 0.5,
      access: { sshKeys: [consumerPublicKey], command: [], env: {}, ...access }
    }
  }

  /** Runs `command` in the lease's container over ssh, trusting only the host keys the access names. */
  async function ssh (access: SshAccess, command: string): Promise<string> {
    const knownHosts = join(dir.path, `known_hosts-${access.port}`)
    writeFileSync(knownHosts, access.hostKeys.map(key => `[${access.host}]:${access.port} ${key}\n`).join(''))
    return await new Promise((resolve, reject) => {
      execFile('ssh', [
        '-F', '/dev/null', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', '-o', 'StrictHostKeyChecking=yes',
        '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'IdentitiesOnly=yes',
        '-i', consumerKey, '-p', String(access.port), `${access.user}@${access.host}`, command
      ], { timeout: WAIT_MS }, (err, stdout, stderr) => {
        if (err != null) reject(new Error(`ssh failed: ${err.message} ${stderr}`))
        else resolve(stdout)
      })
    })
  }

  /** The lease's containers as podman itself lists them (not through the code under test). */
  async function containersOf (leaseId: string): Promise<string[]> {
    return (await podman('ps', '-a', '-q', '--filter', `label=cpnet.lease=${leaseId}`)).split('\n').filter(l => l !== '')
  }

  async function waitFor<T> (what: string, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + WAIT_MS
    for (;;) {
      const value = await probe()
      if (value !== undefined) return value
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
      await sleep(100)
    }
  }

  beforeAll(async () => {
    missing = await podmanMissing()
    if (missing != null) {
      if (process.env.CI === 'true') throw new Error(`CI must run the container provisioner's tests, but ${missing}`)
      return
    }
    runtime = await detectRuntime('podman', PODMAN_ARGS)
    mkdirSync(join(dir.path, 'dev'))
    await fakeGpuNodes(join(dir.path, 'dev'), FAKE_DEVICES)
    await runCommand(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'consumer', '-f', consumerKey], { timeoutMs: COMMAND_TIMEOUT_MS })
    consumerPublicKey = readFileSync(`${consumerKey}.pub`, 'utf8').trim()
    image = await buildSshdImage(runtime)
    // ports from the OS's own choice onward: the provisioner checks that each binds
    const first = await osPort()
    portRange = { sshPortFirst: first, sshPortLast: Math.min(first + 63, 65535) }
    provisioner = new ContainerProvisioner(init())
  }, 120_000)

  afterEach(async () => {
    if (missing != null) return
    await Promise.all(started.map(async id => { await provisioner.stop(id, AbortSignal.timeout(WAIT_MS)) }))
    started = []
  })

  afterAll(async () => {
    try {
      if (missing == null) {
        const left = (await podman('ps', '-a', '-q', '--filter', `label=${TEST_LABEL}`)).split('\n').filter(l => l !== '')
        if (left.length > 0) await podman('rm', '-f', '-v', '-t', '0', ...left)
      }
    } finally {
      await image?.remove()
      dir.remove()
    }
  }, 60_000)

  it('a lease on devices 1 and 3 sees only those nodes, renumbered as 0,1, over ssh with the pinned host key', async (ctx) => {
    needsParts(ctx)
    const l = lease([1, 3])
    const access = await provisioner.start(l, AbortSignal.timeout(WAIT_MS * 2)) as SshAccess
    expect(access).toMatchObject({ kind: 'ssh', host: '127.0.0.1', user: 'root', devices: l.devices, expiresAt: l.end })
    expect(access.hostKeys).toHaveLength(1)
    const keygen = await runCommand(['ssh-keygen', '-l', '-f', join(leaseDirOf(stateDir, l.leaseId), 'host_key.pub')], { timeoutMs: COMMAND_TIMEOUT_MS })
    expect(access.fingerprints).toEqual([keygen.stdout.split(' ')[1]])
    const out = await ssh(access, 'ls /dev; echo "CUDA=$CUDA_VISIBLE_DEVICES LEASE=$CPNET_LEASE_ID"')
    expect(out.split('\n').filter(name => /^nvidia/.test(name)).sort()).toEqual(['nvidia1', 'nvidia3'])
    expect(out).toContain(`CUDA=0,1 LEASE=${l.leaseId}`)
  })

  it('the container gets the lease\'s CPU and memory share, its labels, and its folder read-only', async (ctx) => {
    needsParts(ctx)
    const l = lease([0])
    const access = await provisioner.start(l, AbortSignal.timeout(WAIT_MS * 2)) as SshAccess
    const inspected = JSON.parse(await podman('inspect', containerName(l.leaseId))) as Array<{ HostConfig: { NanoCpus: number, Memory: number }, Config: { Labels: Record<string, string> } }>
    expect(inspected[0]?.HostConfig).toMatchObject({ NanoCpus: 1_000_000_000, Memory: 512 * 1024 * 1024 })
    expect(inspected[0]?.Config.Labels).toMatchObject({ 'cpnet.lease': l.leaseId, 'cpnet.end': String(l.end), 'cpnet.port': String(access.port) })
    await expect(ssh(access, 'touch /run/cpnet/x')).rejects.toThrow(/Read-only file system/)
  })

  it('two leases at once get two ports, each its own host key', async (ctx) => {
    needsParts(ctx)
    const [a, b] = await Promise.all([lease([0]), lease([1])].map(async l => await provisioner.start(l, AbortSignal.timeout(WAIT_MS * 2)) as SshAccess))
    expect(a?.port).not.toBe(b?.port)
    expect(a?.hostKeys).not.toEqual(b?.hostKeys)
    expect(await ssh(a as SshAccess, 'echo $CPNET_DEVICES')).toBe('GPU-fake-0\n')
    expect(await ssh(b as SshAccess, 'echo $CPNET_DEVICES')).toBe('GPU-fake-1\n')
    // the consumer trusts one container's key only for that container
    await expect(ssh({ ...(a as SshAccess), hostKeys: b?.hostKeys ?? [] }, 'true')).rejects.toThrow(/Host key verification failed/)
  })

  it('starting a lease twice gives the same access and one container', async (ctx) => {
    needsParts(ctx)
    const l = lease([2])
    const first = await provisioner.start(l, AbortSignal.timeout(WAIT_MS * 2))
    const again = await provisioner.start(l, AbortSignal.timeout(WAIT_MS * 2))
    expect(again).toEqual(first)
    expect(await containersOf(l.leaseId)).toHaveLength(1)
  })

  it('extend moves the expiry in authorized_keys; the cpnet.end label keeps the first end', async (ctx) => {
    needsParts(ctx)
    const l = lease([0])
    const before = await provisioner.start(l, AbortSignal.timeout(WAIT_MS * 2)) as SshAccess
    const renewed = { ...l, end: l.end + 7_200_000 }
    const after = await provisioner.extend(renewed, AbortSignal.timeout(WAIT_MS)) as SshAccess
    expect(after).toEqual({ ...before, expiresAt: renewed.end })
    expect(await ssh(after, 'cat /run/cpnet/authorized_keys')).toContain(`expiry-time="${expiryTime(renewed.end)}"`)
    expect((await podman('inspect', '--format', '{{index .Config.Labels "cpnet.end"}}', containerName(l.leaseId))).trim()).toBe(String(l.end))
    expect(await provisioner.start(renewed, AbortSignal.timeout(WAIT_MS))).toEqual(after)
    await expect(provisioner.extend(lease([1]), AbortSignal.timeout(WAIT_MS))).rejects.toThrow(ProvisionFailedError)
  })

  it('the container\'s sshd refuses a key past its expiry and takes it again after extend', async (ctx) => {
    needsParts(ctx)
    const l = { ...lease([0]), end: Date.now() - 120_000 }
    const expired = await provisioner.start(l, AbortSignal.timeout(WAIT_MS * 2)) as SshAccess
    await expect(ssh(expired, 'true')).rejects.toThrow(/Permission denied/)
    const renewed = await provisioner.extend({ ...l, end: Date.now() + 3_600_000 }, AbortSignal.timeout(WAIT_MS)) as SshAccess
    expect(await ssh(renewed, 'echo in')).toBe('in\n')
  })

  it('a provisioner made again over the same state folder reads back the running lease', async (ctx) => {
    needsParts(ctx)
    const l = lease([1])
    const access = await provisioner.start(l, AbortSignal.timeout(WAIT_MS * 2))
    const restarted = new ContainerProvisioner(init())
    expect(await restarted.provisioned(AbortSignal.timeout(WAIT_MS))).toContain(l.leaseId)
    expect(await restarted.start(l, AbortSignal.timeout(WAIT_MS))).toEqual(access)
  })

  it('a lease whose container stopped is made again from nothing', async (ctx) => {
    needsParts(ctx)
    const l = lease([2])
    const first = await provisioner.start(l, AbortSignal.timeout(WAIT_MS * 2)) as SshAccess
    await podman('stop', '-t', '0', containerName(l.leaseId))
    const again = await provisioner.start(l, AbortSignal.timeout(WAIT_MS * 2)) as SshAccess
    expect(again.hostKeys).not.toEqual(first.hostKeys)
    expect(await containersOf(l.leaseId)).toHaveLength(1)
    expect(await ssh(again, 'echo $CUDA_VISIBLE_DEVICES')).toBe('0\n')
  })

  it('stop removes the container and the lease folder, and stopping again does nothing', async (ctx) => {
    needsParts(ctx)
    const l = lease([0, 1])
    await provisioner.start(l, AbortSignal.timeout(WAIT_MS * 2))
    expect(existsSync(leaseDirOf(stateDir, l.leaseId))).toBe(true)
    await provisioner.stop(l.leaseId, AbortSignal.timeout(WAIT_MS))
    expect(await containersOf(l.leaseId)).toEqual([])
    expect(existsSync(leaseDirOf(stateDir, l.leaseId))).toBe(false)
    await provisioner.stop(l.leaseId, AbortSignal.timeout(WAIT_MS))
    await provisioner.stop(randomBytes(16).toString('hex'), AbortSignal.timeout(WAIT_MS))
  })

  it('provisioned() lists the cpnet containers, not others, and not stopped ones', async (ctx) => {
    needsParts(ctx)
    const [a, b] = [lease([0]), lease([1])]
    await Promise.all([a, b].map(async l => await provisioner.start(l, AbortSignal.timeout(WAIT_MS * 2))))
    await podman('run', '-d', ...RUN_ARGS, '--name', `cpnet-test-other-${RUN_ID}`, image?.image ?? '', '/bin/sleep', '600')
    const ours = (ids: string[]): string[] => ids.filter(id => started.includes(id)).sort()
    expect(ours(await provisioner.provisioned(AbortSignal.timeout(WAIT_MS)))).toEqual([a.leaseId, b.leaseId].sort())
    await provisioner.stop(a.leaseId, AbortSignal.timeout(WAIT_MS))
    expect(ours(await provisioner.provisioned(AbortSignal.timeout(WAIT_MS)))).toEqual([b.leaseId])
    // everything listed is a cpnet container as podman itself names them
    const names = (await podman('ps', '-a', '--format', '{{.Names}}', '--filter', 'label=cpnet.lease')).split('\n')
    for (const id of await provisioner.provisioned(AbortSignal.timeout(WAIT_MS))) expect(names).toContain(containerName(id))
  })

  it('the consumer\'s command runs in the container with the lease\'s environment', async (ctx) => {
    needsParts(ctx)
    const l = lease([2, 3], { command: ['/bin/sh', '-c', 'echo "$CUDA_VISIBLE_DEVICES $GREETING" > /tmp/from-command.partial && mv /tmp/from-command.partial /tmp/from-command'], env: { GREETING: 'hello there' } })
    const access = await provisioner.start(l, AbortSignal.timeout(WAIT_MS * 2)) as SshAccess
    const written = await waitFor('the command\'s file', async () => {
      const out = await ssh(access, 'cat /tmp/from-command 2>/dev/null || true')
      return out === '' ? undefined : out
    })
    expect(written).toBe('0,1 hello there\n')
    expect(await ssh(access, 'echo "$GREETING"')).toBe('hello there\n')
  })

  it('an image that does not exist fails with ProvisionFailedError and leaves nothing', async (ctx) => {
    needsParts(ctx)
    const l = lease([0], { image: `localhost/cpnet-no-such-image-${RUN_ID}:latest` })
    await expect(provisioner.start(l, AbortSignal.timeout(WAIT_MS * 2))).rejects.toThrow(ProvisionFailedError)
    expect(await containersOf(l.leaseId)).toEqual([])
    expect(existsSync(leaseDirOf(stateDir, l.leaseId))).toBe(false)
  })

  it('a device whose node is missing fails before anything runs', async (ctx) => {
    needsParts(ctx)
    const l = lease([FAKE_DEVICES])
    await expect(provisioner.start(l, AbortSignal.timeout(WAIT_MS))).rejects.toThrow(/does not exist/)
    expect(await containersOf(l.leaseId)).toEqual([])
    expect(existsSync(leaseDirOf(stateDir, l.leaseId))).toBe(false)
  })

  it('a start aborted while it waits for sshd leaves nothing', async (ctx) => {
    needsParts(ctx)
    // an entrypoint that never starts sshd: the start waits until it is aborted
    const stuck = new ContainerProvisioner(init({ runArgs: [...RUN_ARGS, '--entrypoint', '["/bin/sh","-c","sleep 600","sh"]'] }))
    const l = lease([1])
    const controller = new AbortController()
    const starting = stuck.start(l, controller.signal)
    starting.catch(() => {}) // asserted below
    await waitFor('the container', async () => (await containersOf(l.leaseId)).length > 0 ? true : undefined)
    controller.abort()
    await expect(starting).rejects.toThrow(ProvisionFailedError)
    expect(await containersOf(l.leaseId)).toEqual([])
    expect(existsSync(leaseDirOf(stateDir, l.leaseId))).toBe(false)
  })

  it('a start with an aborted signal runs nothing', async (ctx) => {
    needsParts(ctx)
    const l = lease([0])
    await expect(provisioner.start(l, AbortSignal.abort())).rejects.toThrow(/aborted/)
    expect(await containersOf(l.leaseId)).toEqual([])
  })
})
