/**
 * JSON-RPC 2.0 message handling, independent of the transport: single calls,
 * batches, notifications, and the specification's error responses. HTTP and
 * WebSocket both hand their text here.
 */
import { ErrorCode, InvalidParamsError, UnauthorizedError, toErrorObject, type JsonRpcErrorObject } from './errors.ts'
import { allows } from './permissions.ts'
import { describeSchemaError } from '../schema-errors.ts'
import type { CallContext, MethodRegistry, RegisteredMethod } from './registry.ts'
import type { Logger } from '../log/logger.ts'

export type JsonRpcId = string | number | null

export interface JsonRpcResponse {
  jsonrpc: '2.0'
  result?: unknown
  error?: JsonRpcErrorObject
  id: JsonRpcId
}

export interface DispatcherInit {
  registry: MethodRegistry
  maxBatch: number
  log: Logger
  /** Told about every call that reached a method, for metrics. */
  onCall?: (method: string, outcome: 'ok' | 'error', seconds: number) => void
}

function errorResponse (id: JsonRpcId, error: JsonRpcErrorObject): JsonRpcResponse {
  return { jsonrpc: '2.0', error, id }
}

const INVALID_REQUEST = { code: ErrorCode.INVALID_REQUEST, message: 'Invalid Request' }

function isId (value: unknown): value is JsonRpcId {
  return value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))
}

export class Dispatcher {
  private readonly init: DispatcherInit

  constructor (init: DispatcherInit) {
    this.init = init
  }

  /** Returns the response to send, or undefined when there is none (notifications only). */
  async handleText (text: string, ctx: CallContext): Promise<JsonRpcResponse | JsonRpcResponse[] | undefined> {
    let message: unknown
    try {
      message = JSON.parse(text)
    } catch {
      return errorResponse(null, { code: ErrorCode.PARSE_ERROR, message: 'Parse error' })
    }
    return this.handleMessage(message, ctx)
  }

  async handleMessage (message: unknown, ctx: CallContext): Promise<JsonRpcResponse | JsonRpcResponse[] | undefined> {
    if (!Array.isArray(message)) return this.handleCall(message, ctx)
    if (message.length === 0) return errorResponse(null, INVALID_REQUEST)
    if (message.length > this.init.maxBatch) {
      return errorResponse(null, {
        code: ErrorCode.INVALID_REQUEST,
        message: `batch too large: ${message.length} requests, the limit is ${this.init.maxBatch}`
      })
    }
    const responses = await Promise.all(message.map(async call => this.handleCall(call, ctx)))
    const sent = responses.filter((r): r is JsonRpcResponse => r !== undefined)
    return sent.length > 0 ? sent : undefined
  }

  private async handleCall (call: unknown, ctx: CallContext): Promise<JsonRpcResponse | undefined> {
    if (call == null || typeof call !== 'object' || Array.isArray(call)) return errorResponse(null, INVALID_REQUEST)
    const req = call as Record<string, unknown>
    const hasId = Object.hasOwn(req, 'id')
    const id = hasId && isId(req.id) ? req.id : null
    if (req.jsonrpc !== '2.0' || typeof req.method !== 'string' || (hasId && !isId(req.id)) ||
        (req.params !== undefined && (req.params === null || typeof req.params !== 'object'))) {
      return errorResponse(id, INVALID_REQUEST)
    }
    const response = await this.invoke(req.method, req.params as object | undefined, id, ctx)
    // a notification gets no response, whatever happened (JSON-RPC 2.0 §4.1)
    return hasId ? response : undefined
  }

  private async invoke (name: string, rawParams: object | undefined, id: JsonRpcId, ctx: CallContext): Promise<JsonRpcResponse> {
    const method = this.init.registry.get(name)
    if (method == null) return errorResponse(id, { code: ErrorCode.METHOD_NOT_FOUND, message: 'Method not found' })
    const started = performance.now()
    try {
      if (!allows(ctx.permission, method.permission)) throw new UnauthorizedError(name, method.permission)
      if (method.transport === 'ws' && ctx.session == null) {
        throw new InvalidParamsError('', `${name} needs a WebSocket connection`)
      }
      const params = checkParams(method, rawParams)
      const result = await method.handler(params, ctx)
      this.init.onCall?.(name, 'ok', (performance.now() - started) / 1000)
      return { jsonrpc: '2.0', result: result ?? null, id }
    } catch (err) {
      this.init.onCall?.(name, 'error', (performance.now() - started) / 1000)
      const error = toErrorObject(err)
      if (error.code === ErrorCode.INTERNAL_ERROR) this.init.log.error('method failed', { method: name, error: (err as Error).stack ?? String(err) })
      return errorResponse(id, error)
    }
  }
}

/** By-name params are checked as they are; by-position ones are named in the schema's property order. */
function checkParams (method: RegisteredMethod, raw: object | undefined): Record<string, unknown> {
  let params: Record<string, unknown>
  if (raw === undefined) {
    params = {}
  } else if (Array.isArray(raw)) {
    const names = Object.keys(method.params.properties)
    if (raw.length > names.length) throw new InvalidParamsError('', `expected at most ${names.length} positional params, got ${raw.length}`)
    params = Object.fromEntries(raw.map((value, i) => [names[i], value]))
  } else {
    params = raw as Record<string, unknown>
  }
  if (!method.checkParams.Check(params)) {
    const first = method.checkParams.Errors(params).First()
    throw new InvalidParamsError(first?.path ?? '', first != null ? describeSchemaError(first) : 'invalid')
  }
  return params
}
