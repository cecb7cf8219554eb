/**
 * rpc.discover against the OpenRPC meta-schema (validated by the published
 * @open-rpc/schema-utils-js), and every method's real result against the
 * result schema the document declares.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { validateOpenRPCDocument } from '@open-rpc/schema-utils-js'
import { Ajv } from 'ajv'
import { DaemonPool, type TestDaemon } from '../helpers/daemons.ts'
import type { OpenRpcDocument } from '../../src/rpc/openrpc.ts'

describe('rpc.discover', () => {
  const pool = new DaemonPool()
  let daemon: TestDaemon
  let doc: OpenRpcDocument
  beforeAll(async () => {
    daemon = await pool.start()
    doc = await daemon.anonymous.call<OpenRpcDocument>('rpc.discover')
  })
  afterAll(async () => { await pool.cleanup() })

  it('is a valid OpenRPC document', () => {
    expect(validateOpenRPCDocument(doc as never)).toBe(true)
  })

  it('a broken document fails the same validator (the check can fail)', () => {
    const broken = { ...doc, methods: [{ ...doc.methods[0], params: 'none' }] }
    expect(validateOpenRPCDocument(broken as never)).not.toBe(true)
  })

  it('lists every method with its permission', () => {
    const names = doc.methods.map(m => m.name)
    expect(names).toEqual(expect.arrayContaining(['node_info', 'node_peers', 'node_connect', 'node_health', 'rpc.discover']))
    for (const m of doc.methods) expect(['read', 'write', 'admin']).toContain(m['x-permission'])
  })

  it.each(['node_info', 'node_peers', 'node_health', 'rpc.discover'])('%s returns what its result schema declares', async name => {
    const method = doc.methods.find(m => m.name === name) as { result: { schema: object } }
    const result = await daemon.anonymous.call(name)
    // a plain JSON Schema validator, as a client reading the document would use
    const validate = new Ajv({ strict: false }).compile(method.result.schema)
    expect(validate(result) ? [] : validate.errors).toEqual([])
  })
})
