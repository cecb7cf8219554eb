/**
 * The CLI's tables on the widest values they meet: within 80 columns, only
 * text cut (a model, an address, a CPI's pool), never a number, an amount,
 * a status or a time; PeerIds short unless --wide.
 */
import { describe, expect, it } from 'vitest'
import { formatTable, TABLE_COLUMNS } from '../../src/cli/output.ts'
import { renderLeases } from '../../src/cli/commands/lease.ts'
import { LOCAL_MARK, renderOffers } from '../../src/cli/commands/offers.ts'
import { renderStatus, renderUp } from '../../src/cli/commands/testnet.ts'
import type { LeaseView } from '../../src/lease/view.ts'
import type { OfferView } from '../../src/discovery/view.ts'
import type { TestnetStatus } from '../../src/testnet/status.ts'

const PEER = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVJabc'
const OTHER = '12D3KooWLkYvL3LzNnFZdWTvjwqfnbdZ9KNv2bECPoBzLNhwXyz1'
const NOW = Date.parse('2026-12-01T20:00:00Z')

function within (text: string): void {
  for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(TABLE_COLUMNS)
}

function lease (over: Partial<LeaseView>): LeaseView {
  return {
    leaseId: '0123456789abcdef0123456789abcdef',
    role: 'consumer',
    status: 'active',
    cpi: `cpi:${PEER}/h100`,
    provider: PEER,
    gpus: 8,
    price: { microsPerGpuHour: 2_345_678, currency: 'USD', perGpuHour: '2.345678' },
    start: NOW - 3_600_000,
    end: NOW + 6 * 86_400_000,
    ...over
  }
}

describe('tables within 80 columns', () => {
  it('only the columns declared cuttable are cut', () => {
    const text = formatTable(['STATUS', 'DUE', 'MODEL'], [['released', '1234.567891 USD', 'NVIDIA H100 80GB HBM3 with a very long name that goes on and on and on']], { maxWidth: 40, cut: { 2: 9 } })
    for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(40)
    expect(text.split('\n')[1]).toMatch(/^released  1234\.567891 USD  NVIDIA H\S* \S*…$/)
    // a table without cuttable columns stays as wide as its cells
    expect(formatTable(['DUE'], [['1234.567891 USD']], { maxWidth: 5 })).toBe('DUE\n1234.567891 USD')
  })

  it('an active and an ended lease: END, DUE and CPI whole, each line <= 80', () => {
    const ended = lease({
      leaseId: 'fedcba9876543210fedcba9876543210',
      role: 'provider',
      status: 'released',
      consumer: OTHER,
      endedAt: NOW - 125_000,
      endReason: 'released by the consumer',
      gpuHours: 5.263157,
      amountDue: { micros: 12_345_678, amount: '12.345678', currency: 'USD' }
    })
    const text = renderLeases([lease({}), ended], {}, NOW)
    within(text)
    expect(text).toMatch(/^As consumer:\nLEASE\s+STATUS\s+GPUS\s+PRICE\/GPU-H\s+END\s+DUE\s+CPI\n01234567\s+active\s+8\s+2\.345678 USD\s+in 6d0h\s+-\s+12D3…Jabc\/h100$/m)
    expect(text).toMatch(/^As provider:\nLEASE.*\nfedcba98\s+released\s+8\s+2\.345678 USD\s+2m5s ago\s+12\.345678 USD\s+12D3…Jabc\/h100$/m)
    expect(text).not.toContain('…\n')
    const wide = renderLeases([ended], { wide: true }, NOW)
    expect(wide).toContain(`fedcba9876543210fedcba9876543210  released  8     2.345678 USD  2026-12-01 19:57:55Z  12.345678 USD  cpi:${PEER}/h100`)
  })

  it('a CPI too long for the line is cut in its pool only', () => {
    const text = renderLeases([lease({ status: 'released', endedAt: NOW - 60_000, cpi: `cpi:${PEER}/a-pool-name-as-long-as-a-pool-name-may-be`, amountDue: { micros: 12_345_678, amount: '12.345678', currency: 'USD' } })], {}, NOW)
    within(text)
    expect(text).toMatch(/\s1m0s ago\s+12\.345678 USD\s+12D3…Jabc\/a-p\S*…$/m)
  })

  it('the node\'s own offers are marked, the model cut before anything else', () => {
    const offer = (peer: string, local: boolean): OfferView => ({
      cpi: `cpi:${peer}/h100-sxm`,
      provider: peer,
      pool: 'h100-sxm',
      seq: 1,
      issuedAt: NOW,
      expiresAt: NOW + 60_000,
      resource: { vendor: 'nvidia', model: 'NVIDIA H100 80GB HBM3', class: 'gpu/nvidia/h100-80gb-hbm3', gpuMemoryMib: 81559, totalGpus: 128, availableGpus: 128, interconnect: 'nvlink', cpuCores: 0, ramGib: 0, diskGib: 0, bandwidthMbps: 0 },
      region: 'cn-east-1',
      labels: [],
      price: { microsPerGpuHour: 12_500_000, currency: 'USD', perGpuHour: '12.5' },
      minLeaseSec: 60,
      maxLeaseSec: 86_400,
      addrs: [],
      source: 'direct',
      ...(local ? { local: true as const } : {})
    })
    const text = renderOffers([offer(PEER, true), offer(OTHER, false)])
    within(text)
    expect(text).toMatch(/^12D3…Jabc\/h100-sxm \*\s+NVIDIA H100 …\s+128\/128\s+80 GiB\s+12\.5 USD\s+cn-east-1$/m)
    expect(text).toMatch(/^12D3…Xyz1\/h100-sxm\s+NVIDIA/m)
    expect(text.split('\n').at(-1)).toBe(`${LOCAL_MARK} this node's own offer: lease request --filter passes it over`)
    expect(renderOffers([offer(OTHER, false)])).not.toContain(LOCAL_MARK)
  })

  it('testnet up and status: PeerIds short, RPC URLs whole', () => {
    const node = (name: string, role: 'provider' | 'consumer', peerId: string, port: number): TestnetStatus['nodes'][number] => ({
      name, role, peerId, rpcUrl: `http://127.0.0.1:${port}`, repo: `/tmp/testnet/${name}/repo`, log: `/tmp/testnet/${name}/daemon.log`,
      pid: 4_194_304, alive: true, peers: 10, pools: role === 'provider' ? ['h100-sxm', 'a100-pcie', 'l40s', 'rtx-4090-spot'] : []
    })
    const status: TestnetStatus = {
      dir: '/tmp/testnet',
      status: 'up',
      createdAt: new Date(NOW).toISOString(),
      nodes: [node('provider-10', 'provider', PEER, 65_535), node('consumer-10', 'consumer', OTHER, 65_534)]
    }
    const up = renderUp(status, 3200)
    const table = up.split('\n\n')[1] as string
    within(table)
    expect(table).toMatch(/^provider-10\s+provider\s+12D3…Jabc\s+http:\/\/127\.0\.0\.1:65535\s+h100-sxm, /m)
    expect(renderUp(status, 3200, { wide: true })).toContain(PEER)
    const text = renderStatus(status)
    within(text)
    expect(text).toMatch(/^consumer-10\s+consumer\s+4194304\s+yes\s+10\s+12D3…Xyz1\s+http:\/\/127\.0\.0\.1:65534$/m)
    expect(renderStatus(status, { wide: true })).toContain(OTHER)
  })
})
