/**
 * A small JSON-RPC client over WebSocket, for subscriptions (`cpnet prices
 * watch`) and tests: calls, and notifications by method name. The same errors
 * as the HTTP client: RpcUnreachableError when the daemon cannot be reached,
 * RpcClientError for a JSON-RPC error.
 */
import { WebSocket } from 'ws'
import { RpcClientError, RpcUnreachableError } from './client.ts'

export type NotificationHandler = (params: unknown) => void

interface Pending {
  resolve: (result: unknown) => void
  reject: (err: Error) => void
}

interface Reply {
  id?: number
  method?: string
  params?: unknown
  result?: unknown
  error?: { code: number, message: string, data?: unknown }
}

export interface WsRpcClientInit {
  /** The API's URL, http:// or ws://. */
  url: string
  token?: string
  timeoutMs?: number
}

const DEFAULT_TIMEOUT_MS = 10_000

/** ws:// for http://, wss:// for https://. */
export function wsUrl (url: string): string {
  return url.replace(/^http(s?):\/\//, 'ws$1://')
}

export class WsRpcClient {
  readonly url: string
  private readonly ws: WebSocket
  private readonly pending = new Map<number, Pending>()
  private readonly handlers = new Map<string, NotificationHandler>()
  private nextId = 1
  /** Resolves with the close code and reason once the connection is gone. */
  readonly closed: Promise<{ code: number, reason: string }>

  private constructor (url: string, ws: WebSocket) {
    this.url = url
    this.ws = ws
    ws.on('message', data => { this.receive(String(data)) })
    this.closed = new Promise(resolve => {
      ws.once('close', (code, reason) => {
        for (const p of this.pending.values()) p.reject(new RpcUnreachableError(url, new Error(`connection closed (${code})`)))
        this.pending.clear()
        resolve({ code, reason: reason.toString() })
      })
    })
  }

  static async connect (init: WsRpcClientInit): Promise<WsRpcClient> {
    const url = wsUrl(init.url)
    const ws = new WebSocket(url, {
      headers: init.token != null ? { Authorization: `Bearer ${init.token}` } : {},
      handshakeTimeout: init.timeoutMs ?? DEFAULT_TIMEOUT_MS
    })
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => { resolve() })
      ws.once('error', err => { reject(new RpcUnreachableError(url, err)) })
    })
    // later errors surface as a close; without a listener they would be thrown
    ws.on('error', () => {})
    return new WsRpcClient(url, ws)
  }

  async call<T = unknown> (method: string, params: Record<string, unknown> = {}): Promise<T> {
    // on a connection already closing or closed the frame would be dropped and the call never answered
    if (this.ws.readyState !== this.ws.OPEN) throw new RpcUnreachableError(this.url, new Error('connection closed'))
    const id = this.nextId++
    const result = new Promise<unknown>((resolve, reject) => { this.pending.set(id, { resolve, reject }) })
    this.ws.send(JSON.stringify({ jsonrpc: '2.0', method, params, id }), err => {
      if (err == null) return
      this.pending.get(id)?.reject(new RpcUnreachableError(this.url, err))
      this.pending.delete(id)
    })
    return await result as T
  }

  /** Handles notifications of `method` (one handler per method). */
  on (method: string, handler: NotificationHandler): void {
    this.handlers.set(method, handler)
  }

  close (): void {
    this.ws.close(1000)
  }

  private receive (text: string): void {
    let reply: Reply
    try {
      reply = JSON.parse(text) as Reply
    } catch {
      return
    }
    if (reply.id == null) {
      if (reply.method != null) this.handlers.get(reply.method)?.(reply.params)
      return
    }
    const pending = this.pending.get(reply.id)
    if (pending == null) return
    this.pending.delete(reply.id)
    if (reply.error != null) pending.reject(new RpcClientError(reply.error.code, reply.error.message, reply.error.data))
    else pending.resolve(reply.result)
  }
}
