/**
 * `npm run demo`: the whole story on a fresh testnet of real daemon processes,
 * each step timed: start, search, watch a price change, lease, log in over
 * SSH and run a command on the leased GPUs, release, stop.
 * It talks to the nodes only through their JSON-RPC APIs, as any client would.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { RpcClient } from '../rpc/client.ts'
import { WsRpcClient } from '../rpc/ws-client.ts'
import { readTokenFile } from '../repo/token.ts'
import { repoLayout } from '../repo/layout.ts'
import type { OfferView } from '../discovery/view.ts'
import type { LeaseView } from '../lease/view.ts'
import type { PriceView } from '../pricing/view.ts'
import { formatPrice } from '../units/price.ts'
import { sshAccessOf } from '../provision/ssh-client.ts'
import type { SshAccess } from '../provision/types.ts'
import { startDemoSsh } from './demo-ssh.ts'
import { down } from './down.ts'
import type { NodeRecord } from './state.ts'
import { up } from './up.ts'
import { waitFor } from './wait.ts'

export interface DemoOptions {
  /** Where the testnet lives; a new temp directory (removed at the end) when absent. */
  dir?: string
  print: (line: string) => void
  /** Renders offers as the CLI does. */
  renderOffers: (offers: OfferView[]) => string
}

const STEPS = 7
/** What the consumer runs on its lease: who it is there and which GPUs its environment pins. */
const SSH_SCRIPT = 'echo "$(id -un) sees GPUs $CUDA_VISIBLE_DEVICES"'
const SSH_COMMAND = ['sh', '-c', SSH_SCRIPT]
const DEMO_FILTER = 'gpu_mem>=40'
const WATCHED = 'model=l40s'

function client (node: NodeRecord): RpcClient {
  return new RpcClient({ url: node.rpcUrl as string, token: readTokenFile(repoLayout(node.repo).token) })
}

export async function runDemo (options: DemoOptions): Promise<void> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'cpnet-demo-'))
  const { print } = options
  let n = 0
  const step = async <T>(title: string, work: () => Promise<T>, report: (result: T) => string[]): Promise<T> => {
    n++
    print(`[${n}/${STEPS}] ${title}`)
    const started = performance.now()
    const result = await work()
    const ms = Math.round(performance.now() - started)
    for (const line of report(result)) print(`      ${line}`)
    print(`      (${ms} ms)`)
    return result
  }

  const ssh = await startDemoSsh()
  const delivery = 'missing' in ssh ? undefined : ssh
  try {
    const state = await step('Start a testnet: 4 providers, 2 consumers, real daemon processes', async () =>
      up({ dir, providers: 4, consumers: 2, ssh: delivery?.settings }), s => [
      ...s.nodes.map(x => `${x.name.padEnd(11)} ${x.peerId ?? ''}`),
      delivery != null ? `providers hand leases over as Unix accounts behind sshd on 127.0.0.1:${delivery.settings.port}` : `no SSH login in this demo: ${'missing' in ssh ? ssh.missing : ''}`
    ])
    const node = (name: string): NodeRecord => state.nodes.find(x => x.name === name) as NodeRecord
    const consumer1 = client(node('consumer-1'))

    await step(`Search from consumer-1: "${DEMO_FILTER}", until every provider's offers are in`, async () => {
      let offers: OfferView[] = []
      await waitFor('offers from all four providers', async () => {
        offers = (await consumer1.call<{ offers: OfferView[] }>('offers_search', { filter: DEMO_FILTER, cache: false })).offers
        return new Set(offers.map(o => o.provider)).size >= 4
      }, 30_000, 100)
      return offers
    }, offers => options.renderOffers(offers).split('\n'))

    const provider = node('provider-4')
    await step('Watch L40S prices on consumer-2; provider-4 lowers its L40S price', async () => {
      const watcher = await WsRpcClient.connect({ url: node('consumer-2').rpcUrl as string })
      try {
        const pools = await client(provider).call<Array<{ name: string, price: { microsPerGpuHour: number, currency: string } }>>('provider_pools')
        const before = pools.find(p => p.name === 'l40s')?.price ?? { microsPerGpuHour: 0, currency: 'CNY' }
        // the price as provider_setPrice takes it: the pool's view adds its decimal text, which params refuse
        const after = { microsPerGpuHour: Math.round(before.microsPerGpuHour * 0.85), currency: before.currency }
        let seen: PriceView | undefined
        watcher.on('prices_subscription', params => {
          const update = (params as { result: PriceView }).result
          if (update.provider === provider.peerId && update.price.microsPerGpuHour === after.microsPerGpuHour) seen ??= update
        })
        await watcher.call('prices_subscribe', { filter: WATCHED })
        const sent = performance.now()
        await client(provider).call('provider_setPrice', { pool: 'l40s', price: after })
        await waitFor('consumer-2 to see the new price', () => seen != null, 10_000, 5)
        return { before, after, ms: Math.round(performance.now() - sent), update: seen as PriceView }
      } finally {
        watcher.close()
      }
    }, r => [
      `${r.update.cpi}`,
      `${formatPrice(r.before.microsPerGpuHour, r.before.currency)} → ${formatPrice(r.after.microsPerGpuHour, r.after.currency)} (seq ${r.update.seq}), seen by consumer-2 ${r.ms} ms after it was set`
    ])

    const lease = await step(`consumer-1 leases 2 GPUs from the cheapest "${WATCHED}" offer`, async () => {
      const { lease } = await consumer1.call<{ lease: LeaseView }>('lease_request', {
        filter: WATCHED, gpus: 2, durationSec: 1800, maxPrice: { microsPerGpuHour: 7_000_000, currency: 'CNY' },
        ...(delivery != null ? { access: { sshKeys: [delivery.publicKey] } } : {})
      })
      const granted = state.nodes.find(x => x.peerId === lease.provider) as NodeRecord
      const theirs = await client(granted).call<LeaseView>('lease_get', { leaseId: lease.leaseId })
      return { lease, same: JSON.stringify(theirs.signed) === JSON.stringify(lease.signed), by: granted.name }
    }, r => [
      `lease ${r.lease.leaseId}: ${r.lease.gpus} GPUs of ${r.lease.cpi}${r.lease.devices != null ? `, devices ${r.lease.devices.map(d => d.index).join(', ')}` : ''}`,
      `at ${r.lease.price != null ? formatPrice(r.lease.price.microsPerGpuHour, r.lease.price.currency) : '-'} until ${new Date(r.lease.end ?? 0).toISOString()}`,
      `co-signed; ${r.by} holds the same bytes: ${r.same ? 'yes' : 'NO'}`
    ])

    const login = delivery == null
      ? undefined
      : ((access: SshAccess) => ({ access, run: async (argv: string[]) => delivery.run(access, argv) }))(sshAccessOf(lease.lease.leaseId, lease.lease.status, lease.lease.access))
    await step('consumer-1 logs into its lease over SSH and runs a command on the leased GPUs', async () => {
      if (login == null) return undefined
      return { access: login.access, said: (await login.run(SSH_COMMAND)).trim() }
    }, r => r == null
      ? ['skipped: the demo cannot run sshd here']
      : [
          `cpnet lease ssh ${lease.lease.leaseId.slice(0, 8)} -- sh -c '${SSH_SCRIPT}'   (${r.access.user}@${r.access.host}:${r.access.port}, host keys pinned)`,
          r.said
        ])

    await step('consumer-1 releases the lease', async () => {
      const released = await consumer1.call<LeaseView>('lease_release', { leaseId: lease.lease.leaseId })
      // the provider takes the account down as the lease ends: a login is refused from then on
      const refused = login == null
        ? undefined
        : await waitFor('the lease\'s login to be refused', async () => login.run(['true']).then(() => false, () => true), 20_000, 200).then(() => true)
      return { released, refused }
    }, r => [
      `lease ${r.released.leaseId}: ${r.released.status}; the provider's GPUs are free again`,
      ...(r.refused === true ? ['a login to it is refused now: the provider took its account down'] : [])
    ])

    await step('Stop the testnet', async () => down(dir), r => [`stopped ${r.stopped.length} nodes; nothing left running`])
  } catch (err) {
    await down(dir).catch(() => {})
    throw err
  } finally {
    await delivery?.stop()
    if (options.dir == null) rmSync(dir, { recursive: true, force: true })
  }
}
