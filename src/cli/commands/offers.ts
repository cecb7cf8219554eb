import type { Command } from 'commander'
import { durationMs, MIB_PER_GIB, positiveInt } from '../args.ts'
import { clientAction } from '../client-command.ts'
import { formatTable, shortCpi, tableOptions, TEXT_MIN_WIDTH, type RenderOptions } from '../output.ts'
import { formatAmount } from '../../units/price.ts'
import type { OfferView } from '../../discovery/view.ts'

interface SearchResult { offers: OfferView[], partial: boolean, missingProviders: number, fromCache: boolean }

/** After the CPI of one of this node's own offers (explained under the table): lease request --filter never picks it, a node does not lease from itself. */
export const LOCAL_MARK = '*'

/**
 * The table people read: CPI (short, never cut; this node's own marked
 * LOCAL_MARK), model (cut first), free/total GPUs, GPU memory, price, region.
 */
export function renderOffers (offers: OfferView[], partial = false, render: RenderOptions = {}, missingProviders = 0): string {
  const table = offers.length === 0
    ? 'no offers'
    : formatTable(['CPI', 'MODEL', 'FREE/TOTAL', 'GPU MEM', 'PRICE/GPU-H', 'REGION'], offers.map(o => [
      o.local === true ? `${shortCpi(o.cpi, render)} ${LOCAL_MARK}` : shortCpi(o.cpi, render),
      o.resource.model,
      `${o.resource.availableGpus}/${o.resource.totalGpus}`,
      `${Math.round(o.resource.gpuMemoryMib / MIB_PER_GIB)} GiB`,
      formatAmount(o.price.microsPerGpuHour, o.price.currency),
      o.region
    ]), tableOptions(render, { 1: TEXT_MIN_WIDTH })) +
      (offers.some(o => o.local === true) ? `\n${LOCAL_MARK} this node's own offer: lease request --filter passes it over` : '')
  if (!partial) return table
  const why = missingProviders > 0
    ? `${missingProviders} provider${missingProviders === 1 ? '' : 's'} known to this node did not answer`
    : 'the deadline passed before every provider answered'
  return `${table}\n(partial: ${why})`
}

export function registerOffers (program: Command): void {
  const offers = program.command('offers').description('find and inspect offers')
  offers.command('search')
    .description('search offers with a filter, e.g. "model=h100 gpus>=4 price<=2.5" (docs/FILTERS.md)')
    .argument('[filter]', 'terms field<op>value separated by spaces; empty matches everything', '')
    .option('--sort <key>', 'price, free or rtt', 'price')
    .option('--limit <n>', 'at most this many offers', positiveInt)
    .option('--timeout <time>', 'deadline: 500ms, 5s, 1m (a bare number is seconds)', v => durationMs(v))
    .option('--no-cache', 'ask the network even when the cache could answer')
    .action(clientAction(
      async (client, filter: string, opts: { sort: string, limit?: number, timeout?: number, cache: boolean }) =>
        client.call<SearchResult>('offers_search', {
          filter,
          sort: opts.sort,
          ...(opts.limit != null ? { limit: opts.limit } : {}),
          ...(opts.timeout != null ? { timeoutMs: opts.timeout } : {}),
          cache: opts.cache
        }),
      (r, render) => renderOffers(r.offers, r.partial, render, r.missingProviders)
    ))
  offers.command('get')
    .description('the current offer of one CPI')
    .argument('<cpi>', 'cpi:<peerId>/<pool>')
    .action(clientAction(
      async (client, cpi: string) => client.call<OfferView>('offers_get', { cpi }),
      (o, render) => renderOffers([o], false, render)
    ))
}
