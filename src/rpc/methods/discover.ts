import { Type } from '@sinclair/typebox'
import { defineMethod, type MethodRegistry } from '../registry.ts'
import { openRpcDocument } from '../openrpc.ts'
import { VERSION } from '../../package.ts'

export function rpcDiscover (registry: MethodRegistry) {
  return defineMethod({
    name: 'rpc.discover',
    summary: 'The OpenRPC document of this API',
    permission: 'read',
    params: Type.Object({}, { additionalProperties: false }),
    result: Type.Object({ openrpc: Type.String() }, { additionalProperties: true, description: 'An OpenRPC 1.x document' }),
    handler: () => openRpcDocument(registry.list(), VERSION)
  })
}
