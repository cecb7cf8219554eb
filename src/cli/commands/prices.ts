import type { Command } from 'commander'
import { positiveInt, timeArg } from '../args.ts'
import { clientAction } from '../client-command.ts'
import { resolveApi } from '../connect.ts'
import type { GlobalOptions } from '../client-command.ts'
import { renderPrices } from '../price-table.ts'
import { resolveRepoPath } from '../../repo/layout.ts'
import type { PriceView } from '../../pricing/view.ts'
import type { HistoryPage } from '../../pricing/history.ts'

type CpiHistoryPage = HistoryPage & { cpi: string }

export function registerPrices (program: Command): void {
  const prices = program.command('prices').description('live prices (gossipsub) in this node\'s price book')
  prices.command('watch')
    .description('a live table of the prices that match a filter (docs/FILTERS.md), changes marked; one JSON object per change with --json or when not on a terminal; reconnects when the daemon restarts')
    .argument('[filter]', 'terms field<op>value separated by spaces; empty matches everything', '')
    .action(async (filter: string, _opts: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>()
      const controller = new AbortController()
      const stop = (): void => { controller.abort() }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
      const { watchPrices } = await import('../price-watch.ts')
      try {
        await watchPrices({
          // asked again on each reconnection: a restarted daemon may listen on another port
          endpoint: () => resolveApi({ repo: resolveRepoPath(globals.repo), api: globals.api }),
          filter,
          json: globals.json === true || process.stdout.isTTY !== true,
          out: process.stdout,
          signal: controller.signal,
          render: { wide: globals.wide === true }
        })
      } finally {
        process.off('SIGINT', stop)
        process.off('SIGTERM', stop)
      }
    })
  prices.command('latest')
    .description('the live prices that match a filter, cheapest first')
    .argument('[filter]', 'terms field<op>value separated by spaces; empty matches everything', '')
    .option('--limit <n>', 'at most this many', positiveInt)
    .action(clientAction(
      async (client, filter: string, opts: { limit?: number }) =>
        client.call<PriceView[]>('prices_latest', { filter, ...(opts.limit != null ? { limit: opts.limit } : {}) }),
      (views, render) => renderPrices(views, 'age', Date.now(), render)
    ))
  prices.command('history')
    .description('recorded price changes of one CPI, oldest first')
    .argument('<cpi>', 'cpi:<peerId>/<pool>')
    .option('--since <time>', 'unix ms, an ISO date, or how long ago: 10m, 1h30m, 2d', v => timeArg(v))
    .option('--until <time>', 'unix ms, an ISO date, or how long ago: 10m, 1h30m, 2d', v => timeArg(v))
    .option('--limit <n>', 'at most this many', positiveInt)
    .action(clientAction(
      async (client, cpi: string, opts: { since?: number, until?: number, limit?: number }) =>
        client.call<CpiHistoryPage>('prices_history', { cpi, ...opts }),
      (page, render) => renderPrices(page.updates, 'issued', Date.now(), render) + (page.more ? '\n(more: ask again with --since after the last one)' : '')
    ))
}
