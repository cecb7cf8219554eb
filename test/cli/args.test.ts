/** The CLI's value parsers and table helpers: one syntax per kind of value, refusals that say what is accepted. */
import { mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { durationMs, durationSec, gpuMemoryMib, timeArg } from '../../src/cli/args.ts'
import { formatTable, shortCpi, shortPeerId, TABLE_COLUMNS } from '../../src/cli/output.ts'
import { jsonError } from '../../src/cli/output.ts'
import { NoDaemonError } from '../../src/cli/connect.ts'
import { RpcClientError, RpcUnreachableError } from '../../src/rpc/client.ts'
import { readLog } from '../../src/testnet/logs.ts'
import { formatLogLine } from '../../src/log/format.ts'
import { waitFor } from '../helpers/daemons.ts'

const PEER = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVJabc'

describe('durations', () => {
  it('one syntax: 90s, 10m, 1h30m, 2d, 500ms, a bare number of seconds', () => {
    expect(durationMs('90s')).toBe(90_000)
    expect(durationMs('10m')).toBe(600_000)
    expect(durationMs('1h30m')).toBe(5_400_000)
    expect(durationMs('1d2h3m4s')).toBe(((24 + 2) * 3600 + 3 * 60 + 4) * 1000)
    expect(durationMs('500ms')).toBe(500)
    expect(durationMs('1m30s500ms')).toBe(90_500)
    expect(durationMs('600')).toBe(600_000)
    expect(durationSec('1h30m')).toBe(5400)
  })

  it('refuses what is not one, naming the syntax', () => {
    for (const bad of ['', 'soon', '1.5h', '30m1h', '1h1h', '0s', '0', '-5m', '1 h']) {
      expect(() => durationMs(bad), bad).toThrow(/not a duration/)
    }
    expect(() => durationSec('1500ms')).toThrow(/whole number of seconds/)
  })

  it('--since and --until: unix ms, an ISO date, or how long ago', () => {
    const now = 1_800_000_000_000
    expect(timeArg('1700000000000', now)).toBe(1_700_000_000_000)
    expect(timeArg('2026-11-28T12:00:00Z', now)).toBe(Date.parse('2026-11-28T12:00:00Z'))
    expect(timeArg('10m', now)).toBe(now - 600_000)
    expect(timeArg('1h30m', now)).toBe(now - 5_400_000)
    expect(() => timeArg('yesterday', now)).toThrow(/not a time/)
  })
})

describe('--gpu-memory', () => {
  it('GiB like --ram and the gpu_mem filter, or a value with its unit', () => {
    expect(gpuMemoryMib('80')).toBe(80 * 1024)
    expect(gpuMemoryMib('80GiB')).toBe(80 * 1024)
    expect(gpuMemoryMib('80 gib')).toBe(80 * 1024)
    expect(gpuMemoryMib('81559MiB')).toBe(81559)
    expect(gpuMemoryMib('79.6')).toBe(Math.round(79.6 * 1024))
  })

  it('refuses an implausible size with what to write instead', () => {
    expect(() => gpuMemoryMib('0.5')).toThrow(/less than 1 GiB per GPU/)
    expect(() => gpuMemoryMib('512MiB')).toThrow(/less than 1 GiB per GPU/)
    // MiB written without its unit, as the old flag took it
    expect(() => gpuMemoryMib('81559')).toThrow(/more than 2048 GiB per GPU.*81559MiB/)
    expect(() => gpuMemoryMib('80GB')).toThrow(/not a memory size/)
  })
})

describe('tables', () => {
  it('a CPI is short in tables: the PeerId\'s ends and the pool', () => {
    expect(shortCpi(`cpi:${PEER}/gpu-a`)).toBe('12D3…Jabc/gpu-a')
    expect(shortCpi(`cpi:${PEER}/gpu-a`, { wide: true })).toBe(`cpi:${PEER}/gpu-a`)
  })

  it('a PeerId is short in tables: its ends', () => {
    expect(shortPeerId(PEER)).toBe('12D3…Jabc')
    expect(shortPeerId(PEER, { wide: true })).toBe(PEER)
  })

  it('fits the width by cutting the widest cuttable cells, never the others', () => {
    const id = '0123456789abcdef0123456789abcdef'
    const text = formatTable(['LEASE', 'MODEL', 'CPI'], [[id, 'NVIDIA H100 80GB HBM3 with a long name', `cpi:${PEER}/gpu-a`]], { maxWidth: TABLE_COLUMNS, cut: { 1: 9, 2: 14 } })
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(TABLE_COLUMNS)
    expect(text).toContain(id)
    expect(text).toContain('…')
  })
})

describe('--json errors', () => {
  it('the daemon\'s JSON-RPC code and data, a CPNET_* code otherwise', () => {
    expect(jsonError(new RpcClientError(-32602, 'bad gpus', { field: 'gpus' }))).toEqual({ error: { code: -32602, message: 'bad gpus', data: { field: 'gpus' } } })
    expect(jsonError(new NoDaemonError('x'))).toEqual({ error: { code: 'CPNET_NO_DAEMON', message: 'x' } })
    expect(jsonError(new RpcUnreachableError('http://127.0.0.1:1', new Error('refused')))).toEqual({ error: { code: 'CPNET_UNREACHABLE', message: 'cannot reach the daemon at http://127.0.0.1:1: refused' } })
    expect(jsonError(Object.assign(new Error('gone'), { code: 'ENOENT' }))).toEqual({ error: { code: 'CPNET_ERROR', message: 'gone' } })
  })
})

describe('testnet logs', () => {
  const record = (msg: string): string => JSON.stringify({ level: 30, time: Date.parse('2026-12-01T10:00:00.123Z'), component: 'cpnet:rpc', msg, port: 7781 })

  it('pino lines read as text; other lines as they are', () => {
    expect(formatLogLine(record('listening'))).toBe('10:00:00.123 INFO  cpnet:rpc  listening  port=7781')
    expect(formatLogLine('Daemon is ready')).toBe('Daemon is ready')
  })

  it('a JSON line with msg and level but no numeric time is returned as it is', () => {
    for (const line of [
      JSON.stringify({ level: 30, msg: 'no time' }),
      JSON.stringify({ level: 30, time: 'noon', msg: 'a text time' }),
      JSON.stringify({ level: 30, time: 1e20, msg: 'beyond any date' })
    ]) expect(formatLogLine(line)).toBe(line)
  })

  it('--follow shows a line appended as it starts, before any change is seen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpnet-logs-'))
    try {
      const path = join(dir, 'daemon.log')
      writeFileSync(path, 'Daemon is ready\n')
      const lines: string[] = []
      const controller = new AbortController()
      const following = readLog(path, { raw: true, follow: true, signal: controller.signal, write: l => { lines.push(l) } })
      // in the same tick as the start: no later change tells a change watcher about it
      appendFileSync(path, 'at once\n')
      await waitFor('the line appended at the start', () => lines.length === 2, 5_000)
      controller.abort()
      await following
      expect(lines).toEqual(['Daemon is ready', 'at once'])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a character whose bytes fall on both sides of a read chunk boundary reads whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpnet-logs-'))
    try {
      const path = join(dir, 'daemon.log')
      // 64 KiB reads: "€" (3 bytes) starts two bytes before the first boundary
      const first = 'a'.repeat(64 * 1024 - 2) + '€ first'
      writeFileSync(path, `${first}\n${record('second ✓')}\n`)
      const lines: string[] = []
      await readLog(path, { raw: true, write: l => { lines.push(l) } })
      expect(lines).toEqual([first, record('second ✓')])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('--follow prints lines appended later, a half-written one once complete, until stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpnet-logs-'))
    try {
      const path = join(dir, 'daemon.log')
      writeFileSync(path, `Daemon is ready\n${record('first')}\n`)
      const lines: string[] = []
      const controller = new AbortController()
      const following = readLog(path, { follow: true, signal: controller.signal, write: l => { lines.push(l) } })
      await waitFor('the lines already there', () => lines.length === 2)
      appendFileSync(path, record('second').slice(0, 20))
      appendFileSync(path, record('second').slice(20) + '\n')
      await waitFor('the appended line', () => lines.length === 3)
      controller.abort()
      await following
      expect(lines).toEqual(['Daemon is ready', expect.stringMatching(/INFO {2}cpnet:rpc {2}first/), expect.stringMatching(/INFO {2}cpnet:rpc {2}second/)])
      const raw: string[] = []
      await readLog(path, { raw: true, write: l => { raw.push(l) } })
      expect(raw[1]).toBe(record('first'))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
