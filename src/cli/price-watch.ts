/**
 * `cpnet prices watch`: a WebSocket to the daemon, a prices_subscribe with the
 * filter, then prices_latest for what is live already (subscribing first, so
 * nothing falls between the two; the table keeps the higher seq). On a
 * terminal the table is redrawn in place, at most every REDRAW_MS and every
 * second for the ages; otherwise (or with --json) every change is one JSON
 * object per line. Ends cleanly when `signal` aborts (Ctrl-C); a daemon that
 * goes away is an error.
 */
import { RpcClientError } from '../rpc/client.ts'
import { WsRpcClient } from '../rpc/ws-client.ts'
import { PRICES_NOTIFICATION, type PriceNotification } from '../pricing/subscriptions.ts'
import type { PriceView } from '../pricing/view.ts'
import { PRICES_MAX_LIMIT } from '../pricing/constants.ts'
import type { ApiEndpoint } from './connect.ts'
import { LivePrices, renderPrices } from './price-table.ts'

const REDRAW_MS = 100
const TICK_MS = 1_000
/** prices_latest's own maximum: everything live that matches. */

export interface WatchInit {
  endpoint: ApiEndpoint
  filter: string
  /** One JSON object per line instead of a table redrawn in place. */
  json: boolean
  out: NodeJS.WritableStream
  signal: AbortSignal
}

interface SubscriptionParams {
  subscription: string
  result: PriceNotification
}

export async function watchPrices (init: WatchInit): Promise<void> {
  const client = await WsRpcClient.connect(init.endpoint)
  const table = new LivePrices()
  const screen = new Screen(init.out)
  let subscription: string | undefined
  const show = (update: PriceNotification): void => {
    if (!table.apply(update)) return
    if (init.json) init.out.write(JSON.stringify(update) + '\n')
    else screen.schedule(() => frame(init.filter, table.list()))
  }
  // the daemon sends the subscribe response before any notification for it
  client.on(PRICES_NOTIFICATION, params => {
    const { subscription: id, result } = params as SubscriptionParams
    if (id === subscription) show(result)
  })
  const aborted = new Promise<void>(resolve => {
    if (init.signal.aborted) resolve()
    init.signal.addEventListener('abort', () => { resolve() }, { once: true })
  })
  const ticker = init.json ? undefined : setInterval(() => { screen.schedule(() => frame(init.filter, table.list())) }, TICK_MS)
  try {
    subscription = await client.call<string>('prices_subscribe', { filter: init.filter })
    const live = await client.call<PriceView[]>('prices_latest', { filter: init.filter, limit: PRICES_MAX_LIMIT })
    for (const view of live) show({ ...view, matches: true })
    if (!init.json) screen.schedule(() => frame(init.filter, table.list()))
    const ended = await Promise.race([aborted.then(() => undefined), client.closed])
    if (ended != null) throw new RpcClientError(-32005, `the daemon closed the connection (${ended.code}${ended.reason !== '' ? ` ${ended.reason}` : ''})`)
  } finally {
    clearInterval(ticker)
    screen.flush()
    client.close()
  }
}

function frame (filter: string, views: PriceView[]): string {
  const stamp = new Date().toISOString().slice(11, 19)
  return `prices${filter !== '' ? ` matching "${filter}"` : ''}: ${views.length} live, ${stamp} (Ctrl-C to stop)\n${renderPrices(views)}`
}

/** A block of text redrawn in place on a terminal: the cursor goes back up over the last one and clears it. */
class Screen {
  private readonly out: NodeJS.WritableStream
  private lines = 0
  private pending?: () => string
  private timer?: NodeJS.Timeout

  constructor (out: NodeJS.WritableStream) {
    this.out = out
  }

  /** Draws `render()` within REDRAW_MS; later calls before then replace it. */
  schedule (render: () => string): void {
    this.pending = render
    this.timer ??= setTimeout(() => { this.flush() }, REDRAW_MS)
  }

  flush (): void {
    clearTimeout(this.timer)
    this.timer = undefined
    const render = this.pending
    this.pending = undefined
    if (render == null) return
    // a line wider than the terminal would wrap, and the cursor would go back up too few rows
    const width = (this.out as { columns?: number }).columns
    const lines = render().split('\n').map(line => width != null && line.length >= width ? line.slice(0, width - 1) : line)
    // ESC[nF: up n lines to column 1; ESC[0J: clear to the end of the screen
    this.out.write((this.lines > 0 ? `\x1b[${this.lines}F\x1b[0J` : '') + lines.join('\n') + '\n')
    this.lines = lines.length
  }
}
