/**
 * JSON-RPC over WebSocket, on the API port. Each connection is a session that
 * handlers can push notifications to (subscriptions). A client that stops
 * reading is dropped rather than buffered without bound, and dead connections
 * are found by ping.
 */
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket, type RawData } from 'ws'
import type { Logger } from '../log/logger.ts'
import type { Dispatcher } from './dispatch.ts'
import type { Permission } from './permissions.ts'
import type { RpcSession } from './registry.ts'

export interface WsEndpointInit {
  dispatcher: Dispatcher
  log: Logger
  maxConnections: number
  maxMessageBytes: number
  /** Aborted when the server shuts down. */
  signal: AbortSignal
}

/** A client this far behind on reading is disconnected. */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024
const PING_INTERVAL_MS = 30_000
const CLOSE_GOING_AWAY = 1001

export class WsEndpoint {
  private readonly init: WsEndpointInit
  private readonly wss: WebSocketServer
  private readonly sockets = new Set<WebSocket>()
  private nextId = 1
  private readonly pinger: NodeJS.Timeout

  constructor (init: WsEndpointInit) {
    this.init = init
    this.wss = new WebSocketServer({ noServer: true, maxPayload: init.maxMessageBytes })
    const alive = new WeakSet<WebSocket>()
    this.pinger = setInterval(() => {
      for (const ws of this.sockets) {
        if (!alive.has(ws)) { ws.terminate(); continue }
        alive.delete(ws)
        ws.ping()
      }
    }, PING_INTERVAL_MS).unref()
    this.wss.on('connection', (ws: WebSocket) => {
      alive.add(ws)
      ws.on('pong', () => alive.add(ws))
    })
  }

  get connections (): number {
    return this.sockets.size
  }

  upgrade (req: IncomingMessage, socket: Duplex, head: Buffer, permission: Permission): void {
    if (this.init.signal.aborted) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    if (this.sockets.size >= this.init.maxConnections) {
      socket.end('HTTP/1.1 503 Too Many WebSocket Connections\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    this.wss.handleUpgrade(req, socket, head, ws => {
      this.wss.emit('connection', ws, req)
      this.accept(ws, permission)
    })
  }

  async close (): Promise<void> {
    clearInterval(this.pinger)
    for (const ws of this.sockets) ws.close(CLOSE_GOING_AWAY, 'server shutting down')
    // give clients a moment to answer the close frame, then cut them off
    await new Promise(resolve => setTimeout(resolve, 50).unref())
    for (const ws of this.sockets) ws.terminate()
    await new Promise<void>(resolve => { this.wss.close(() => { resolve() }) })
  }

  private accept (ws: WebSocket, permission: Permission): void {
    this.sockets.add(ws)
    const closeHooks: Array<() => void> = []
    const connection = new AbortController()
    const send = (payload: unknown): void => {
      if (ws.readyState !== ws.OPEN) return
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        // cut off at once: a close frame would wait behind the megabytes it has not read
        this.init.log.warn('dropping a WebSocket client that does not read', { session: session.id, bufferedBytes: ws.bufferedAmount })
        ws.terminate()
        return
      }
      ws.send(JSON.stringify(payload))
    }
    const session: RpcSession = {
      id: this.nextId++,
      notify: (method, params) => { send({ jsonrpc: '2.0', method, params }) },
      onClose: fn => { closeHooks.push(fn) }
    }
    const onShutdown = (): void => { connection.abort() }
    this.init.signal.addEventListener('abort', onShutdown, { once: true })

    ws.on('message', (data: RawData) => {
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8')
      void this.init.dispatcher.handleText(text, { permission, signal: connection.signal, session })
        .then(response => { if (response !== undefined) send(response) })
    })
    ws.on('error', err => { this.init.log.debug('websocket error', { session: session.id, error: err.message }) })
    ws.on('close', () => {
      this.sockets.delete(ws)
      this.init.signal.removeEventListener('abort', onShutdown)
      connection.abort()
      for (const fn of closeHooks) {
        try { fn() } catch (err) { this.init.log.error('close hook failed', { error: (err as Error).message }) }
      }
    })
  }
}
