/**
 * `rpc.discover`: the OpenRPC document, generated from the method registry so
 * that it can never disagree with what the server checks.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { ErrorCode } from './errors.ts'
import { PERMISSIONS } from './permissions.ts'
import type { RegisteredMethod } from './registry.ts'

const OPENRPC_VERSION = '1.3.2'

/** TypeBox schemas carry symbol keys; JSON keeps only the JSON Schema. */
function plain (schema: TSchema): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>
}

const JsonSchema = (description: string) => Type.Record(Type.String(), Type.Unknown(), { description })

/** The document rpc.discover returns, as its result schema declares it. */
export const OpenRpcDocumentSchema = Type.Object({
  openrpc: Type.String({ description: `The OpenRPC version, ${OPENRPC_VERSION}` }),
  info: Type.Object({
    title: Type.String(),
    version: Type.String({ description: 'The cpnet version' }),
    description: Type.String({ description: 'The permissions and error codes, in brief' })
  }),
  methods: Type.Array(Type.Object({
    name: Type.String(),
    summary: Type.String(),
    description: Type.Optional(Type.String()),
    paramStructure: Type.Literal('either', { description: 'Params by name (an object) or by position (an array)' }),
    params: Type.Array(Type.Object({
      name: Type.String(),
      required: Type.Boolean(),
      description: Type.Optional(Type.String()),
      schema: JsonSchema('The JSON Schema the param is checked against')
    }), { description: 'In the order positional params take them' }),
    result: Type.Object({
      name: Type.String({ description: '<method>Result' }),
      schema: JsonSchema('The JSON Schema of the result')
    }),
    'x-permission': Type.Union(PERMISSIONS.map(p => Type.Literal(p)), { description: 'The permission a caller needs' }),
    'x-transport': Type.Optional(Type.Literal('websocket', { description: 'Present on methods served over WebSocket only' }))
  }), { description: 'Every method, by name' })
}, { description: 'An OpenRPC 1.x document' })

export type OpenRpcDocument = Static<typeof OpenRpcDocumentSchema>

const ERROR_DESCRIPTION = Object.entries(ErrorCode).map(([name, code]) => `${code} ${name}`).join(', ')

export function openRpcDocument (methods: RegisteredMethod[], version: string): OpenRpcDocument {
  return {
    openrpc: OPENRPC_VERSION,
    info: {
      title: 'cpnet JSON-RPC API',
      version,
      description: 'The local API of a cpnet node. Each method needs a permission: read (no token), write or admin (the repo token, sent as Bearer). Error codes: ' + ERROR_DESCRIPTION + '.'
    },
    methods: methods.map(m => {
      const props = m.params.properties as Record<string, TSchema>
      const required = new Set((m.params.required ?? []) as string[])
      return {
        name: m.name,
        summary: m.summary,
        ...(m.description != null ? { description: m.description } : {}),
        paramStructure: 'either',
        params: Object.entries(props).map(([name, schema]) => ({
          name,
          required: required.has(name),
          ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
          schema: plain(schema)
        })),
        result: { name: `${m.name}Result`, schema: plain(m.result) },
        'x-permission': m.permission,
        ...(m.transport === 'ws' ? { 'x-transport': 'websocket' } : {})
      }
    })
  }
}
