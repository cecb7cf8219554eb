/**
 * Writes the generated method reference into docs/RPC.md, between its
 * markers (`npm run docs:rpc`). The registry is built without a node: the
 * reference reads only names and schemas, so whatever the method factories
 * are given stands in and throws if a handler ever calls into it.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PACKAGE_ROOT } from '../src/package.ts'
import { nodeMethods, RPC_NAMESPACES } from '../src/rpc/methods/index.ts'
import { methodReference, withGeneratedBlock } from '../src/rpc/reference.ts'
import type { RegisteredMethod } from '../src/rpc/registry.ts'

type MethodComponents = Parameters<typeof nodeMethods>[0]

/**
 * Stands in for anything: reading a property gives another stand-in (so the
 * factories may destructure what they are given), calling one throws.
 */
function standIn (path: string): unknown {
  const fail = (): never => { throw new Error(`the RPC reference builds its registry without a node, but ${path} was called`) }
  return new Proxy(fail, {
    get: (_target, key) => standIn(`${path}.${String(key)}`),
    apply: fail
  })
}

/** The methods the daemon serves, with handlers that must not run. */
export function documentedMethods (): RegisteredMethod[] {
  return nodeMethods(standIn('node') as MethodComponents).list()
}

/** The method reference of the registry the daemon serves. */
export function rpcReference (): string {
  return methodReference(documentedMethods(), RPC_NAMESPACES)
}

/** From scripts/ or from dist/scripts/. */
export const RPC_DOC_PATH = join(PACKAGE_ROOT, 'docs', 'RPC.md')

/** docs/RPC.md as it should read: its hand-written parts, the reference regenerated. */
export function currentRpcDoc (): string {
  return withGeneratedBlock(readFileSync(RPC_DOC_PATH, 'utf8'), rpcReference())
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(RPC_DOC_PATH, currentRpcDoc())
}
