/**
 * The consumer's access request (LeaseRequest.access): its encoding, the hash
 * the Agreement binds, the caps docs/PROTOCOL.md §8.7 states, and the pool's
 * policy. Both sides use the same checks: the consumer before it sends (a
 * bad key is the caller's error, not a round trip), the provider on what
 * arrives, where a refusal names the field and nothing is provisioned.
 */
import { createHash } from 'node:crypto'
import type { Pool } from '../inventory/pool.ts'
import type { AccessRequest } from '../provision/types.ts'
import { AccessRequest as AccessRequestMessage, RejectCode } from './pb/lease.ts'

/** The encoded request at most: with the rest of a LeaseRequest it stays within one 16 KiB frame, which a node of message revision 1.0 also reads. */
export const ACCESS_REQUEST_MAX_BYTES = 12 * 1024
export const SSH_KEYS_MAX = 4
export const SSH_KEY_MAX_CHARS = 4096
export const IMAGE_MAX_CHARS = 255
export const COMMAND_MAX_ARGS = 64
export const COMMAND_MAX_BYTES = 4096
export const ENV_MAX_VARS = 32
export const ENV_VALUE_MAX_BYTES = 1024

/** The key types sshd takes as user keys; the blob inside must name the same type. */
export const SSH_KEY_TYPES = [
  'ssh-ed25519', 'ssh-rsa', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com', 'sk-ecdsa-sha2-nistp256@openssh.com'
] as const

const IMAGE_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9._/:@-]*$/
const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/
/** Printable ASCII (a comment), and values: no control characters, quotes or backslashes (they go inside authorized_keys options). */
const COMMENT_PATTERN = /^[\u0020-\u007e]*$/
const VALUE_PATTERN = /^[^\u0000-\u001f\u007f"\\]*$/
const BASE64_PATTERN = /^[A-Za-z0-9+/]+={0,2}$/
/** Names the provisioner sets (the devices, the lease) or that change what runs: refused from a consumer. */
const RESERVED_ENV = new Set(['CUDA_VISIBLE_DEVICES', 'NVIDIA_VISIBLE_DEVICES', 'ROCR_VISIBLE_DEVICES', 'HIP_VISIBLE_DEVICES', 'GPU_DEVICE_ORDINAL', 'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL'])
const RESERVED_ENV_PREFIXES = ['LD_', 'CPNET_', 'SSH_', 'SLURM_']

/** A request the provider refuses: the wire code, and the field in the message. */
export interface AccessRefusal {
  code: RejectCode.INVALID | RejectCode.POLICY
  /** The field at fault as a JSON pointer below the request: /sshKeys/0, /env/NAME, /image, or '' for the whole. */
  pointer: string
  /** What is wrong with it. */
  problem: string
  /** Both, for the Reject: `access/sshKeys/0: …`. */
  message: string
}

function refusal (code: AccessRefusal['code'], pointer: string, problem: string): AccessRefusal {
  return { code, pointer, problem, message: `access${pointer}: ${problem}` }
}

function invalid (pointer: string, problem: string): AccessRefusal {
  return refusal(RejectCode.INVALID, pointer, problem)
}

function policy (pointer: string, problem: string): AccessRefusal {
  return refusal(RejectCode.POLICY, pointer, problem)
}

export const NO_ACCESS: AccessRequest = { sshKeys: [], command: [], env: {} }

export function encodeAccessRequest (request: AccessRequest): Uint8Array<ArrayBuffer> {
  if (request.sshKeys.length === 0 && request.image == null && request.command.length === 0 && Object.keys(request.env).length === 0) return new Uint8Array(0)
  return AccessRequestMessage.encode({
    sshKeys: request.sshKeys,
    image: request.image ?? '',
    command: request.command,
    env: Object.entries(request.env).map(([name, value]) => ({ name, value }))
  })
}

/** sha256 of the encoded request, as Agreement.accessHash binds it; empty for no request. */
export function accessHash (encoded: Uint8Array): Uint8Array<ArrayBuffer> {
  if (encoded.byteLength === 0) return new Uint8Array(0)
  return new Uint8Array(createHash('sha256').update(encoded).digest())
}

/** An SSH wire blob starts with its key type as a length-prefixed string. */
function blobType (blob: Buffer): string | undefined {
  if (blob.byteLength < 4) return undefined
  const length = blob.readUInt32BE(0)
  if (length > 64 || blob.byteLength < 4 + length) return undefined
  return blob.subarray(4, 4 + length).toString('latin1')
}

function checkSshKey (key: string, i: number): AccessRefusal | undefined {
  const field = `/sshKeys/${i}`
  if (key.length > SSH_KEY_MAX_CHARS) return invalid(field, `longer than ${SSH_KEY_MAX_CHARS} characters`)
  if (!COMMENT_PATTERN.test(key)) return invalid(field, 'has a newline or another control character')
  const [type = '', base64 = '', ...comment] = key.split(' ')
  if (!(SSH_KEY_TYPES as readonly string[]).includes(type)) {
    return invalid(field, `must start with a key type (${SSH_KEY_TYPES.join(', ')}); options such as command= are not allowed`)
  }
  if (!BASE64_PATTERN.test(base64)) return invalid(field, 'the key is not base64')
  if (blobType(Buffer.from(base64, 'base64')) !== type) return invalid(field, `the key's data is not a ${type} key`)
  if (comment.join(' ').includes('"')) return invalid(field, 'the comment has a quote')
  return undefined
}

/** The caps of docs/PROTOCOL.md §8.7, whatever the pool: undefined when the request keeps them. */
export function checkAccessRequest (request: AccessRequest): AccessRefusal | undefined {
  if (request.sshKeys.length > SSH_KEYS_MAX) return invalid('/sshKeys', `at most ${SSH_KEYS_MAX} keys, got ${request.sshKeys.length}`)
  for (const [i, key] of request.sshKeys.entries()) {
    const refusal = checkSshKey(key, i)
    if (refusal != null) return refusal
  }
  if (request.image != null && (request.image.length > IMAGE_MAX_CHARS || !IMAGE_PATTERN.test(request.image))) {
    return invalid('/image', `not an image reference (letters, digits and . _ / : @ -, at most ${IMAGE_MAX_CHARS})`)
  }
  if (request.command.length > COMMAND_MAX_ARGS) return invalid('/command', `at most ${COMMAND_MAX_ARGS} arguments`)
  if (request.command.reduce((n, arg) => n + Buffer.byteLength(arg), 0) > COMMAND_MAX_BYTES) return invalid('/command', `more than ${COMMAND_MAX_BYTES} bytes`)
  if (request.command.some(arg => arg.includes('\u0000'))) return invalid('/command', 'an argument has a NUL byte')
  if (request.command.length > 0 && request.command[0] === '') return invalid('/command', 'the program is empty')
  const env = Object.entries(request.env)
  if (env.length > ENV_MAX_VARS) return invalid('/env', `at most ${ENV_MAX_VARS} variables`)
  for (const [name, value] of env) {
    if (!ENV_NAME_PATTERN.test(name)) return invalid(`/env/${name.slice(0, 64)}`, 'a name is letters, digits and _, not starting with a digit, at most 64')
    if (RESERVED_ENV.has(name) || RESERVED_ENV_PREFIXES.some(p => name.startsWith(p))) return invalid(`/env/${name}`, 'set by the provider; a consumer may not set it')
    if (Buffer.byteLength(value) > ENV_VALUE_MAX_BYTES) return invalid(`/env/${name}`, `longer than ${ENV_VALUE_MAX_BYTES} bytes`)
    if (!VALUE_PATTERN.test(value)) return invalid(`/env/${name}`, 'has a control character, a quote or a backslash')
  }
  return undefined
}

/** Decodes LeaseRequest.access and checks its caps; an empty field is no request. */
export function decodeAccessRequest (bytes: Uint8Array): AccessRequest | AccessRefusal {
  if (bytes.byteLength === 0) return NO_ACCESS
  if (bytes.byteLength > ACCESS_REQUEST_MAX_BYTES) return invalid('', `more than ${ACCESS_REQUEST_MAX_BYTES} bytes`)
  let message: AccessRequestMessage
  try {
    message = AccessRequestMessage.decode(bytes)
  } catch (err) {
    return invalid('', `malformed: ${(err as Error).message}`)
  }
  const env: Record<string, string> = {}
  for (const { name, value } of message.env) {
    if (Object.hasOwn(env, name)) return invalid(`/env/${name.slice(0, 64)}`, 'set twice')
    env[name] = value
  }
  const request: AccessRequest = { sshKeys: message.sshKeys, command: message.command, env, ...(message.image !== '' ? { image: message.image } : {}) }
  return checkAccessRequest(request) ?? request
}

/** What the pool allows: keys where it hands over SSH, images from its list, a command only in a container. */
export function checkAccessPolicy (request: AccessRequest, pool: Pick<Pool, 'name' | 'provisioner' | 'images'>): AccessRefusal | undefined {
  const sshPool = pool.provisioner === 'ssh' || pool.provisioner === 'container' || pool.provisioner === 'slurm'
  if (sshPool && request.sshKeys.length === 0) return invalid('/sshKeys', `pool ${pool.name} hands over SSH access: send 1 to ${SSH_KEYS_MAX} public keys`)
  if (request.image != null && pool.provisioner !== 'container') return policy('/image', `pool ${pool.name} runs no containers`)
  if (request.image != null && !pool.images.includes(request.image)) return policy('/image', `pool ${pool.name} allows only ${pool.images.join(', ')}`)
  if (request.command.length > 0 && pool.provisioner !== 'container') return policy('/command', `pool ${pool.name} runs no commands for consumers (only container pools do)`)
  return undefined
}

export function isAccessRefusal (value: AccessRequest | AccessRefusal): value is AccessRefusal {
  return 'code' in value
}
