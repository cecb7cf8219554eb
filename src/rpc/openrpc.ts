/**
 * `rpc.discover`: the OpenRPC document, generated from the method registry so
 * that it can never disagree with what the server checks.
 */
import type { TSchema } from '@sinclair/typebox'
import { ErrorCode } from './errors.ts'
import type { RegisteredMethod } from './registry.ts'

const OPENRPC_VERSION = '1.3.2'

/** TypeBox schemas carry symbol keys; JSON keeps only the JSON Schema. */
function plain (schema: TSchema): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>
}

export interface OpenRpcDocument {
  openrpc: string
  info: { title: string, version: string, description: string }
  methods: Array<Record<string, unknown>>
}

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
