/**
 * The method registry: every JSON-RPC method declares its permission and the
 * JSON Schema of its params and result, in one place. The registry refuses a
 * definition without them, so a daemon with an undeclared method never starts
 * (Lotus panics on a missing `perm` tag for the same reason).
 */
import type { Static, TObject, TSchema } from '@sinclair/typebox'
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'
import { isPermission, type Permission } from './permissions.ts'
import { ErrorCode } from '../error-codes.ts'
import { defineError } from '../errors.ts'

/** What a handler knows about its caller. */
export interface CallContext {
  permission: Permission
  /** Aborted when the transport goes away or the server shuts down. */
  signal: AbortSignal
  /** Present on WebSocket connections: lets a handler push notifications. */
  session?: RpcSession
}

/** A long-lived connection (WebSocket) that can receive notifications. */
export interface RpcSession {
  readonly id: number
  notify: (method: string, params: unknown) => void
  /** Runs when the connection closes; subscriptions clean up here. */
  onClose: (fn: () => void) => void
}

export interface MethodDefinition<P extends TObject = TObject, R extends TSchema = TSchema> {
  /** `namespace_method` (e.g. `node_info`), or one of the reserved `rpc.*` names. */
  name: string
  summary: string
  description?: string
  permission: Permission
  params: P
  result: R
  /** `ws` for methods that need a session (subscriptions). */
  transport?: 'any' | 'ws'
  handler: (params: Static<P>, ctx: CallContext) => Promise<Static<R>> | Static<R>
}

/** A registered method with its compiled params check. */
export interface RegisteredMethod extends MethodDefinition {
  checkParams: TypeCheck<TObject>
}

/** A method definition without its permission or schemas: the daemon does not start. */
export const MethodDefinitionError = defineError('MethodDefinitionError', 'CPNET_RPC_METHOD_DEFINITION', ErrorCode.INTERNAL_ERROR)

const METHOD_NAME = /^[a-z][a-zA-Z0-9_]*$|^rpc\.[a-z][a-zA-Z0-9]*$/
/** `<namespace>_<method>`: one underscore, a lower-case namespace, a camelCase method. */
const NAMESPACED_NAME = /^([a-z]+)_[a-z][a-zA-Z0-9]*$/

export interface MethodRegistryInit {
  /** When set, every name must be `<namespace>_<method>` with one of these namespaces (or `rpc.*`). */
  namespaces?: readonly string[]
}

/** Keeps the handler's param and result types tied to its schemas. */
export function defineMethod<P extends TObject, R extends TSchema> (def: MethodDefinition<P, R>): MethodDefinition {
  return def as unknown as MethodDefinition
}

export class MethodRegistry {
  private readonly methods = new Map<string, RegisteredMethod>()
  private readonly namespaces?: readonly string[]

  constructor (init: MethodRegistryInit = {}) {
    this.namespaces = init.namespaces
  }

  register (...defs: MethodDefinition[]): this {
    for (const def of defs) this.add(def)
    return this
  }

  get (name: string): RegisteredMethod | undefined {
    return this.methods.get(name)
  }

  list (): RegisteredMethod[] {
    return [...this.methods.values()].sort((a, b) => a.name.localeCompare(b.name))
  }

  private add (def: MethodDefinition): void {
    const where = `method ${JSON.stringify(def?.name)}`
    if (typeof def?.name !== 'string' || !METHOD_NAME.test(def.name)) {
      throw new MethodDefinitionError(`${where}: not a valid method name`)
    }
    const namespace = NAMESPACED_NAME.exec(def.name)?.[1]
    if (this.namespaces != null && !def.name.startsWith('rpc.') && (namespace == null || !this.namespaces.includes(namespace))) {
      throw new MethodDefinitionError(`${where}: the name must be <namespace>_<method> with a namespace of ${this.namespaces.join(', ')}`)
    }
    if (this.methods.has(def.name)) throw new MethodDefinitionError(`${where} is registered twice`)
    if (!isPermission(def.permission)) throw new MethodDefinitionError(`${where} declares no permission (read, write or admin)`)
    if (def.params == null || def.params.type !== 'object') throw new MethodDefinitionError(`${where} declares no params schema (an object schema)`)
    if (def.result == null) throw new MethodDefinitionError(`${where} declares no result schema`)
    if (typeof def.summary !== 'string' || def.summary === '') throw new MethodDefinitionError(`${where} has no summary`)
    if (typeof def.handler !== 'function') throw new MethodDefinitionError(`${where} has no handler`)
    this.methods.set(def.name, { ...def, checkParams: TypeCompiler.Compile(def.params) })
  }
}
