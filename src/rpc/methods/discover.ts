import { Type } from '@sinclair/typebox'
import { defineMethod, type MethodRegistry } from '../registry.ts'
import { openRpcDocument, OpenRpcDocumentSchema } from '../openrpc.ts'
import { VERSION } from '../../package.ts'

export function rpcDiscover (registry: MethodRegistry) {
  return defineMethod({
    name: 'rpc.discover',
    summary: 'The OpenRPC document of this API',
    permission: 'read',
    params: Type.Object({}, { additionalProperties: false }),
    result: OpenRpcDocumentSchema,
    handler: () => openRpcDocument(registry.list(), VERSION)
  })
}
