import { describe, expect, it } from 'vitest'
import { Type } from '@sinclair/typebox'
import { MethodRegistry, type MethodDefinition } from '../../src/rpc/registry.ts'

const good: MethodDefinition = {
  name: 'node_example',
  summary: 'an example',
  permission: 'read',
  params: Type.Object({}),
  result: Type.Null(),
  handler: () => null
}

describe('method registry', () => {
  it('accepts a complete definition', () => {
    expect(new MethodRegistry({ namespaces: ['node'] }).register(good).get('node_example')).toBeDefined()
  })

  it.each([
    ['no permission', { permission: undefined }, /declares no permission/],
    ['an unknown permission', { permission: 'root' }, /declares no permission/],
    ['no params schema', { params: undefined }, /declares no params schema/],
    ['a non-object params schema', { params: Type.String() }, /declares no params schema/],
    ['no result schema', { result: undefined }, /declares no result schema/],
    ['no summary', { summary: '' }, /has no summary/],
    ['a name outside the namespaces', { name: 'wallet_send' }, /namespace/],
    ['a name without a namespace', { name: 'info' }, /namespace/],
    ['an rpc_ name posing as the reserved rpc. prefix', { name: 'rpc_anything' }, /namespace/],
    ['an empty method after the namespace', { name: 'node_' }, /namespace/],
    ['two underscores', { name: 'node__info' }, /namespace/],
    ['an invalid name', { name: 'Node Info' }, /not a valid method name/]
  ])('refuses a method with %s at start-up', (_what, change, message) => {
    const registry = new MethodRegistry({ namespaces: ['node'] })
    expect(() => registry.register({ ...good, ...change } as MethodDefinition)).toThrow(message)
  })

  it('refuses a name registered twice', () => {
    expect(() => new MethodRegistry().register(good, good)).toThrow(/registered twice/)
  })
})
