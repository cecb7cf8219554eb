import type { Command } from 'commander'
import { count, gpuMemoryMib, positiveInt } from '../args.ts'
import { clientAction } from '../client-command.ts'
import { deviceLabel, formatTable, tableOptions, TEXT_MIN_WIDTH, type RenderOptions } from '../output.ts'
import { priceText, settleCurrency } from '../price-arg.ts'
import { formatAmount, formatPrice, type PriceText } from '../../units/price.ts'
import type { PoolView } from '../../rpc/methods/provider/pool-view.ts'
import type { NodeHealth } from '../../rpc/methods/node/health.ts'
import type { PoolSpec } from '../../config/pool-schema.ts'
import type { LeaseView } from '../../lease/view.ts'
import type { PoolUsage } from '../../ledger/types.ts'
import { renderLeases } from './lease.ts'

import type { RpcClient } from '../../rpc/client.ts'

interface ProviderLeases { leases: LeaseView[], pools: PoolUsage[] }

/**
 * Every CPI of this table is this node's PeerId and the pool's name, so the
 * column is left out to fit 80 columns (--wide and --json show it); only the
 * model is cut. OFFER: whether a signed offer for the pool is served.
 */
function renderPools (pools: PoolView[], render: RenderOptions = {}): string {
  if (pools.length === 0) return 'no pools (this node is a pure consumer)'
  const wide = render.wide === true
  return formatTable(['NAME', 'SOURCE', 'MODEL', 'FREE/TOTAL', 'PRICE/GPU-H', 'FLOOR', 'REGION', 'OFFER', ...(wide ? ['CPI'] : [])], pools.map(p => [
    p.name, p.slurm != null ? `slurm ${p.slurm.partition}` : p.source, p.model, `${p.availableGpus}/${p.gpus}`, formatAmount(p.price.microsPerGpuHour, p.price.currency),
    // the floor is in the price's currency
    p.floorPerGpuHour, p.region, p.offered ? 'yes' : 'no', ...(wide ? [p.cpi] : [])
  ]), tableOptions(render, { 2: TEXT_MIN_WIDTH }))
}

/**
 * provider_setPrice from "2.5", "2.5 USD" or "2.5" "USD". Without a currency
 * the pool keeps its own: a price typed as a bare number is in the unit the
 * pool is already sold in, never silently switched to another.
 */
async function setPrice (client: RpcClient, pool: string, price: PriceText, currency?: string): Promise<PoolView> {
  if (price.currency != null && currency != null && price.currency !== currency.toUpperCase()) {
    throw new Error(`two currencies: ${price.currency} in the price and ${currency.toUpperCase()} after it`)
  }
  const unit = price.currency ?? currency?.toUpperCase() ?? (await client.call<PoolView[]>('provider_pools')).find(p => p.name === pool)?.price.currency
  // an unknown pool is the daemon's to report (-32002 naming it)
  return client.call<PoolView>('provider_setPrice', { pool, price: { microsPerGpuHour: price.microsPerGpuHour, currency: unit ?? 'USD' } })
}

/** The options as their parsers left them; the daemon checks the ranges (its -32602 names the field). */
interface AddOptions {
  model: string
  gpus?: number
  /** MiB, from gpuMemoryMib. */
  gpuMemory: number
  vendor?: string
  interconnect?: string
  region?: string
  label?: string[]
  price?: PriceText
  floor?: PriceText
  currency?: string
  cpuCores?: number
  ram?: number
  disk?: number
  bandwidth?: number
  provisioner?: string
  image?: string[]
  partition?: string
  gresType?: string
  feature?: string
  account?: string
}

function specFromOptions (name: string, o: AddOptions): Record<string, unknown> {
  const spec: Partial<Record<keyof PoolSpec, unknown>> = {
    name,
    model: o.model,
    gpus: o.gpus,
    gpuMemoryMib: o.gpuMemory,
    vendor: o.vendor,
    interconnect: o.interconnect,
    region: o.region,
    labels: o.label,
    cpuCores: o.cpuCores,
    ramGib: o.ram,
    diskGib: o.disk,
    bandwidthMbps: o.bandwidth,
    provisioner: o.provisioner,
    images: o.image,
    slurm: o.partition == null
      ? undefined
      : Object.fromEntries(Object.entries({ partition: o.partition, gresType: o.gresType, feature: o.feature, account: o.account }).filter(([, v]) => v !== undefined))
  }
  if (o.price != null) spec.price = settleCurrency(o.price, o.currency)
  // the floor is in the price's currency
  if (o.floor != null) spec.floorMicrosPerGpuHour = o.floor.microsPerGpuHour
  return Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined))
}

/**
 * Each lease's devices and where its access stands, below the lease table
 * (which has no room left in 80 columns): `3f2a9c01  1,3  ssh  provisioned`.
 */
function renderDelivery (leases: LeaseView[], render: RenderOptions): string[] {
  const delivered = leases.filter(l => l.devices != null || l.provisioning != null)
  if (delivered.length === 0) return []
  const rows = delivered.map(l => [
    render.wide === true ? l.leaseId : l.leaseId.slice(0, 8),
    (l.devices ?? []).map(d => d.node != null ? deviceLabel(d) : String(d.index)).join(',') || '-',
    l.provisioning?.provisioner,
    l.provisioning == null
      ? undefined
      : l.provisioning.state + (l.provisioning.missingDevices != null ? ` (devices gone: ${l.provisioning.missingDevices.join(',')})` : '')
  ])
  return ['', 'Devices and access:', formatTable(['LEASE', 'DEVICES', 'PROVISIONER', 'STATE'], rows, tableOptions(render))]
}

export function registerProvider (program: Command): void {
  const provider = program.command('provider').description('the pools this node offers')
  provider.command('pools')
    .description('list pools: detected, declared in config, added here')
    .action(clientAction(async client => {
      const [pools, health] = await Promise.all([client.call<PoolView[]>('provider_pools'), client.call<NodeHealth>('node_health')])
      // on stderr, so that the list on stdout keeps its shape: the pools an nvidia-smi that failed did not find are missing
      for (const r of health.reasons.filter(r => r.code === 'GPU_DETECTION_FAILED')) process.stderr.write(`cpnet: warning: ${r.message}\n`)
      return pools
    }, renderPools))
  provider.command('add')
    .description('add (or replace) a pool; it persists and is offered at once')
    .argument('<name>', 'pool name: lower-case letters, digits and hyphens')
    .requiredOption('--model <model>', 'GPU model, e.g. "NVIDIA H100 80GB HBM3"')
    .option('--gpus <n>', 'GPUs in the pool (required, except with --partition: there it caps what is offered)', positiveInt)
    .requiredOption('--gpu-memory <GiB>', 'memory of one GPU in GiB (80), or with its unit (80GiB, 81559MiB)', v => gpuMemoryMib(v))
    .option('--vendor <vendor>', 'GPU vendor (default nvidia)')
    .option('--interconnect <kind>', 'pcie, nvlink, … (default pcie)')
    .option('--region <region>', 'e.g. cn-east-1 (default: provider.region)')
    .option('--label <label...>', 'labels a filter can ask for')
    .option('--price <price>', 'price per GPU-hour, e.g. 2.5 or "2.5 USD" (default: provider.price)', priceText)
    .option('--floor <price>', 'the lowest price per GPU-hour accepted in negotiation, in the price\'s currency (default: the price)', priceText)
    .option('--currency <code>', 'currency of --price (default USD)')
    .option('--cpu-cores <n>', 'CPU cores with the pool', count)
    .option('--ram <GiB>', 'RAM with the pool', count)
    .option('--disk <GiB>', 'disk with the pool', count)
    .option('--bandwidth <Mbps>', 'network bandwidth', count)
    .option('--provisioner <kind>', 'how leases are handed over: hook (lease.startHook, the default), ssh (an account behind sshd), container, or slurm (the default with --partition) (docs/PROVIDER.md)')
    .option('--image <image...>', 'container pools: the images consumers may run, the default first')
    .option('--partition <name>', 'a pool that fronts this Slurm partition: its GPUs come from Slurm, each lease is a job allocation')
    .option('--gres-type <type>', 'Slurm pools: only GPUs of this GRES type (gpu:<type>:N)')
    .option('--feature <feature>', 'Slurm pools: only nodes with this feature')
    .option('--account <account>', 'Slurm pools: the Slurm account leases are charged to')
    .action(clientAction(
      async (client, name: string, opts: AddOptions) => client.call<PoolView>('provider_addPool', specFromOptions(name, opts)),
      (pool, render) => `offering ${pool.cpi}\n${renderPools([pool], render)}`
    ))
  provider.command('leases')
    .description('leases this node granted, and what each pool has left')
    .option('--active', 'only leases that hold GPUs now')
    .action(clientAction(
      async (client, o: { active?: boolean }) => client.call<ProviderLeases>('provider_leases', { activeOnly: o.active === true }),
      (r, render) => [
        formatTable(['POOL', 'TOTAL', 'LEASED', 'HELD', 'FREE'], r.pools.map(p => [p.pool, p.total, p.leased, p.held, p.free]), tableOptions(render)),
        '',
        renderLeases(r.leases, render),
        ...renderDelivery(r.leases, render)
      ].join('\n')
    ))
  provider.command('set-price')
    .description('set a pool\'s price; it is published at once and kept across restarts')
    .argument('<pool>', 'pool name')
    .argument('<price>', 'per GPU-hour, e.g. 2.5 or "2.5 USD" (default currency: the pool\'s own)', priceText)
    .argument('[currency]', 'e.g. USD, when not part of <price>')
    .action(clientAction(
      async (client, pool: string, price: PriceText, currency: string | undefined) => setPrice(client, pool, price, currency),
      (p, render) => `${p.cpi} now at ${formatPrice(p.price.microsPerGpuHour, p.price.currency)}\n${renderPools([p], render)}`
    ))
  provider.command('remove')
    .description('remove a pool added with `provider add`; its offer is withdrawn')
    .argument('<name>', 'pool name')
    .action(clientAction(
      async (client, name: string) => client.call<{ removed: string }>('provider_removePool', { name }),
      r => `withdrawn ${r.removed}`
    ))
}
