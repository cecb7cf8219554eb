/** node_health's levels and reasons, and the HTTP probes GET /health and GET /ready, on real daemons. */
import { request } from 'node:http'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DaemonPool, waitFor, type TestDaemon } from '../helpers/daemons.ts'
import { RpcServer } from '../../src/rpc/http-server.ts'
import type { NodeHealth } from '../../src/rpc/methods/node/health.ts'
import { readDefaults } from '../../src/config/load.ts'
import { silentLogger } from '../../src/log/logger.ts'
import { specRegistry } from './spec-server.ts'
import type { FlagOverride } from '../../src/config/load.ts'

const FAILING_NVIDIA_SMI = join(import.meta.dirname, '..', 'fixtures', 'nvidia-smi', 'failing-driver')
const DRIVER_MESSAGE = "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."

const flag = (path: string, value: unknown): FlagOverride => ({ path, value, flag: 'test' })

/** node:http rather than fetch, so that the Host header can be forged (see http.test.ts). */
async function get (url: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number, body: unknown, type?: string }> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path, headers }, res => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', c => { text += c })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text), type: res.headers['content-type'] }) })
    })
    req.on('error', reject)
    req.end()
  })
}

/** A TCP port nothing listens on: bound by the OS, then closed again. */
async function closedPort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => { server.listen(0, '127.0.0.1', resolve) })
  const port = (server.address() as { port: number }).port
  await new Promise(resolve => { server.close(resolve) })
  return port
}

describe('node health', () => {
  const pool = new DaemonPool()
  afterAll(async () => { await pool.cleanup() })

  it('a lone node with no bootstrap peers and minPeers 4 is degraded, ALONE, and GET /health says so with 200 and no token', async () => {
    const lone = await pool.start()
    const health = await lone.anonymous.call<NodeHealth>('node_health')
    expect(health).toMatchObject({ level: 'degraded', status: 'running', peers: 0, minPeers: 4 })
    expect(health.reasons).toEqual([{ code: 'ALONE', level: 'degraded', message: expect.stringMatching(/no bootstrap peers configured/) }])

    const res = await get(lone.rpcUrl, '/health')
    expect(res.status).toBe(200)
    expect(res.type).toBe('application/json')
    expect(res.body).toMatchObject({ level: 'degraded', reasons: [{ code: 'ALONE' }] })
    expect(await get(lone.rpcUrl, '/ready')).toMatchObject({ status: 200, body: { ready: true } })
    expect((await get(lone.rpcUrl, '/health', {}, 'HEAD')).status).toBe(200)
    // the DNS-rebinding guard stays
    expect((await get(lone.rpcUrl, '/health', { host: 'evil.example' })).status).toBe(403)
    expect((await get(lone.rpcUrl, '/ready', { host: 'evil.example' })).status).toBe(403)
    expect((await get(lone.rpcUrl, '/health', { 'content-type': 'application/json' }, 'POST')).status).toBe(405)
  })

  it('bootstrap peers configured and none reachable is failing: NO_PEERS, GET /health 503', async () => {
    const unreachable = `/ip4/127.0.0.1/tcp/${await closedPort()}/p2p/12D3KooWEgyWKFwJAhBhfBSTgD1iEiQEyv6RCsNm6UyEJNbQohLr`
    const cut = await pool.start({ bootstrap: [unreachable] })
    const health = await cut.anonymous.call<NodeHealth>('node_health')
    expect(health.level).toBe('failing')
    expect(health.reasons.map(r => [r.code, r.level])).toEqual([['NO_PEERS', 'failing']])
    const res = await get(cut.rpcUrl, '/health')
    expect(res.status).toBe(503)
    expect(res.body).toMatchObject({ level: 'failing', reasons: [{ code: 'NO_PEERS', message: expect.stringContaining('1 bootstrap peer') }] })
    // failing is about the network; the daemon itself serves
    expect((await get(cut.rpcUrl, '/ready')).status).toBe(200)
  })

  describe('two connected nodes', () => {
    let a: TestDaemon
    let b: TestDaemon
    beforeAll(async () => {
      a = await pool.start({ extraFlags: [flag('network.minPeers', 1)] })
      b = await pool.start({ bootstrap: [a.addrs[0] as string] })
      await waitFor('both nodes to see a DHT peer', async () => {
        const both = await Promise.all([a, b].map(async d => d.anonymous.call<NodeHealth>('node_health')))
        return both.every(h => h.dhtPeers >= 1)
      })
    })

    it('one peer is enough for minPeers 1: ok, no reasons, 200', async () => {
      expect(await a.anonymous.call<NodeHealth>('node_health')).toMatchObject({ level: 'ok', reasons: [], peers: 1, dhtPeers: 1 })
      expect(await get(a.rpcUrl, '/health')).toMatchObject({ status: 200, body: { level: 'ok' } })
    })

    it('fewer peers than network.minPeers is degraded: FEW_PEERS', async () => {
      const health = await b.anonymous.call<NodeHealth>('node_health')
      expect(health.level).toBe('degraded')
      expect(health.reasons).toEqual([{ code: 'FEW_PEERS', level: 'degraded', message: '1 peer connected, fewer than network.minPeers (4)' }])
    })
  })

  it('an nvidia-smi that is there but fails (exit 9, the driver message) is degraded: GPU_DETECTION_FAILED with its message', async () => {
    const gpuless = await pool.start({ extraFlags: [flag('provider.detectGpus', true), flag('provider.nvidiaSmi', FAILING_NVIDIA_SMI), flag('network.minPeers', 0)] })
    const health = await gpuless.anonymous.call<NodeHealth>('node_health')
    expect(health.level).toBe('degraded')
    expect(health.reasons).toEqual([{ code: 'GPU_DETECTION_FAILED', level: 'degraded', message: expect.stringContaining(`exited with code 9: ${DRIVER_MESSAGE}`) }])
  })

  it('no nvidia-smi installed at all is a machine without GPUs, not a failure', async () => {
    const consumer = await pool.start({ extraFlags: [flag('provider.detectGpus', true), flag('provider.nvidiaSmi', 'cpnet-no-such-nvidia-smi'), flag('network.minPeers', 0)] })
    expect(await consumer.anonymous.call<NodeHealth>('node_health')).toMatchObject({ level: 'ok', reasons: [] })
  })
})

describe('GET /ready', () => {
  it('is 503 with {ready: false} while the daemon is not ready; /health and /ready are 404 on a server without probes', async () => {
    let ready = false
    const config = { ...readDefaults().rpc, port: 0 }
    const health = async (): Promise<NodeHealth> => ({ level: 'ok', reasons: [], status: 'running', peers: 0, dhtPeers: 0, minPeers: 0, uptimeSec: 0 })
    const withProbes = new RpcServer({ config, token: 't', registry: specRegistry(), log: silentLogger(), probes: { health, ready: () => ready } })
    const without = new RpcServer({ config, token: 't', registry: specRegistry(), log: silentLogger() })
    await Promise.all([withProbes.start(), without.start()])
    try {
      expect(await get(withProbes.url, '/ready')).toMatchObject({ status: 503, body: { ready: false } })
      ready = true
      expect(await get(withProbes.url, '/ready')).toMatchObject({ status: 200, body: { ready: true } })
      expect((await get(without.url, '/health')).status).toBe(404)
      expect((await get(without.url, '/ready')).status).toBe(404)
    } finally {
      await Promise.all([withProbes.stop(), without.stop()])
    }
  })
})
