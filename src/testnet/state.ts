/**
 * The state file, `testnet.json`: which nodes a testnet has and their pids, so
 * that `status` and `down` work from another shell and after `up` was killed.
 * `up` rewrites it after every step (a node planned, spawned, ready), each
 * time atomically (write, then rename), so it never holds half a document.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { TestnetStateError } from './errors.ts'
import type { TestnetLayout } from './layout.ts'

export const STATE_VERSION = 1

export const NodeRoleSchema = Type.Union([Type.Literal('provider'), Type.Literal('consumer')])
export type NodeRole = Static<typeof NodeRoleSchema>

const NodeRecordSchema = Type.Object({
  // the name is also a directory name: the pattern keeps a hand-edited state from pointing elsewhere
  name: Type.String({ pattern: '^(provider|consumer)-[1-9][0-9]*$' }),
  role: NodeRoleSchema,
  repo: Type.String({ minLength: 1 }),
  log: Type.String({ minLength: 1 }),
  /** Known once the repo is initialised. */
  peerId: Type.Optional(Type.String()),
  /** Known once the daemon is spawned. */
  pid: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Known once the daemon answers RPC. */
  rpcUrl: Type.Optional(Type.String()),
  /** A listen address with /p2p/, known with rpcUrl. */
  multiaddr: Type.Optional(Type.String())
})
export type NodeRecord = Static<typeof NodeRecordSchema>

const TestnetStateSchema = Type.Object({
  version: Type.Literal(STATE_VERSION),
  /** starting: `up` is running; up: every node was ready and connected; down: `down` ran. */
  status: Type.Union([Type.Literal('starting'), Type.Literal('up'), Type.Literal('down')]),
  /** The `up` process while it runs, so that `down` can stop it before it spawns more. */
  upPid: Type.Optional(Type.Integer({ minimum: 1 })),
  createdAt: Type.String(),
  nodes: Type.Array(NodeRecordSchema)
})
export type TestnetState = Static<typeof TestnetStateSchema>

/** The testnet's state, or undefined when the directory has none. */
export function readState (layout: TestnetLayout): TestnetState | undefined {
  if (!existsSync(layout.state)) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(layout.state, 'utf8'))
  } catch (err) {
    throw new TestnetStateError(`${layout.state} is not valid JSON (${(err as Error).message}); remove it once no node of that testnet runs`)
  }
  const problem = Value.Errors(TestnetStateSchema, parsed).First()
  if (problem != null) {
    throw new TestnetStateError(`${layout.state} is not a cpnet testnet state: ${problem.path === '' ? '(document)' : problem.path} ${problem.message}`)
  }
  return parsed as TestnetState
}

export function writeState (layout: TestnetLayout, state: TestnetState): void {
  const tmp = `${layout.state}.tmp`
  writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n')
  renameSync(tmp, layout.state)
}
