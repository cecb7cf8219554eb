import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger, type LogFormat, type LogLevel } from '../../src/log/logger.ts'

function capture (format: LogFormat, level: LogLevel = 'info'): { lines: () => string[], log: ReturnType<typeof createLogger> } {
  const out = new PassThrough()
  let text = ''
  out.on('data', c => { text += String(c) })
  return { log: createLogger({ format, level, destination: out }), lines: () => text.split('\n').filter(l => l !== '') }
}

describe('logger', () => {
  it('writes one JSON object per line with level, component and fields', async () => {
    const { log, lines } = capture('json')
    log.forComponent('cpnet:rpc').warn('slow call', { method: 'node_info', ms: 12 })
    log.debug('not shown at info')
    await new Promise(resolve => setImmediate(resolve))
    expect(lines()).toHaveLength(1)
    expect(JSON.parse(lines()[0] as string)).toMatchObject({ level: 40, component: 'cpnet:rpc', msg: 'slow call', method: 'node_info', ms: 12 })
  })

  it('renders short lines for a terminal', async () => {
    const { log, lines } = capture('pretty', 'debug')
    log.forComponent('cpnet:node').debug('started', { peers: 3 })
    await new Promise(resolve => setImmediate(resolve))
    expect(lines()[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} DEBUG cpnet:node {2}started {2}peers=3$/)
  })
})
