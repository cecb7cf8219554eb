/** Where a node's log is: `cpnet testnet logs <name>`. */
import { NoTestnetError, UnknownNodeError } from './errors.ts'
import { testnetLayout } from './layout.ts'
import { readState } from './state.ts'

export function nodeLogPath (dir: string, name: string): string {
  const layout = testnetLayout(dir)
  const state = readState(layout)
  if (state == null) throw new NoTestnetError(`no testnet in ${layout.root}`)
  const node = state.nodes.find(n => n.name === name)
  if (node == null) throw new UnknownNodeError(`the testnet has no node "${name}" (it has: ${state.nodes.map(n => n.name).join(', ')})`)
  return node.log
}
