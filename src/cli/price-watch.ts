/**
 * `cpnet prices watch`: a WebSocket to the daemon, a prices_subscribe with the
 * filter, then prices_latest for what is live already (subscribing first, so
 * nothing falls between the two; the table keeps the higher seq).
 *
 * On a terminal the table is redrawn in place, at most every REDRAW_MS and
 * every second for the ages; a price that changed is marked (▲/▼, the row in
 * reverse video) for HIGHLIGHT_MS; a resized terminal is cleared and the
 * table drawn again from the top (the old frame's lines may have wrapped, so
 * moving the cursor up over them would miss). Otherwise (or with --json) one
 * JSON object per line, and only when something a reader sees changed (price,
 * free or total GPUs, whether it matches): a republished price with a new seq
 * alone is no line.
 *
 * When the daemon goes away (a restart), the watch says so on stderr and
 * connects again, finding the daemon afresh (its port may have changed),
 * after RECONNECT_MIN_MS, doubling to RECONNECT_MAX_MS. Ends cleanly when
 * `signal` aborts (Ctrl-C). A daemon that cannot be reached at the start is
 * an error.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { RpcUnreachableError } from '../rpc/client.ts'
import { WsRpcClient } from '../rpc/ws-client.ts'
import { PRICES_NOTIFICATION, type PriceNotification } from '../pricing/subscriptions.ts'
import type { PriceView } from '../pricing/view.ts'
import { PRICES_MAX_LIMIT } from '../pricing/constants.ts'
import type { ApiEndpoint } from './connect.ts'
import type { RenderOptions } from './output.ts'
import { LivePrices, renderPrices, type PriceChange } from './price-table.ts'

const REDRAW_MS = 100
const TICK_MS = 1_000
/** How long a changed price stays marked in the table. */
const HIGHLIGHT_MS = 5_000
const RECONNECT_MIN_MS = 250
const RECONNECT_MAX_MS = 5_000

export interface WatchInit {
  /** Where the daemon is; asked again before each reconnection. */
  endpoint: ApiEndpoint | (() => ApiEndpoint)
  filter: string
  /** One JSON object per line instead of a table redrawn in place. */
  json: boolean
  out: NodeJS.WritableStream
  /** Where the reconnection notices go (stderr). */
  err?: NodeJS.WritableStream
  signal: AbortSignal
  render?: RenderOptions
}

interface SubscriptionParams {
  subscription: string
  result: PriceNotification
}

/** What a reader of the JSON lines sees change; seq and timestamps left out. */
function visible (u: PriceNotification): string {
  return [u.matches, u.price.microsPerGpuHour, u.price.currency, u.availableGpus, u.totalGpus, u.withdrawn].join()
}

export async function watchPrices (init: WatchInit): Promise<void> {
  const endpoint = typeof init.endpoint === 'function' ? init.endpoint : () => init.endpoint as ApiEndpoint
  const err = init.err ?? process.stderr
  const screen = new Screen(init.out)
  /** Last line written per CPI (JSON), so that a reconnection's snapshot repeats nothing. */
  const emitted = new Map<string, string>()
  /** Last price per CPI and when it changed, across reconnections, for the marks. */
  const changes = new Map<string, PriceChange>()
  const aborted = new Promise<void>(resolve => {
    if (init.signal.aborted) resolve()
    init.signal.addEventListener('abort', () => { resolve() }, { once: true })
  })
  const onResize = (): void => { screen.reset() }
  if (!init.json) init.out.on('resize', onResize)
  let client = await WsRpcClient.connect(endpoint())
  try {
    for (;;) {
      const ended = await session(client)
      if (ended == null) return
      err.write(`cpnet: the daemon closed the connection (${ended.code}${ended.reason !== '' ? ` ${ended.reason}` : ''}); reconnecting\n`)
      const next = await reconnect()
      if (next == null) return
      client = next
      err.write('cpnet: reconnected\n')
    }
  } finally {
    init.out.off('resize', onResize)
    screen.flush()
    client.close()
  }

  /** Connects again with backoff until it works or the watch is stopped (undefined). */
  async function reconnect (): Promise<WsRpcClient | undefined> {
    for (let delay = RECONNECT_MIN_MS; !init.signal.aborted; delay = Math.min(delay * 2, RECONNECT_MAX_MS)) {
      try {
        await sleep(delay, undefined, { signal: init.signal })
      } catch {
        return undefined
      }
      try {
        return await WsRpcClient.connect(endpoint())
      } catch {
        // not back yet (no api file, refused): try again later
      }
    }
    return undefined
  }

  /** One connection's subscription; resolves undefined when stopped, or how the daemon closed it. */
  async function session (ws: WsRpcClient): Promise<{ code: number, reason: string } | undefined> {
    const table = new LivePrices()
    let subscription: string | undefined
    const draw = (): void => { screen.schedule(() => frame(init.filter, table.list(), changes, init.render)) }
    const show = (update: PriceNotification): void => {
      if (!table.apply(update)) return
      const seen = visible(update)
      const before = changes.get(update.cpi)
      if (update.matches && before != null && before.micros !== update.price.microsPerGpuHour) {
        changes.set(update.cpi, { micros: update.price.microsPerGpuHour, previous: before.micros, at: Date.now() })
      } else if (update.matches && before == null) {
        changes.set(update.cpi, { micros: update.price.microsPerGpuHour, at: 0 })
      }
      if (init.json) {
        if (emitted.get(update.cpi) === seen) return
        emitted.set(update.cpi, seen)
        init.out.write(JSON.stringify(update) + '\n')
      } else draw()
    }
    // the daemon sends the subscribe response before any notification for it
    ws.on(PRICES_NOTIFICATION, params => {
      const { subscription: id, result } = params as SubscriptionParams
      if (id === subscription) show(result)
    })
    const ticker = init.json ? undefined : setInterval(draw, TICK_MS)
    try {
      subscription = await ws.call<string>('prices_subscribe', { filter: init.filter })
      const live = await ws.call<PriceView[]>('prices_latest', { filter: init.filter, limit: PRICES_MAX_LIMIT })
      for (const view of live) show({ ...view, matches: true })
      if (!init.json) draw()
      return await Promise.race([aborted.then(() => undefined), ws.closed])
    } catch (e) {
      // the connection dropped in the middle of a call: the same as a close; a refusal (a bad filter) is the user's to see
      if (!(e instanceof RpcUnreachableError)) throw e
      if (init.signal.aborted) return undefined
      return await ws.closed
    } finally {
      clearInterval(ticker)
    }
  }
}

function frame (filter: string, views: PriceView[], changes: Map<string, PriceChange>, render: RenderOptions = {}): string {
  const stamp = new Date().toISOString().slice(11, 19)
  const now = Date.now()
  const recent = new Map([...changes].filter(([, c]) => now - c.at < HIGHLIGHT_MS))
  return `prices${filter !== '' ? ` matching "${filter}"` : ''}: ${views.length} live, ${stamp} (Ctrl-C to stop)\n${renderPrices(views, 'age', now, render, recent)}`
}

/** Visible characters: escape sequences (the highlight) take no column. */
function visibleLength (line: string): number {
  return line.replace(/\x1b\[[0-9;]*m/g, '').length
}

/** A block of text redrawn in place on a terminal: the cursor goes back up over the last one and clears it. */
class Screen {
  private readonly out: NodeJS.WritableStream
  private lines = 0
  private clear = false
  private last?: () => string
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

  /** After a resize: the next frame clears the screen and starts at its top, drawn at once. */
  reset (): void {
    this.clear = true
    if (this.pending == null && this.last != null) this.pending = this.last
    this.flush()
  }

  flush (): void {
    clearTimeout(this.timer)
    this.timer = undefined
    const render = this.pending
    this.pending = undefined
    if (render == null) return
    this.last = render
    // a line wider than the terminal would wrap, and the cursor would go back up too few rows
    const width = (this.out as { columns?: number }).columns
    const lines = render().split('\n').map(line => width != null && visibleLength(line) >= width ? cut(line, width - 1) : line)
    // ESC[2J ESC[H: clear the screen, cursor home; ESC[nF: up n lines to column 1; ESC[0J: clear to the end of the screen
    const move = this.clear ? '\x1b[2J\x1b[H' : this.lines > 0 ? `\x1b[${this.lines}F\x1b[0J` : ''
    this.clear = false
    this.out.write(move + lines.join('\n') + '\n')
    this.lines = lines.length
  }
}

/** The first `width` visible characters of a line, its escape sequences kept (and the style reset at the end). */
function cut (line: string, width: number): string {
  let out = ''
  let seen = 0
  for (let i = 0; i < line.length && seen < width;) {
    const esc = /^\x1b\[[0-9;]*m/.exec(line.slice(i))
    if (esc != null) {
      out += esc[0]
      i += esc[0].length
      continue
    }
    out += line[i]
    seen++
    i++
  }
  return line.includes('\x1b[') ? out + '\x1b[0m' : out
}
