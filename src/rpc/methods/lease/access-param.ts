/**
 * lease_request's `access` param: the consumer's access request in JSON,
 * checked with the same caps the provider applies (docs/PROTOCOL.md §8.7), so
 * that a bad key is a -32602 naming it here rather than a refusal there.
 */
import { Type, type Static } from '@sinclair/typebox'
import { ACCESS_REQUEST_MAX_BYTES, checkAccessRequest, COMMAND_MAX_ARGS, encodeAccessRequest, ENV_MAX_VARS, IMAGE_MAX_CHARS, SSH_KEY_MAX_CHARS, SSH_KEYS_MAX } from '../../../lease/access-request.ts'
import type { AccessRequest } from '../../../provision/types.ts'
import { InvalidParamsError } from '../../errors.ts'

export const AccessParamSchema = Type.Object({
  sshKeys: Type.Optional(Type.Array(Type.String({ maxLength: SSH_KEY_MAX_CHARS, description: 'An OpenSSH public key line, "<type> <base64>[ <comment>]", no options' }), { maxItems: SSH_KEYS_MAX, description: 'Keys that may log in (ssh and container pools need at least one)' })),
  image: Type.Optional(Type.String({ maxLength: IMAGE_MAX_CHARS, description: 'Container pools: an image from the pool\'s allowed list; default the pool\'s first' })),
  command: Type.Optional(Type.Array(Type.String(), { maxItems: COMMAND_MAX_ARGS, description: 'Container pools: argv run in the container once it is up (never through a shell)' })),
  env: Type.Optional(Type.Record(Type.String(), Type.String(), { description: `Environment of the sessions and the command, at most ${ENV_MAX_VARS} variables; the provider sets CUDA_VISIBLE_DEVICES and its kin` }))
}, { additionalProperties: false, description: 'How to reach the lease: SSH keys, and in container pools an image, a command and environment (docs/PROTOCOL.md §8.7)' })
export type AccessParam = Static<typeof AccessParamSchema>

/** The access request the param asks for; -32602 naming the field when it breaks a cap. */
export function accessRequestParam (param: AccessParam | undefined): AccessRequest | undefined {
  if (param == null) return undefined
  const request: AccessRequest = { sshKeys: param.sshKeys ?? [], command: param.command ?? [], env: param.env ?? {}, ...(param.image != null ? { image: param.image } : {}) }
  const refusal = checkAccessRequest(request)
  if (refusal != null) throw new InvalidParamsError(`/access${refusal.pointer}`, refusal.problem)
  // every field within its cap can still make a request over the whole one, which the provider would refuse
  const bytes = encodeAccessRequest(request).byteLength
  if (bytes > ACCESS_REQUEST_MAX_BYTES) throw new InvalidParamsError('/access', `${bytes} bytes encoded, more than ${ACCESS_REQUEST_MAX_BYTES}`)
  return request
}
