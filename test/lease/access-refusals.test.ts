/**
 * Bad access requests, from a real consumer daemon and spoken raw on the
 * wire: a malformed or optioned key, too many keys, an image not on the
 * pool's list, an oversized command, undecodable bytes. Each is refused with
 * the right code and a message naming the field, before anything is held or
 * provisioned. And a start that hangs is stopped at the provisioning timeout,
 * the lease refused START_FAILED and its hold released.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LeaseChannel } from '../../src/lease/channel.ts'
import { LEASE_PROTOCOL } from '../../src/lease/constants.ts'
import { AccessRequest, RejectCode, type LeaseMessage } from '../../src/lease/pb/lease.ts'
import { DaemonPool, waitFor, type TestDaemon } from '../helpers/daemons.ts'

const node = process.execPath
const price = { microsPerGpuHour: 1_000_000, currency: 'USD' }
const maxPrice = { microsPerGpuHour: 2_000_000, currency: 'USD' }
const GOOD_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl consumer'
const ALLOWED_IMAGE = 'localhost/cpnet-allowed:1'

describe('access requests a provider refuses', () => {
  const pool = new DaemonPool()
  let provider: TestDaemon
  let slow: TestDaemon
  let consumer: TestDaemon
  let marker: string

  beforeAll(async () => {
    marker = join(pool.root, 'started.log')
    provider = await pool.start({
      extraFlags: [
        {
          path: 'provider.pools',
          value: [
            { name: 'hooked', model: 'NVIDIA L40S', gpus: 4, gpuMemoryMib: 46068, price },
            // never provisioned here: every request to it is refused before
            { name: 'boxed', model: 'NVIDIA L40S', gpus: 4, gpuMemoryMib: 46068, price, provisioner: 'container', images: [ALLOWED_IMAGE] }
          ],
          flag: 'test'
        },
        { path: 'lease.startHook', value: [node, '-e', 'require("fs").appendFileSync(process.argv[1], process.env.CPNET_LEASE_ID + "\\n"); console.log("{}")', marker], flag: 'test' }
      ]
    })
    slow = await pool.start({
      extraFlags: [
        { path: 'provider.pools', value: [{ name: 'hooked', model: 'NVIDIA L40S', gpus: 4, gpuMemoryMib: 46068, price }], flag: 'test' },
        { path: 'lease.startHook', value: [node, '-e', 'setTimeout(() => {}, 600_000)'], flag: 'test' },
        { path: 'lease.hookTimeoutSec', value: 600, flag: 'test' },
        { path: 'lease.provisionTimeoutSec', value: 1, flag: 'test' }
      ]
    })
    consumer = await pool.start({ bootstrap: [provider.addrs[0] as string] })
    await consumer.admin.call('node_connect', { multiaddr: slow.addrs[0] })
  })
  afterAll(async () => { await pool.cleanup() })

  const cpi = (pool: string, of: TestDaemon = provider): string => `cpi:${of.node.peerId.toString()}/${pool}`
  const started = (): string => existsSync(marker) ? readFileSync(marker, 'utf8') : ''

  /** Nothing held, leased or provisioned on the provider. */
  function expectNothingHeld (): void {
    for (const name of ['hooked', 'boxed']) expect(provider.node.ledger.usage(name)).toMatchObject({ held: 0, leased: 0 })
    expect(provider.node.provisioning.counts()).toEqual({ hook: 0, ssh: 0, container: 0, slurm: 0 })
    expect(started()).toBe('')
  }

  it('lease_request refuses a bad access param at the consumer, naming the field (-32602)', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ sshKeys: ['ssh-ed25519 not*base64'] }, /\/access\/sshKeys\/0/],
      [{ sshKeys: [`command="rm -rf /" ${GOOD_KEY}`] }, /\/access\/sshKeys\/0/],
      [{ sshKeys: [`${GOOD_KEY}\nssh-ed25519 AAAA`] }, /\/access\/sshKeys\/0/],
      [{ sshKeys: Array.from({ length: 5 }, () => GOOD_KEY) }, /\/access\/sshKeys/],
      [{ sshKeys: [GOOD_KEY], command: Array.from({ length: 65 }, () => 'x') }, /\/access\/command/],
      [{ sshKeys: [GOOD_KEY], env: { CUDA_VISIBLE_DEVICES: '0,1,2,3' } }, /\/access\/env\/CUDA_VISIBLE_DEVICES/],
      // each variable within its cap, the whole over 12 KiB
      [{ sshKeys: [GOOD_KEY], env: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`V${i}`, 'x'.repeat(1000)])) }, /\/access.*bytes encoded, more than 12288/]
    ]
    for (const [access, field] of cases) {
      await expect(consumer.admin.call('lease_request', { cpi: cpi('boxed'), gpus: 1, durationSec: 600, maxPrice, access }))
        .rejects.toMatchObject({ code: -32602, message: expect.stringMatching(field) })
    }
    expectNothingHeld()
  })

  it('an image the pool does not allow, or one asked of a pool without containers, is refused POLICY by the provider', async () => {
    await expect(consumer.admin.call('lease_request', { cpi: cpi('boxed'), gpus: 1, durationSec: 600, maxPrice, access: { sshKeys: [GOOD_KEY], image: 'docker.io/library/ubuntu:24.04' } }))
      .rejects.toMatchObject({ code: -32010, data: { reason: 'POLICY' }, message: expect.stringContaining('access/image') })
    await expect(consumer.admin.call('lease_request', { cpi: cpi('hooked'), gpus: 1, durationSec: 600, maxPrice, access: { sshKeys: [GOOD_KEY], image: ALLOWED_IMAGE } }))
      .rejects.toMatchObject({ code: -32010, data: { reason: 'POLICY' }, message: expect.stringContaining('access/image') })
    expectNothingHeld()
  })

  it('on the wire: each bad access request gets Reject INVALID naming the field, before anything is held', async () => {
    const encoded = (fields: Partial<AccessRequest>): Uint8Array<ArrayBuffer> => AccessRequest.encode({ sshKeys: [], image: '', command: [], env: [], ...fields })
    const cases: Array<[Uint8Array<ArrayBuffer>, string]> = [
      [encoded({ sshKeys: ['ssh-ed25519 not*base64'] }), 'access/sshKeys/0'],
      [encoded({ sshKeys: [`no-pty ${GOOD_KEY}`] }), 'access/sshKeys/0'],
      [encoded({ sshKeys: Array.from({ length: 5 }, () => GOOD_KEY) }), 'access/sshKeys'],
      [encoded({ sshKeys: [GOOD_KEY], command: ['x'.repeat(5000)] }), 'access/command'],
      [encoded({ sshKeys: [GOOD_KEY], image: 'a'.repeat(300) }), 'access/image'],
      [new Uint8Array([0xff, 0xff, 0xff]), 'access']
    ]
    for (const [access, field] of cases) {
      const ch = new LeaseChannel(await consumer.node.libp2p.dialProtocol(provider.node.peerId, LEASE_PROTOCOL))
      const message: LeaseMessage = {
        request: { requestId: new Uint8Array(randomBytes(16)), cpi: cpi('boxed'), gpus: 1, durationSec: 600, maxMicrosPerGpuHour: 2_000_000n, currency: 'USD', validUntil: BigInt(Date.now() + 60_000), access }
      }
      await ch.send(message)
      const reject = (await ch.receive()).reject
      expect(reject?.code, field).toBe(RejectCode.INVALID)
      expect(reject?.message).toContain(field)
    }
    expectNothingHeld()
  })

  it('a start that hangs is stopped at the provisioning timeout: START_FAILED, the hold released', async () => {
    await expect(consumer.admin.call('lease_request', { cpi: cpi('hooked', slow), gpus: 2, durationSec: 600, maxPrice }))
      .rejects.toMatchObject({ code: -32010, data: { reason: 'START_FAILED' } })
    // the Reject may leave before the hold is released
    await waitFor('the hold to be released', () => slow.node.ledger.usage('hooked').free === 4)
    expect(slow.node.ledger.usage('hooked')).toMatchObject({ held: 0, leased: 0 })
    // and the provider goes on leasing
    const { lease } = await consumer.admin.call<{ lease: { leaseId: string, status: string } }>('lease_request', { cpi: cpi('hooked'), gpus: 1, durationSec: 600, maxPrice })
    expect(lease.status).toBe('active')
    expect(started()).toContain(lease.leaseId)
    await consumer.admin.call('lease_release', { leaseId: lease.leaseId })
  })
})
