import type { Command } from 'commander'
import { clientAction, type GlobalOptions } from '../client-command.ts'
import { clientFor } from '../connect.ts'
import { chooseSshKeys, DEFAULT_SSH_KEY_FILE, runSsh } from '../lease-ssh.ts'
import { pinHostKeys, sshAccessOf, sshArgs } from '../../provision/ssh-client.ts'
import { repoLayout, resolveRepoPath } from '../../repo/layout.ts'
import { CPI_MIN_WIDTH, deviceLabel, formatFields, formatTable, shortCpi, tableOptions, type Cell, type RenderOptions } from '../output.ts'
import { durationSec, formatTableTimeFrom, formatTime, positiveInt } from '../args.ts'
import { priceText, settleCurrency } from '../price-arg.ts'
import { formatAmount, formatPrice, type PriceText } from '../../units/price.ts'
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

const ROLE_HEADINGS: Record<LeaseView['role'], string> = { consumer: 'As consumer:', provider: 'As provider:' }
const LEASE_HEADERS = ['LEASE', 'STATUS', 'GPUS', 'PRICE/GPU-H', 'END', 'DUE', 'CPI']
/** Of LEASE_HEADERS, the one column a line too long may cut, in its pool. */
const CUT_LEASE_COLUMNS = { 6: CPI_MIN_WIDTH }

/**
 * The leases by role, one table each (the role is the heading, not a column),
 * so that a line fits 80 columns with every number, amount, status and time
 * whole: lease ids short, the end as a time from now (`in 29m10s`, `3m2s ago`;
 * the date and time with --wide), the GPU-hours left to `lease show`; only a
 * long CPI's pool is cut.
 */
export function renderLeases (leases: LeaseView[], render: RenderOptions = {}, now = Date.now()): string {
  if (leases.length === 0) return 'no leases'
  const row = (l: LeaseView): Cell[] => [
    render.wide === true ? l.leaseId : l.leaseId.slice(0, SHORT_LEASE_ID_CHARS),
    l.status,
    l.gpus,
    l.price != null ? formatAmount(l.price.microsPerGpuHour, l.price.currency) : undefined,
    // an ended lease shows when it ended, a running one its agreed end
    formatTableTimeFrom(l.endedAt ?? l.end, now, render.wide),
    amountText(l),
    shortCpi(l.cpi, render)
  ]
  return (['consumer', 'provider'] as const)
    .map(role => ({ role, mine: leases.filter(l => l.role === role) }))
    .filter(({ mine }) => mine.length > 0)
    .map(({ role, mine }) => `${ROLE_HEADINGS[role]}\n${formatTable(LEASE_HEADERS, mine.map(row), tableOptions(render, CUT_LEASE_COLUMNS))}`)
    .join('\n\n')
}

function renderLease (l: LeaseView): string {
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
    ...accessFields(l),
    ...(l.error != null ? [['Error', l.error] as [string, string]] : [])
  ])
}

/** SSH access as a person reads it (where to log in, the host keys pinned, how long it lasts); any other access as its JSON. */
function accessFields (l: LeaseView, now = Date.now()): Array<[string, Cell]> {
  const fields: Array<[string, Cell]> = []
  if (l.devices != null && l.devices.length > 0) fields.push(['Devices', l.devices.map(deviceLabel).join(', ')])
  if (l.provisioning != null) {
    const missing = l.provisioning.missingDevices != null ? `; devices gone: ${l.provisioning.missingDevices.join(', ')}` : ''
    fields.push(['Provisioning', `${l.provisioning.provisioner}: ${l.provisioning.state}${l.provisioning.error != null ? ` (${l.provisioning.error})` : ''}${missing}`])
  }
  const a = l.access
  if (a == null) return fields
  if (a.kind === 'ssh' && typeof a.host === 'string' && typeof a.expiresAt === 'number') {
    const left = l.status === 'active' ? ` (${formatTableTimeFrom(a.expiresAt, now)})` : ''
    fields.push(
      ['Access', `ssh ${String(a.user)}@${a.host} -p ${String(a.port)}  (cpnet lease ssh ${l.leaseId.slice(0, SHORT_LEASE_ID_CHARS)})`],
      ['Host keys', Array.isArray(a.fingerprints) ? a.fingerprints.join(' ') : undefined],
      ['Access ends', `${formatTime(a.expiresAt)}${left}`]
    )
  } else {
    fields.push(['Access', JSON.stringify(a)])
  }
  return fields
}

interface RequestOptions {
  cpi?: string
  filter?: string
  gpus: number
  duration: number
  maxPrice: PriceText
  bid?: PriceText
  currency?: string
  sshKey: string[]
  image?: string
}

export function registerLease (program: Command): void {
  const lease = program.command('lease').description('negotiate and manage leases')
  lease.command('request')
    .description('lease GPUs from a provider, by CPI or from the cheapest offer matching a filter')
    .option('--cpi <cpi>', 'cpi:<peerId>/<pool>')
    .option('--filter <filter>', 'an offers filter, e.g. "model=h100 region=cn-east-1"')
    .requiredOption('--gpus <n>', 'GPUs to lease', positiveInt)
    .requiredOption('--duration <time>', 'how long: 90s, 30m, 1h30m, 1d (a bare number is seconds)', v => durationSec(v))
    .requiredOption('--max-price <price>', 'the most you pay per GPU-hour, e.g. 2.5 or "2.5 USD"', priceText)
    .option('--bid <price>', 'counter-offer with this price first', priceText)
    .option('--currency <code>', 'currency when a price names none (default USD)')
    .option('--ssh-key <file>', `an SSH public key that may log in (repeat for more; default ${DEFAULT_SSH_KEY_FILE} when it exists)`, (v: string, all: string[]) => [...all, v], [])
    .option('--image <image>', 'container pools: the image to run, one the pool allows (default its first)')
    .action(clientAction(
      async (client, o: RequestOptions) => {
        const maxPrice = settleCurrency(o.maxPrice, o.currency)
        const { keys, files } = chooseSshKeys(o.sshKey)
        // said on stderr, so that --json output keeps its shape
        if (files.length > 0 && o.sshKey.length === 0) process.stderr.write(`using the SSH key ${files.join(', ')}\n`)
        const access = keys.length > 0 || o.image != null ? { access: { ...(keys.length > 0 ? { sshKeys: keys } : {}), ...(o.image != null ? { image: o.image } : {}) } } : {}
        return client.call<Requested>('lease_request', {
          ...access,
          ...(o.cpi != null ? { cpi: o.cpi } : {}),
          ...(o.filter != null ? { filter: o.filter } : {}),
          gpus: o.gpus,
          durationSec: o.duration,
          maxPrice,
          ...(o.bid != null ? { bidMicrosPerGpuHour: o.bid.microsPerGpuHour } : {})
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
  lease.command('ssh')
    .description('log into a lease over SSH, its host keys pinned; with a command after --, run it there and exit with its code')
    .argument('<leaseId>', 'the id, or its start as lease list shows it')
    .argument('[command...]', 'what to run there (each argument arrives as given); a login shell without one')
    .option('-i, --identity <file>', 'the private key to log in with (default: ssh\'s own choice)')
    .action(async (leaseId: string, command: string[], o: { identity?: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>()
      const repo = resolveRepoPath(globals.repo)
      const client = clientFor({ repo, api: globals.api })
      const lease = await client.call<LeaseView>('lease_get', { leaseId: await resolveLeaseId(client, leaseId) })
      const access = sshAccessOf(lease.leaseId, lease.status, lease.access)
      const knownHosts = repoLayout(repo).knownHosts
      pinHostKeys(knownHosts, access)
      process.exitCode = await runSsh(sshArgs({ access, knownHosts, identity: o.identity, command }))
    })
  lease.command('release')
    .description('end a lease now')
    .argument('<leaseId>', 'the id, or its start as lease list shows it')
    .action(clientAction(async (client, leaseId: string) => client.call<LeaseView>('lease_release', { leaseId: await resolveLeaseId(client, leaseId) }), renderLease))
}
