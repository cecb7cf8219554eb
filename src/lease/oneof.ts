/**
 * `oneof` members counted on the raw bytes. A protobuf decoder keeps one
 * member when a message carries several (the generated code lets one win), so
 * a frame with two bodies looks like a frame with one once decoded: "exactly
 * one body" (docs/PROTOCOL.md §8) can only be checked before decoding.
 */
import { reader } from 'protons-runtime'

/**
 * The fields of `members` found at the top level of a message, once per
 * occurrence, in wire order; other fields are skipped. Throws on bytes that
 * are not a protobuf message.
 */
export function oneofMembersIn (bytes: Uint8Array, members: ReadonlySet<number>): number[] {
  const r = reader(bytes)
  const found: number[] = []
  while (r.pos < r.len) {
    const tag = r.uint32()
    if (members.has(tag >>> 3)) found.push(tag >>> 3)
    r.skipType(tag & 7)
  }
  return found
}
