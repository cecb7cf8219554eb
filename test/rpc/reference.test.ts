/**
 * docs/RPC.md's method reference is the registry's schemas: the file must
 * hold exactly what the generator writes, and the generator must be
 * deterministic and refuse what it cannot describe.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Type, type TSchema } from '@sinclair/typebox'
import { currentRpcDoc, documentedMethods, rpcReference, RPC_DOC_PATH } from '../../scripts/docs-rpc.ts'
import { RPC_NAMESPACES } from '../../src/rpc/methods/index.ts'
import { GeneratedBlockError, methodReference, TypeTitleError, withGeneratedBlock } from '../../src/rpc/reference.ts'
import type { MethodDefinition } from '../../src/rpc/registry.ts'

const method = (name: string, result: TSchema): MethodDefinition => ({
  name, summary: 'an example', permission: 'read', params: Type.Object({}), result, handler: () => null
})

/** Every params and result field, by its path, with its schema. */
function fields (prefix: string, schema: TSchema): Array<[string, TSchema]> {
  const props = Object.entries((schema.properties ?? {}) as Record<string, TSchema>)
  return props.flatMap(([key, s]) => [[prefix + key, s] as [string, TSchema], ...fields(`${prefix}${key}.`, s.type === 'array' ? s.items as TSchema : s)])
}

describe('docs/RPC.md', () => {
  it('holds the method reference generated from the registry', () => {
    expect(readFileSync(RPC_DOC_PATH, 'utf8'), 'docs/RPC.md is out of date: run `npm run docs:rpc`').toBe(currentRpcDoc())
  })

  it('documents every method the daemon serves', () => {
    const reference = rpcReference()
    const names = documentedMethods().map(m => m.name)
    expect(names.length).toBeGreaterThan(20)
    for (const name of names) expect(reference).toContain(`#### \`${name}\``)
  })

  it('describes every param, so that a caller knows what to send', () => {
    const undescribed = documentedMethods()
      .flatMap(m => fields(`${m.name} `, m.params).filter(([, s]) => typeof s.description !== 'string' && typeof s.title !== 'string').map(([path]) => path))
    expect(undescribed).toEqual([])
  })
})

describe('method reference', () => {
  it('does not depend on the order the methods come in', () => {
    const defs = documentedMethods()
    expect(methodReference([...defs].reverse(), RPC_NAMESPACES)).toBe(methodReference(defs, RPC_NAMESPACES))
  })

  it('describes a named type once and links it', () => {
    const Thing = Type.Object({ size: Type.Integer({ minimum: 1, description: 'how big' }) }, { title: 'Thing' })
    const text = methodReference([method('node_a', Thing), method('node_b', Type.Array(Thing))], ['node'])
    expect(text).toContain('**Result**: [`Thing`](#type-thing).')
    expect(text).toContain('**Result**: array of [`Thing`](#type-thing).')
    expect(text.match(/#### `Thing`/g)).toHaveLength(1)
    expect(text).toContain('| `size` | integer | yes | ≥ 1 | how big |')
  })

  it('expands unnamed objects and arrays of them into dotted rows, Markdown-safe', () => {
    const result = Type.Object({ items: Type.Array(Type.Object({ id: Type.String({ description: 'cpi:<peerId>/<pool>' }), tags: Type.Optional(Type.Array(Type.String())) })) })
    const text = methodReference([method('node_a', result)], ['node'])
    expect(text).toContain('| `items[].id` | string | yes |  | cpi:`<peerId>`/`<pool>` |')
    expect(text).toContain('| `items[].tags` | array of string | no |  |  |')
  })

  it('refuses one title on two different schemas', () => {
    const a = Type.Object({ x: Type.String() }, { title: 'Thing' })
    const b = Type.Object({ y: Type.String() }, { title: 'Thing' })
    expect(() => methodReference([method('node_a', a), method('node_b', b)], ['node'])).toThrow(TypeTitleError)
  })

  it('replaces only the text between the markers', () => {
    const doc = 'before\n<!-- BEGIN GENERATED METHODS -->\nold\n<!-- END GENERATED METHODS -->\nafter\n'
    expect(withGeneratedBlock(doc, 'NEW')).toBe('before\nNEW\nafter\n')
    expect(() => withGeneratedBlock('no markers', 'NEW')).toThrow(GeneratedBlockError)
  })
})
