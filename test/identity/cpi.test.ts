import { describe, expect, it } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { InvalidCpiError, assertOwner, formatCpi, parseCpi } from '../../src/identity/cpi.ts'

describe('CPI', async () => {
  const a = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  const b = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))

  it('formats and parses cpi:<PeerId>/<pool>', () => {
    const text = formatCpi(a, 'h100-sxm')
    expect(text).toBe(`cpi:${a.toString()}/h100-sxm`)
    const cpi = parseCpi(text)
    expect(cpi.peerId.equals(a)).toBe(true)
    expect(cpi.pool).toBe('h100-sxm')
  })

  it.each([
    ['', /starts with/],
    [`${'x'}:${'y'}`, /starts with/],
    ['cpi:', /cpi:<peerId>\/<pool>/],
    ['cpi:notapeerid/pool', /bad PeerId/],
    ['cpi:PEER/Upper', /pool name/],
    ['cpi:PEER/-lead', /pool name/],
    ['cpi:PEER/a/b', /pool name/],
    [`cpi:PEER/${'a'.repeat(64)}`, /pool name/]
  ])('rejects %j', (text, why) => {
    const withPeer = text.replace('PEER', a.toString())
    expect(() => parseCpi(withPeer)).toThrow(InvalidCpiError)
    expect(() => parseCpi(withPeer)).toThrow(why)
  })

  it('ownership: only the PeerId in the CPI owns it', () => {
    const cpi = parseCpi(formatCpi(a, 'pool'))
    expect(() => { assertOwner(cpi, a) }).not.toThrow()
    expect(() => { assertOwner(cpi, b) }).toThrow(/belongs to/)
  })
})
