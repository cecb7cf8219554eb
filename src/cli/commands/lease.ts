import type { Command } from 'commander'
import { clientAction } from '../client-command.ts'
import { formatCpi, formatFields, formatTable, tableOptions, type Cell, type RenderOptions } from '../output.ts'
import { durationSec, formatTableTime, formatTime } from '../args.ts'
import { priceArg } from '../price-arg.ts'
import { formatAmount, formatPrice } from '../../units/price.ts'
import type { LeaseView } from '../../lease/view.ts'
import type { RpcClient } from '../../rpc/client.ts'

interface Requested { lease: LeaseView, refusals: Array<{ cpi: string, reason: string }> }

function amountText (l: LeaseView): string | undefined {
  return l.amountDue != null ? formatAmount(l.amountDue.micros, l.amountDue.currency) : undefined
}

/** A lease id in a table: its first characters, as git shows commits; `lease show`, `renew` and `release` take it (resolveLeaseId). */
const SHORT_LEASE_ID_CHARS = 8
const LEASE_ID = /^[0-9a-f]{32}$/
const LEASE_ID_PREFIX = /^[0-9a-f]{4,31}$/

/**
 * The full id of a lease this node holds from the start of its id, as the
 * tables show it. A full id, or text that is no id at all, goes to the
 * daemon as it is (the daemon names what is wrong with it).
 */
async function resolveLeaseId (client: RpcClient, id: string): Promise<string> {
  if (LEASE_ID.test(id) || !LEASE_ID_PREFIX.test(id)) return id
  const matches = (await client.call<LeaseView[]>('lease_list', {})).map(l => l.leaseId).filter(l => l.startsWith(id))
  if (matches.length === 1) return matches[0] as string
  if (matches.length === 0) throw new Error(`no lease on this node has an id starting with ${id}`)
  throw new Error(`more than one lease has an id starting with ${id}: ${matches.join(', ')}; give more of it`)
}

/** Short lease ids and CPIs unless --wide, so that a line fits 80 columns; the CPI is cut first when one is still too long. */
export function renderLeases (leases: LeaseView[], render: RenderOptions = {}): string {
  return leases.length === 0
    ? 'no leases'
    : formatTable(['LEASE', 'ROLE', 'STATUS', 'GPUS', 'PRICE/GPU-H', 'END', 'GPU-H', 'DUE', 'CPI'], leases.map(l => [
      render.wide === true ? l.leaseId : l.leaseId.slice(0, SHORT_LEASE_ID_CHARS), l.role, l.status, l.gpus,
      l.price != null ? formatAmount(l.price.microsPerGpuHour, l.price.currency) : undefined,
      // an ended lease shows when it ended, a running one its agreed end
      formatTableTime(l.endedAt ?? l.end, render.wide), l.gpuHours, amountText(l), formatCpi(l.cpi, render)
    ]), tableOptions(render, [0]))
}

export function renderLease (l: LeaseView): string {
  return formatFields([
    ['Lease', l.leaseId],
    ['Role', l.role],
    ['Status', l.status],
    ['CPI', l.cpi],
    ['Provider', l.provider],
    ['Consumer', l.consumer],
    ['GPUs', l.gpus],
    ['Price', l.price != null ? formatPrice(l.price.microsPerGpuHour, l.price.currency) : undefined],
    ['Starts', formatTime(l.start)],
    ['Ends', formatTime(l.end)],
    ...(l.endedAt != null
      ? [
          ['Ended', `${formatTime(l.endedAt)} (${l.endReason ?? l.status})`],
          ['GPU-hours', l.gpuHours],
          ['Amount due', amountText(l)]
        ] as Array<[string, Cell]>
      : []),
    ['Version', l.version],
    ['Access', l.access != null ? JSON.stringify(l.access) : undefined],
    ...(l.error != null ? [['Error', l.error] as [string, string]] : [])
  ])
}

interface RequestOptions {
  cpi?: string
  filter?: string
  gpus: string
  duration: number
  maxPrice: string
  bid?: string
  currency?: string
}

export function registerLease (program: Command): void {
  const lease = program.command('lease').description('negotiate and manage leases')
  lease.command('request')
    .description('lease GPUs from a provider, by CPI or from the cheapest offer matching a filter')
    .option('--cpi <cpi>', 'cpi:<peerId>/<pool>')
    .option('--filter <filter>', 'an offers filter, e.g. "model=h100 region=cn-east-1"')
    .requiredOption('--gpus <n>', 'GPUs to lease')
    .requiredOption('--duration <time>', 'how long: 90s, 30m, 1h30m, 1d (a bare number is seconds)', v => durationSec(v))
    .requiredOption('--max-price <price>', 'the most you pay per GPU-hour, e.g. 2.5 or "2.5 USD"')
    .option('--bid <price>', 'counter-offer with this price first')
    .option('--currency <code>', 'currency when a price names none (default USD)')
    .action(clientAction(
      async (client, o: RequestOptions) => {
        const maxPrice = priceArg(o.maxPrice, o.currency)
        return client.call<Requested>('lease_request', {
          ...(o.cpi != null ? { cpi: o.cpi } : {}),
          ...(o.filter != null ? { filter: o.filter } : {}),
          gpus: Number(o.gpus),
          durationSec: o.duration,
          maxPrice,
          ...(o.bid != null ? { bidMicrosPerGpuHour: priceArg(o.bid, maxPrice.currency).microsPerGpuHour } : {})
        })
      },
      r => [...r.refusals.map(x => `refused by ${x.cpi}: ${x.reason}`), renderLease(r.lease)].join('\n')
    ))
  lease.command('list')
    .description('leases this node holds, as consumer and as provider')
    .option('--active', 'only leases that hold GPUs now')
    .action(clientAction(
      async (client, o: { active?: boolean }) => client.call<LeaseView[]>('lease_list', { activeOnly: o.active === true }),
      renderLeases
    ))
  lease.command('show')
    .description('one lease in full')
    .argument('<leaseId>', 'the id, or its start as lease list shows it')
    .action(clientAction(async (client, leaseId: string) => client.call<LeaseView>('lease_get', { leaseId: await resolveLeaseId(client, leaseId) }), renderLease))
  lease.command('renew')
    .description('extend a lease; both peers sign the new version')
    .argument('<leaseId>', 'the id, or its start as lease list shows it')
    .requiredOption('--extend <time>', 'time added to the end: 90s, 30m, 1h30m, 1d (a bare number is seconds)', v => durationSec(v))
    .action(clientAction(
      async (client, leaseId: string, o: { extend: number }) => client.call<LeaseView>('lease_renew', { leaseId: await resolveLeaseId(client, leaseId), extendSec: o.extend }),
      renderLease
    ))
  lease.command('release')
    .description('end a lease now')
    .argument('<leaseId>', 'the id, or its start as lease list shows it')
    .action(clientAction(async (client, leaseId: string) => client.call<LeaseView>('lease_release', { leaseId: await resolveLeaseId(client, leaseId) }), renderLease))
}
