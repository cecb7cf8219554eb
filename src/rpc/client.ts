/**
 * A small JSON-RPC client over HTTP, for the CLI, the testnet and tests.
 * A JSON-RPC error comes back as RpcClientError with its code and data.
 */
import { ErrorCode } from '../error-codes.ts'
import { defineError } from '../errors.ts'

/** A JSON-RPC error object the daemon answered with: its code is the wire's number, not a CPNET_* code. */
export class RpcClientError extends Error {
  readonly code: number
  readonly data?: unknown
  constructor (code: number, message: string, data?: unknown) {
    super(message)
    this.name = 'RpcClientError'
    this.code = code
    this.data = data
  }
}

/** The daemon could not be reached at all (a client-side failure, never on the wire). */
export class RpcUnreachableError extends defineError('RpcUnreachableError', 'CPNET_UNREACHABLE', ErrorCode.INTERNAL_ERROR) {
  constructor (url: string, cause: unknown) {
    super(`cannot reach the daemon at ${url}: ${(cause as Error).message}`, { cause })
  }
}

export interface RpcClientInit {
  url: string
  token?: string
  timeoutMs?: number
}

const DEFAULT_TIMEOUT_MS = 30_000

export class RpcClient {
  readonly url: string
  private readonly token?: string
  private readonly timeoutMs: number
  private nextId = 1

  constructor (init: RpcClientInit) {
    this.url = init.url
    this.token = init.token
    this.timeoutMs = init.timeoutMs ?? DEFAULT_TIMEOUT_MS
  }

  async call<T = unknown> (method: string, params: Record<string, unknown> | unknown[] = {}): Promise<T> {
    const id = this.nextId++
    let res: Response
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(this.token != null ? { Authorization: `Bearer ${this.token}` } : {})
        },
        body: JSON.stringify({ jsonrpc: '2.0', method, params, id }),
        signal: AbortSignal.timeout(this.timeoutMs)
      })
    } catch (err) {
      throw new RpcUnreachableError(this.url, (err as { cause?: unknown }).cause ?? err)
    }
    const text = await res.text()
    let body: { result?: T, error?: { code: number, message: string, data?: unknown } }
    try {
      body = JSON.parse(text)
    } catch {
      throw new RpcClientError(-32700, `the daemon answered HTTP ${res.status} with a body that is not JSON`)
    }
    if (body.error != null) throw new RpcClientError(body.error.code, body.error.message, body.error.data)
    return body.result as T
  }
}
