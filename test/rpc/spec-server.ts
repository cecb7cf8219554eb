/**
 * A real RpcServer serving the example methods of the JSON-RPC 2.0
 * specification (subtract, sum, update, notify_hello, get_data), so that the
 * specification's examples can be replayed verbatim.
 */
import { Type } from '@sinclair/typebox'
import { RpcServer } from '../../src/rpc/http-server.ts'
import { MethodRegistry, defineMethod } from '../../src/rpc/registry.ts'
import { silentLogger } from '../../src/log/logger.ts'
import { readDefaults } from '../../src/config/load.ts'
import type { Config } from '../../src/config/schema.ts'

export const SPEC_TOKEN = 'spec-token'

export function specRegistry (): MethodRegistry {
  const num = Type.Number()
  return new MethodRegistry().register(
    defineMethod({
      name: 'subtract',
      summary: 'minuend - subtrahend',
      permission: 'read',
      params: Type.Object({ minuend: num, subtrahend: num }),
      result: num,
      handler: ({ minuend, subtrahend }) => minuend - subtrahend
    }),
    defineMethod({
      name: 'sum',
      summary: 'sum of three numbers',
      permission: 'read',
      params: Type.Object({ a: num, b: num, c: num }),
      result: num,
      handler: ({ a, b, c }) => a + b + c
    }),
    defineMethod({
      name: 'update',
      summary: 'accepts five numbers',
      permission: 'read',
      params: Type.Object({ a: num, b: num, c: num, d: num, e: num }),
      result: Type.Null(),
      handler: () => null
    }),
    defineMethod({
      name: 'notify_hello',
      summary: 'accepts one number',
      permission: 'read',
      params: Type.Object({ n: num }),
      result: Type.Null(),
      handler: () => null
    }),
    defineMethod({
      name: 'get_data',
      summary: 'returns the spec example data',
      permission: 'read',
      params: Type.Object({}),
      result: Type.Array(Type.Union([Type.String(), Type.Number()])),
      handler: () => ['hello', 5]
    })
  )
}

export async function startSpecServer (rpc: Partial<Config['rpc']> = {}, registry = specRegistry()): Promise<RpcServer> {
  const server = new RpcServer({
    config: { ...readDefaults().rpc, port: 0, ...rpc },
    token: SPEC_TOKEN,
    registry,
    log: silentLogger()
  })
  await server.start()
  return server
}
