/**
 * What `cpnet testnet status` reports: each node of the state with whether its
 * daemon runs (checked against the running processes, not just the pid) and,
 * for a running one, how many peers it has by its own `node_health`.
 */
import { testnetLayout } from './layout.ts'
import { daemonsUnder, isDaemonOf, listProcesses, upProcess } from './processes.ts'
import { readClient, type NodeHealth } from './ready.ts'
import { readState, type NodeRole, type TestnetState } from './state.ts'

/** Fields are null, not absent, while unknown, so that the JSON always lists every one. */
export interface NodeStatus {
  name: string
  role: NodeRole
  peerId: string | null
  rpcUrl: string | null
  repo: string
  log: string
  pid: number | null
  alive: boolean
  /** Connected peers, when the node answers. */
  peers: number | null
  /** Its pools' names, when the node answers. */
  pools: string[] | null
}

export interface TestnetStatus {
  dir: string
  /** `interrupted`: `up` stopped before the network was complete (killed, or it failed and could not clean up). */
  status: TestnetState['status'] | 'interrupted'
  createdAt: string
  nodes: NodeStatus[]
}

async function peersOf (rpcUrl: string): Promise<number | null> {
  try {
    return (await readClient(rpcUrl).call<NodeHealth>('node_health')).peers
  } catch {
    return null
  }
}

async function poolsOf (rpcUrl: string): Promise<string[] | null> {
  try {
    return (await readClient(rpcUrl).call<Array<{ name: string }>>('provider_pools')).map(p => p.name)
  } catch {
    return null
  }
}

/** The testnet's status, or undefined when the directory has none. */
export async function testnetStatus (dir: string): Promise<TestnetStatus | undefined> {
  const layout = testnetLayout(dir)
  const state = readState(layout)
  if (state == null) return undefined
  const processes = listProcesses()
  const daemons = daemonsUnder(layout.root, processes)
  const nodes = await Promise.all(state.nodes.map(async (n): Promise<NodeStatus> => {
    const alive = daemons.some(p => p.pid === n.pid && isDaemonOf(p, n.repo))
    return {
      name: n.name,
      role: n.role,
      peerId: n.peerId ?? null,
      rpcUrl: n.rpcUrl ?? null,
      repo: n.repo,
      log: n.log,
      pid: n.pid ?? null,
      alive,
      peers: alive && n.rpcUrl != null ? await peersOf(n.rpcUrl) : null,
      pools: alive && n.rpcUrl != null ? await poolsOf(n.rpcUrl) : null
    }
  }))
  const interrupted = state.status === 'starting' && upProcess(state.upPid, processes) == null
  return { dir: layout.root, status: interrupted ? 'interrupted' : state.status, createdAt: state.createdAt, nodes }
}
