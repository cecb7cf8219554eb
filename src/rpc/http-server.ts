/**
 * The API server: JSON-RPC over HTTP POST and WebSocket on one loopback port,
 * plus Prometheus text at GET /metrics and the probes GET /health and
 * GET /ready. Guards run before any JSON is parsed: Host, Origin, token,
 * content type, body size; the probes and /metrics need no token (they only
 * read, for load balancers, supervisors and scrapers) but keep the Host check.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Registry } from 'prom-client'
import type { Logger } from '../log/logger.ts'
import type { Config } from '../config/schema.ts'
import { Dispatcher, type JsonRpcResponse } from './dispatch.ts'
import { ErrorCode } from './errors.ts'
import { isAllowedHost, isAllowedOrigin, permissionFor } from './guards.ts'
import type { MethodRegistry } from './registry.ts'
import type { Permission } from './permissions.ts'
import { WsEndpoint } from './ws-endpoint.ts'
import type { NodeHealth } from './methods/node/health.ts'

/** What GET /health and GET /ready answer from; without them both paths are 404. */
export interface Probes {
  health: () => Promise<NodeHealth>
  /** True once the daemon serves and until it begins to stop. */
  ready: () => boolean
}

export interface RpcServerInit {
  config: Config['rpc']
  token: string
  registry: MethodRegistry
  log: Logger
  /** Served at GET /metrics when set. */
  metrics?: Registry
  probes?: Probes
  onCall?: (method: string, outcome: 'ok' | 'error', seconds: number) => void
}

/** How long stop() waits for calls in flight before closing their connections. */
export const DRAIN_TIMEOUT_MS = 3000

class HttpError extends Error {
  readonly status: number
  readonly rpcCode: number
  readonly headers: Record<string, string>
  constructor (status: number, rpcCode: number, message: string, headers: Record<string, string> = {}) {
    super(message)
    this.name = 'HttpError'
    this.status = status
    this.rpcCode = rpcCode
    this.headers = headers
  }
}

export class RpcServer {
  private readonly init: RpcServerInit
  private readonly log: Logger
  private readonly dispatcher: Dispatcher
  private readonly ws: WsEndpoint
  private readonly server: Server
  private readonly shutdown = new AbortController()
  private inFlight = 0
  private drained?: () => void
  private listening = false

  constructor (init: RpcServerInit) {
    this.init = init
    this.log = init.log.forComponent('cpnet:rpc')
    this.dispatcher = new Dispatcher({ registry: init.registry, maxBatch: init.config.maxBatch, log: this.log, onCall: init.onCall })
    this.server = createServer({ requestTimeout: 60_000, headersTimeout: 10_000 }, (req, res) => { void this.onRequest(req, res) })
    this.ws = new WsEndpoint({
      dispatcher: this.dispatcher,
      log: this.log,
      maxConnections: init.config.maxWsConnections,
      maxMessageBytes: init.config.maxBodyBytes,
      signal: this.shutdown.signal
    })
    this.server.on('upgrade', (req, socket, head) => {
      let permission: Permission
      try {
        permission = this.guard(req)
      } catch (err) {
        const e = err as HttpError
        socket.end(`HTTP/1.1 ${e.status} ${e.message}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
        return
      }
      this.ws.upgrade(req, socket, head, permission)
    })
  }

  async start (): Promise<void> {
    if (this.listening) return
    const { host, port } = this.init.config
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, host, () => {
        this.server.off('error', reject)
        resolve()
      })
    })
    this.listening = true
  }

  /** The URL clients use, with the port the OS chose when port 0 was asked for. */
  get url (): string {
    const address = this.server.address() as AddressInfo | null
    if (address == null) throw new Error('the RPC server is not listening')
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
    return `http://${host}:${address.port}`
  }

  /** Refuses new calls, waits for those in flight (bounded), then closes every connection. */
  async stop (): Promise<void> {
    if (!this.listening) return
    this.listening = false
    const closed = new Promise<void>(resolve => { this.server.close(() => { resolve() }) })
    this.server.closeIdleConnections()
    if (this.inFlight > 0) {
      await Promise.race([
        new Promise<void>(resolve => { this.drained = resolve }),
        new Promise<void>(resolve => setTimeout(resolve, DRAIN_TIMEOUT_MS).unref())
      ])
    }
    this.shutdown.abort()
    await this.ws.close()
    this.server.closeAllConnections()
    await closed
  }

  /** Host, Origin and token: the same for HTTP and WebSocket upgrades. */
  private guard (req: IncomingMessage): Permission {
    const { config } = this.init
    this.guardHost(req)
    if (!isAllowedOrigin(req.headers.origin, config.cors)) {
      throw new HttpError(403, ErrorCode.INVALID_REQUEST, 'origin not allowed')
    }
    const permission = permissionFor(req.headers.authorization, this.init.token)
    if (permission == null) {
      throw new HttpError(401, ErrorCode.UNAUTHORIZED, 'invalid token', { 'WWW-Authenticate': 'Bearer' })
    }
    return permission
  }

  private async onRequest (req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.inFlight++
    try {
      this.setCors(req, res)
      if (req.method === 'OPTIONS') {
        this.guardOrigin(req)
        res.writeHead(204, { 'Access-Control-Allow-Methods': 'POST', 'Access-Control-Allow-Headers': 'content-type, authorization' }).end()
        return
      }
      const path = (req.url ?? '/').split('?')[0]
      // before the shutdown check: a stopping daemon still answers its probes (/ready with 503)
      if (path === '/health' || path === '/ready') {
        await this.serveProbe(path, req, res)
        return
      }
      if (!this.listening) throw new HttpError(503, ErrorCode.UNAVAILABLE, 'node is shutting down')
      if (path === '/metrics' && req.method === 'GET') {
        await this.serveMetrics(req, res)
        return
      }
      if (path !== '/') throw new HttpError(404, ErrorCode.INVALID_REQUEST, `no such path: ${path}`)
      if (req.method !== 'POST') throw new HttpError(405, ErrorCode.INVALID_REQUEST, 'JSON-RPC needs POST', { Allow: 'POST' })
      const permission = this.guard(req)
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase()
      if (type !== 'application/json') {
        throw new HttpError(415, ErrorCode.INVALID_REQUEST, 'Content-Type must be application/json')
      }
      const body = await this.readBody(req)
      const call = new AbortController()
      const onAbort = (): void => { call.abort() }
      res.once('close', onAbort)
      this.shutdown.signal.addEventListener('abort', onAbort, { once: true })
      try {
        const response = await this.dispatcher.handleText(body, { permission, signal: call.signal })
        this.send(res, 200, response)
      } finally {
        this.shutdown.signal.removeEventListener('abort', onAbort)
      }
    } catch (err) {
      if (err instanceof HttpError) {
        this.send(res, err.status, { jsonrpc: '2.0', error: { code: err.rpcCode, message: err.message }, id: null }, err.headers)
      } else {
        this.log.error('request failed', { error: (err as Error).stack ?? String(err) })
        this.send(res, 500, { jsonrpc: '2.0', error: { code: ErrorCode.INTERNAL_ERROR, message: 'Internal error' }, id: null })
      }
    } finally {
      if (--this.inFlight === 0) this.drained?.()
    }
  }

  private guardOrigin (req: IncomingMessage): void {
    if (!isAllowedOrigin(req.headers.origin, this.init.config.cors)) {
      throw new HttpError(403, ErrorCode.INVALID_REQUEST, 'origin not allowed')
    }
  }

  private setCors (req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin
    if (origin != null && this.init.config.cors.length > 0 && isAllowedOrigin(origin, this.init.config.cors)) {
      res.setHeader('Access-Control-Allow-Origin', origin)
      res.setHeader('Vary', 'Origin')
    }
  }

  /** The one guard of the paths that need no token: DNS rebinding. */
  private guardHost (req: IncomingMessage): void {
    if (!isAllowedHost(req.headers.host, this.init.config.allowedHosts)) {
      throw new HttpError(403, ErrorCode.INVALID_REQUEST, 'invalid host specified')
    }
  }

  /**
   * GET /health: the node_health report, 200 while ok or degraded (the node
   * serves), 503 when failing. GET /ready: 200 `{ready: true}` once the daemon
   * serves, 503 `{ready: false}` while it starts or stops.
   */
  private async serveProbe (path: '/health' | '/ready', req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.guardHost(req)
    const probes = this.init.probes
    if (probes == null) throw new HttpError(404, ErrorCode.INVALID_REQUEST, `no such path: ${path}`)
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, ErrorCode.INVALID_REQUEST, `${path} needs GET`, { Allow: 'GET, HEAD' })
    const ready = probes.ready() && this.listening
    const [status, body] = path === '/ready'
      ? [ready ? 200 : 503, { ready }]
      : await probes.health().then(h => [h.level === 'failing' ? 503 : 200, h] as const)
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(body))
  }

  private async serveMetrics (req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.guardHost(req)
    const registry = this.init.metrics
    if (registry == null) throw new HttpError(404, ErrorCode.INVALID_REQUEST, 'metrics are disabled (metrics.enabled)')
    const text = await registry.metrics()
    res.writeHead(200, { 'Content-Type': registry.contentType }).end(text)
  }

  private async readBody (req: IncomingMessage): Promise<string> {
    const limit = this.init.config.maxBodyBytes
    const tooLarge = (): HttpError => new HttpError(413, ErrorCode.INVALID_REQUEST, `request body too large (limit ${limit} bytes)`, { Connection: 'close' })
    if (Number(req.headers['content-length'] ?? 0) > limit) throw tooLarge()
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length
      if (size > limit) throw tooLarge()
      chunks.push(chunk)
    }
    return Buffer.concat(chunks).toString('utf8')
  }

  private send (res: ServerResponse, status: number, body: JsonRpcResponse | JsonRpcResponse[] | undefined, headers: Record<string, string> = {}): void {
    if (res.headersSent || res.destroyed) return
    if (body === undefined) {
      res.writeHead(204, headers).end()
      return
    }
    res.writeHead(status, { ...headers, 'Content-Type': 'application/json' }).end(JSON.stringify(body))
  }
}
