/**
 * The fixed inputs the vectors are made from besides the keys: one pool, the
 * provider's addresses and the moments things happen. The times are unix ms
 * from 2026-01-01T00:00:00Z; verifiers of the vectors must check validity
 * against these, not the clock.
 */
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { resourceClass } from '../../src/inventory/classes.ts'
import { numberedDevices } from '../../src/inventory/devices.ts'
import type { Pool } from '../../src/inventory/pool.ts'

/** When the offer is signed: 2026-01-01T00:00:00.000Z. */
export const OFFER_AT_MS = 1_767_225_600_000
/** An offer lives an hour (the default profile re-publishes well within it). */
export const OFFER_TTL_MS = 3_600_000

/** The price update goes out 5 s after the offer, with the next seq of the same counter. */
export const PRICE_AT_MS = OFFER_AT_MS + 5_000
/** Three heartbeats of 10 s. */
export const PRICE_TTL_MS = 30_000

/** The consumer asks for a lease a minute after the offer. */
export const REQUEST_AT_MS = OFFER_AT_MS + 60_000

const VENDOR = 'nvidia'
const MODEL = 'NVIDIA H100 80GB HBM3'

export const POOL: Pool = {
  name: 'h100',
  source: 'config',
  vendor: VENDOR,
  model: MODEL,
  class: resourceClass(VENDOR, MODEL),
  gpus: 8,
  devices: numberedDevices(8),
  provisioner: 'hook',
  images: [],
  gpuMemoryMib: 81_559,
  interconnect: 'nvlink',
  cpuCores: 96,
  ramGib: 1_024,
  diskGib: 7_680,
  bandwidthMbps: 25_000,
  region: 'cn-east-1',
  labels: ['spot', 'tier:gold'],
  price: { microsPerGpuHour: 2_500_000, currency: 'USD' },
  floorMicrosPerGpuHour: 2_000_000,
  minLeaseSec: 600,
  maxLeaseSec: 86_400
}

/** Documentation addresses (RFC 5737, RFC 3849). */
export const ADDRS: Multiaddr[] = [multiaddr('/ip4/203.0.113.7/tcp/4001'), multiaddr('/ip6/2001:db8::7/tcp/4001')]
