/** JSON-RPC over WebSocket on the API port, and what a misbehaving client gets. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import type { RpcServer } from '../../src/rpc/http-server.ts'
import { SPEC_TOKEN, startSpecServer } from './spec-server.ts'

function wsUrl (server: RpcServer): string {
  return server.url.replace('http://', 'ws://')
}

async function open (url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  const ws = new WebSocket(url, { headers })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => { resolve() })
    ws.once('error', reject)
  })
  return ws
}

async function nextMessage (ws: WebSocket): Promise<unknown> {
  return new Promise(resolve => { ws.once('message', data => { resolve(JSON.parse(String(data))) }) })
}

describe('WebSocket transport', () => {
  let server: RpcServer
  beforeAll(async () => { server = await startSpecServer() })
  afterAll(async () => { await server.stop() })

  it('answers calls and batches, and survives garbage frames', async () => {
    const ws = await open(wsUrl(server))
    ws.send('{"jsonrpc":"2.0","method":"subtract","params":[42,23],"id":1}')
    expect(await nextMessage(ws)).toEqual({ jsonrpc: '2.0', result: 19, id: 1 })
    ws.send('this is not json')
    expect(await nextMessage(ws)).toEqual({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null })
    ws.send(Buffer.from([0xff, 0x00, 0x13]))
    expect(await nextMessage(ws)).toMatchObject({ error: { code: -32700 } })
    ws.send('[{"jsonrpc":"2.0","method":"get_data","id":"a"},{"jsonrpc":"2.0","method":"notify_hello","params":[1]}]')
    expect(await nextMessage(ws)).toEqual([{ jsonrpc: '2.0', result: ['hello', 5], id: 'a' }])
    ws.close()
  })

  it('refuses an upgrade with a forged Host or a wrong token', async () => {
    await expect(open(wsUrl(server), { host: 'evil.example' })).rejects.toThrow(/403/)
    await expect(open(wsUrl(server), { authorization: 'Bearer wrong' })).rejects.toThrow(/401/)
    const ok = await open(wsUrl(server), { authorization: `Bearer ${SPEC_TOKEN}` })
    ok.close()
  })

  it('caps the number of connections', async () => {
    const capped = await startSpecServer({ maxWsConnections: 2 })
    try {
      const a = await open(wsUrl(capped))
      const b = await open(wsUrl(capped))
      await expect(open(wsUrl(capped))).rejects.toThrow(/503/)
      a.close()
      b.close()
    } finally {
      await capped.stop()
    }
  })
})
