/**
 * The consumer's access request: real OpenSSH keys taken, malformed or
 * optioned ones refused naming the field, caps and reserved names enforced,
 * the encoding round-trips and its hash binds the bytes; a pool's policy
 * (images, SSH needed) applied.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { accessHash, checkAccessPolicy, checkAccessRequest, decodeAccessRequest, encodeAccessRequest, isAccessRefusal, NO_ACCESS } from '../../src/lease/access-request.ts'
import { AccessRequest as AccessRequestMessage, RejectCode } from '../../src/lease/pb/lease.ts'
import type { AccessRequest } from '../../src/provision/types.ts'

const dir = mkdtempSync(join(tmpdir(), 'cpnet-access-'))
afterAll(() => { rmSync(dir, { recursive: true, force: true }) })

/** A real public key from ssh-keygen where it is installed; a fixed ed25519 key otherwise (never under CI=true, where ssh-keygen must be there). */
function publicKey (type: 'ed25519' | 'rsa' | 'ecdsa'): string {
  const file = join(dir, `id_${type}`)
  try {
    execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', 'me@laptop', '-f', file])
    return readFileSync(`${file}.pub`, 'utf8').trim()
  } catch (err) {
    if (process.env.CI === 'true') throw new Error(`ssh-keygen must run under CI: ${(err as Error).message}`)
    return 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPmsGK0YN4lsG5Kh+t8ixgRp9t0ks4Gq4l/3kQ2f8hYz me@laptop'
  }
}

const ed25519 = publicKey('ed25519')
const request = (over: Partial<AccessRequest> = {}): AccessRequest => ({ sshKeys: [ed25519], command: [], env: {}, ...over })
const sshPool = { name: 'h100', provisioner: 'ssh' as const, images: [] }
const containerPool = { name: 'box', provisioner: 'container' as const, images: ['cpnet/cuda:12', 'cpnet/torch:2'] }

describe('access requests', () => {
  it('takes real ed25519, rsa and ecdsa keys with their comments', () => {
    for (const key of [ed25519, publicKey('rsa'), publicKey('ecdsa')]) expect(checkAccessRequest(request({ sshKeys: [key] }))).toBeUndefined()
  })

  it('round-trips through its encoding, and the hash binds the bytes sent', () => {
    const asked = request({ image: 'cpnet/cuda:12', command: ['python', '-c', 'print(1)'], env: { WANDB_MODE: 'offline' } })
    const bytes = encodeAccessRequest(asked)
    expect(decodeAccessRequest(bytes)).toEqual(asked)
    expect(accessHash(bytes)).toHaveLength(32)
    expect(encodeAccessRequest(NO_ACCESS)).toHaveLength(0)
    expect(accessHash(new Uint8Array(0))).toHaveLength(0)
  })

  const [type, base64] = ed25519.split(' ') as [string, string]
  it.each([
    ['five keys', request({ sshKeys: [ed25519, ed25519, ed25519, ed25519, ed25519] }), '/sshKeys', /at most 4/],
    ['an options prefix', request({ sshKeys: [`command="rm -rf /" ${ed25519}`] }), '/sshKeys/0', /options such as command= are not allowed/],
    ['a newline', request({ sshKeys: [`${ed25519}\nssh-ed25519 ${base64}`] }), '/sshKeys/0', /newline/],
    ['an unknown type', request({ sshKeys: [`ssh-dss ${base64}`] }), '/sshKeys/0', /must start with a key type/],
    ['bad base64', request({ sshKeys: [`${type} not*base64`] }), '/sshKeys/0', /not base64/],
    ['a type the data does not match', request({ sshKeys: [`ssh-rsa ${base64}`] }), '/sshKeys/0', /not a ssh-rsa key/],
    ['a quote in the comment', request({ sshKeys: [`${type} ${base64} a"b`] }), '/sshKeys/0', /quote/],
    ['a huge key', request({ sshKeys: [`${type} ${'A'.repeat(5000)}`] }), '/sshKeys/0', /longer than 4096/],
    ['a bad image', request({ image: '../../etc; rm' }), '/image', /not an image reference/],
    ['too many arguments', request({ command: Array(65).fill('x') }), '/command', /at most 64/],
    ['an oversized command', request({ command: ['sh', 'x'.repeat(5000)] }), '/command', /more than 4096 bytes/],
    ['a NUL in the command', request({ command: ['sh', 'a\u0000b'] }), '/command', /NUL/],
    ['a reserved variable', request({ env: { CUDA_VISIBLE_DEVICES: '0,1,2,3' } }), '/env/CUDA_VISIBLE_DEVICES', /set by the provider/],
    ['an LD_ variable', request({ env: { LD_PRELOAD: '/tmp/x.so' } }), '/env/LD_PRELOAD', /set by the provider/],
    ['a bad name', request({ env: { '1X': 'y' } }), '/env/1X', /a name is/],
    ['a quote in a value', request({ env: { X: 'a"b' } }), '/env/X', /quote/],
    ['a newline in a value', request({ env: { X: 'a\nb' } }), '/env/X', /control character/],
    ['33 variables', request({ env: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`V${i}`, 'x'])) }), '/env', /at most 32/]
  ])('refuses %s, naming the field', (_what, asked, pointer, problem) => {
    const refusal = checkAccessRequest(asked)
    expect(refusal?.code).toBe(RejectCode.INVALID)
    expect(refusal?.pointer).toBe(pointer)
    expect(refusal?.problem).toMatch(problem)
    expect(refusal?.message).toBe(`access${pointer}: ${refusal?.problem ?? ''}`)
  })

  it('refuses frames it cannot read, twice-set variables and oversized ones', () => {
    const garbage = decodeAccessRequest(new Uint8Array([0x0a, 0xff, 0xff, 0xff]))
    expect(isAccessRefusal(garbage) && garbage.problem).toMatch(/malformed/)
    const twice = decodeAccessRequest(AccessRequestMessage.encode({ sshKeys: [ed25519], image: '', command: [], env: [{ name: 'A', value: '1' }, { name: 'A', value: '2' }] }))
    expect(isAccessRefusal(twice) && twice.pointer).toBe('/env/A')
    const huge = decodeAccessRequest(new Uint8Array(17 * 1024))
    expect(isAccessRefusal(huge) && huge.problem).toMatch(/more than 12288 bytes/)
  })

  it('holds each pool to its policy', () => {
    expect(checkAccessPolicy(request(), sshPool)).toBeUndefined()
    expect(checkAccessPolicy(request({ sshKeys: [] }), sshPool)?.pointer).toBe('/sshKeys')
    expect(checkAccessPolicy(NO_ACCESS, { name: 'plain', provisioner: 'hook', images: [] })).toBeUndefined()
    const image = checkAccessPolicy(request({ image: 'cpnet/cuda:12' }), sshPool)
    expect([image?.code, image?.pointer]).toEqual([RejectCode.POLICY, '/image'])
    const notAllowed = checkAccessPolicy(request({ image: 'evil/miner:latest' }), containerPool)
    expect([notAllowed?.code, notAllowed?.problem]).toEqual([RejectCode.POLICY, 'pool box allows only cpnet/cuda:12, cpnet/torch:2'])
    expect(checkAccessPolicy(request({ image: 'cpnet/torch:2', command: ['python'] }), containerPool)).toBeUndefined()
    expect(checkAccessPolicy(request({ command: ['python'] }), sshPool)?.code).toBe(RejectCode.POLICY)
  })
})
