/** The API's guards over real HTTP: Host, Origin, token, method, content type, sizes. */
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RpcServer } from '../../src/rpc/http-server.ts'
import { SPEC_TOKEN, startSpecServer } from './spec-server.ts'
import { DaemonPool, type TestDaemon } from '../helpers/daemons.ts'

interface RawResponse { status: number, headers: Record<string, string | string[] | undefined>, body: string }

/** node:http rather than fetch, so the Host header can be forged as a rebinding attacker would. */
async function raw (url: string, opts: { method?: string, path?: string, headers?: Record<string, string>, body?: string } = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method: opts.method ?? 'POST', path: opts.path ?? '/', headers: { 'content-type': 'application/json', ...opts.headers } }, res => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', c => { body += c })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body }) })
    })
    req.on('error', reject)
    req.end(opts.body ?? '{"jsonrpc":"2.0","method":"get_data","id":1}')
  })
}

describe('HTTP guards', () => {
  let server: RpcServer
  let corsServer: RpcServer
  beforeAll(async () => {
    server = await startSpecServer({ maxBodyBytes: 2048, maxBatch: 3 })
    corsServer = await startSpecServer({ cors: ['https://app.example'], allowedHosts: ['cpnet.internal'] })
  })
  afterAll(async () => { await Promise.all([server.stop(), corsServer.stop()]) })

  it.each(['localhost', 'localhost:7780', '127.0.0.1:1234', '[::1]:7780', '127.1.2.3'])('accepts Host %s', async host => {
    const res = await raw(server.url, { headers: { host } })
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body).result).toEqual(['hello', 5])
  })

  it.each(['evil.example', 'evil.example:7780', '10.0.0.1', 'localhost.evil.example', '127.0.0.1.nip.io'])('refuses Host %s with 403 (DNS rebinding)', async host => {
    const res = await raw(server.url, { headers: { host } })
    expect(res.status).toBe(403)
    expect(JSON.parse(res.body).error.message).toBe('invalid host specified')
  })

  it('accepts a Host listed in rpc.allowedHosts', async () => {
    expect((await raw(corsServer.url, { headers: { host: 'cpnet.internal:7780' } })).status).toBe(200)
  })

  it('refuses a browser Origin when no CORS is configured', async () => {
    const res = await raw(server.url, { headers: { origin: 'https://evil.example' } })
    expect(res.status).toBe(403)
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('allows a configured Origin, with CORS headers and a preflight', async () => {
    const ok = await raw(corsServer.url, { headers: { origin: 'https://app.example' } })
    expect(ok.status).toBe(200)
    expect(ok.headers['access-control-allow-origin']).toBe('https://app.example')
    const preflight = await raw(corsServer.url, { method: 'OPTIONS', headers: { origin: 'https://app.example' }, body: '' })
    expect(preflight.status).toBe(204)
    expect(preflight.headers['access-control-allow-headers']).toContain('authorization')
    expect((await raw(corsServer.url, { headers: { origin: 'https://other.example' } })).status).toBe(403)
  })

  it('answers GET with 405 and POST on another path with 404', async () => {
    const get = await raw(server.url, { method: 'GET', body: '' })
    expect(get.status).toBe(405)
    expect(get.headers.allow).toBe('POST')
    expect((await raw(server.url, { path: '/rpc' })).status).toBe(404)
  })

  it('needs Content-Type application/json (a cross-site form cannot send it)', async () => {
    const res = await raw(server.url, { headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(res.status).toBe(415)
    expect((await raw(server.url, { headers: { 'content-type': 'application/json; charset=utf-8' } })).status).toBe(200)
  })

  it('refuses a body over the limit with 413 and a JSON-RPC error', async () => {
    const big = JSON.stringify({ jsonrpc: '2.0', method: 'get_data', params: { pad: 'x'.repeat(4096) }, id: 1 })
    const res = await raw(server.url, { body: big })
    expect(res.status).toBe(413)
    expect(JSON.parse(res.body).error).toEqual({ code: -32600, message: 'request body too large (limit 2048 bytes)' })
  })

  it('refuses a batch over the limit as a whole', async () => {
    const call = { jsonrpc: '2.0', method: 'get_data', id: 1 }
    const res = await raw(server.url, { body: JSON.stringify([call, call, call, call]) })
    expect(JSON.parse(res.body)).toEqual({ jsonrpc: '2.0', error: { code: -32600, message: 'batch too large: 4 requests, the limit is 3' }, id: null })
    const atLimit = JSON.parse((await raw(server.url, { body: JSON.stringify([call, call, call]) })).body)
    expect(atLimit).toHaveLength(3)
  })

  it('refuses a wrong token outright instead of downgrading it', async () => {
    const res = await raw(server.url, { headers: { authorization: 'Bearer not-the-token' } })
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toBe('Bearer')
    expect(JSON.parse(res.body).error.code).toBe(-32001)
    expect((await raw(server.url, { headers: { authorization: `Bearer ${SPEC_TOKEN}` } })).status).toBe(200)
    expect((await raw(server.url, { headers: { authorization: 'Basic abc' } })).status).toBe(401)
  })
})

describe('permissions and params on the daemon', () => {
  const pool = new DaemonPool()
  let daemon: TestDaemon
  beforeAll(async () => { daemon = await pool.start() })
  afterAll(async () => { await pool.cleanup() })

  it('denies a write method without a token, naming the permission needed', async () => {
    await expect(daemon.anonymous.call('node_connect', { multiaddr: '/ip4/127.0.0.1/tcp/1/p2p/12D3KooWEgyWKFwJAhBhfBSTgD1iEiQEyv6RCsNm6UyEJNbQohLr' }))
      .rejects.toMatchObject({ code: -32001, message: "missing permission to invoke 'node_connect' (need 'write')" })
  })

  it('lets the repo token call write methods', async () => {
    const other = await pool.start()
    const result = await daemon.admin.call<{ peerId: string }>('node_connect', { multiaddr: other.addrs[0] })
    expect(result.peerId).toBe(other.node.peerId.toString())
  })

  it.each([
    ['node_info', { extra: 1 }, '/extra'],
    ['node_peers', { all: 'yes' }, '/all'],
    ['node_peers', [1, 2], ''],
    ['node_connect', {}, '/multiaddr'],
    ['node_connect', { multiaddr: 5 }, '/multiaddr'],
    ['node_connect', { multiaddr: 'not a multiaddr' }, '/multiaddr'],
    ['node_connect', { multiaddr: '/ip4/127.0.0.1/tcp/1' }, '/multiaddr'],
    ['node_health', { verbose: true }, '/verbose']
  ])('%s with %j is -32602 naming %s', async (method, params, path) => {
    await expect(daemon.admin.call(method, params as Record<string, unknown>)).rejects.toMatchObject({ code: -32602, data: { path } })
  })

  it('serves Prometheus text with libp2p and cpnet metrics at /metrics', async () => {
    await daemon.anonymous.call('node_info')
    const res = await raw(daemon.rpcUrl, { method: 'GET', path: '/metrics', body: '' })
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toContain('text/plain')
    expect(res.body).toMatch(/^cpnet_rpc_calls_total\{method="node_info",outcome="ok"\} \d+/m)
    expect(res.body).toContain('cpnet_peers_connected')
    expect(res.body).toMatch(/^libp2p_/m)
  })
})
