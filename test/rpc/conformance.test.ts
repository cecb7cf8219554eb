/**
 * The examples of the JSON-RPC 2.0 specification (§7), sent over real HTTP as
 * raw text and compared with the responses the specification shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RpcServer } from '../../src/rpc/http-server.ts'
import { startSpecServer } from './spec-server.ts'
import { DaemonPool, type TestDaemon } from '../helpers/daemons.ts'

async function post (url: string, body: string): Promise<{ status: number, json: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body })
  const text = await res.text()
  return { status: res.status, json: text === '' ? undefined : JSON.parse(text) }
}

const INVALID_REQUEST = { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null }

/** [name, request text, expected response (undefined: nothing is returned)] */
const SPEC_EXAMPLES: Array<[string, string, unknown]> = [
  ['positional params', '{"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1}', { jsonrpc: '2.0', result: 19, id: 1 }],
  ['positional params, reversed', '{"jsonrpc": "2.0", "method": "subtract", "params": [23, 42], "id": 2}', { jsonrpc: '2.0', result: -19, id: 2 }],
  ['named params', '{"jsonrpc": "2.0", "method": "subtract", "params": {"subtrahend": 23, "minuend": 42}, "id": 3}', { jsonrpc: '2.0', result: 19, id: 3 }],
  ['named params, other order', '{"jsonrpc": "2.0", "method": "subtract", "params": {"minuend": 42, "subtrahend": 23}, "id": 4}', { jsonrpc: '2.0', result: 19, id: 4 }],
  ['notification', '{"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]}', undefined],
  ['notification of an unknown method', '{"jsonrpc": "2.0", "method": "foobar"}', undefined],
  ['non-existent method', '{"jsonrpc": "2.0", "method": "foobar", "id": "1"}', { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: '1' }],
  ['invalid JSON', '{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]', { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null }],
  ['invalid Request object', '{"jsonrpc": "2.0", "method": 1, "params": "bar"}', INVALID_REQUEST],
  ['batch, invalid JSON', '[\n  {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},\n  {"jsonrpc": "2.0", "method"\n]', { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null }],
  ['empty array', '[]', INVALID_REQUEST],
  ['invalid batch, not empty', '[1]', [INVALID_REQUEST]],
  ['invalid batch', '[1,2,3]', [INVALID_REQUEST, INVALID_REQUEST, INVALID_REQUEST]],
  ['batch', `[
    {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
    {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
    {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"},
    {"foo": "boo"},
    {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
    {"jsonrpc": "2.0", "method": "get_data", "id": "9"}
  ]`, [
    { jsonrpc: '2.0', result: 7, id: '1' },
    { jsonrpc: '2.0', result: 19, id: '2' },
    INVALID_REQUEST,
    { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: '5' },
    { jsonrpc: '2.0', result: ['hello', 5], id: '9' }
  ]],
  ['batch of notifications only', `[
    {"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]},
    {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}
  ]`, undefined]
]

describe('JSON-RPC 2.0 specification examples', () => {
  let server: RpcServer
  beforeAll(async () => { server = await startSpecServer() })
  afterAll(async () => { await server.stop() })

  it.each(SPEC_EXAMPLES)('%s', async (_name, request, expected) => {
    const { status, json } = await post(server.url, request)
    expect(json).toEqual(expected)
    expect(status).toBe(expected === undefined ? 204 : 200)
  })
})

describe('the same cases against a daemon', () => {
  const pool = new DaemonPool()
  let daemon: TestDaemon
  beforeAll(async () => { daemon = await pool.start() })
  afterAll(async () => { await pool.cleanup() })

  it('answers a mixed batch entry by entry, skipping notifications', async () => {
    const { status, json } = await post(daemon.rpcUrl, JSON.stringify([
      { jsonrpc: '2.0', method: 'node_info', id: 1 },
      { jsonrpc: '2.0', method: 'node_health' },
      { foo: 'boo' },
      { jsonrpc: '2.0', method: 'node_nothing', id: 'x' },
      { jsonrpc: '2.0', method: 'node_peers', params: { all: 'yes' }, id: 3 }
    ]))
    expect(status).toBe(200)
    const responses = json as Array<Record<string, any>>
    expect(responses).toHaveLength(4)
    expect(responses[0]?.result.peerId).toBe(daemon.node.peerId.toString())
    expect(responses[1]).toEqual(INVALID_REQUEST)
    expect(responses[2]).toEqual({ jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: 'x' })
    expect(responses[3]?.error).toMatchObject({ code: -32602, data: { path: '/all' } })
    expect(responses[3]?.id).toBe(3)
  })

  it.each([
    ['malformed JSON', '{"jsonrpc": "2.0", "method": "node_info", "id": 1', { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null }],
    ['empty batch', '[]', INVALID_REQUEST],
    ['invalid batch', '[1,2]', [INVALID_REQUEST, INVALID_REQUEST]],
    ['notification', '{"jsonrpc": "2.0", "method": "node_info"}', undefined],
    ['notifications only', '[{"jsonrpc": "2.0", "method": "node_info"}, {"jsonrpc": "2.0", "method": "nope"}]', undefined],
    ['wrong version', '{"jsonrpc": "1.0", "method": "node_info", "id": 7}', { ...INVALID_REQUEST, id: 7 }],
    ['params not structured', '{"jsonrpc": "2.0", "method": "node_info", "params": 5, "id": 8}', { ...INVALID_REQUEST, id: 8 }],
    ['id of a wrong type', '{"jsonrpc": "2.0", "method": "node_info", "id": {"a": 1}}', INVALID_REQUEST]
  ])('%s', async (_name, request, expected) => {
    const { status, json } = await post(daemon.rpcUrl, request)
    expect(json).toEqual(expected)
    expect(status).toBe(expected === undefined ? 204 : 200)
  })
})
