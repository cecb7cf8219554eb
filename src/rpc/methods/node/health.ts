/**
 * How well the node is doing, as a level with the reasons behind it; the same
 * report answers `node_health` and the HTTP `GET /health` of load balancers and
 * supervisors (see http-server.ts).
 *
 * - failing: the node cannot do what it is for: it is not running, or it is
 *   cut off from the network it was told to join (bootstrap peers are
 *   configured and not one peer is connected). GET /health answers 503.
 * - degraded: it works, short of what it was configured for: fewer peers than
 *   `network.minPeers` (or none at all, with no bootstrap peers to find any),
 *   no connected peer in our DHT, or an nvidia-smi that is there but failed.
 * - ok: none of these.
 */
import { Type, type Static } from '@sinclair/typebox'
import { defineMethod } from '../../registry.ts'
import type { RpcComponents } from '../components.ts'
import type { CpnetLibp2p } from '../../../host/libp2p.ts'
import { NODE_STATUSES } from '../../../host/lifecycle.ts'

const HEALTH_LEVELS = ['ok', 'degraded', 'failing'] as const
type HealthLevel = typeof HEALTH_LEVELS[number]

/** Every reason a node gives, with the level it sets. */
const HEALTH_REASONS = {
  NOT_RUNNING: 'failing',
  NO_PEERS: 'failing',
  ALONE: 'degraded',
  FEW_PEERS: 'degraded',
  NO_DHT_PEERS: 'degraded',
  GPU_DETECTION_FAILED: 'degraded',
  SLURM_UNREADABLE: 'degraded'
} as const satisfies Record<string, Exclude<HealthLevel, 'ok'>>
type HealthReasonCode = keyof typeof HEALTH_REASONS

const HealthReason = Type.Object({
  code: Type.Union(Object.keys(HEALTH_REASONS).map(c => Type.Literal(c)), { description: 'Stable code of the reason' }),
  level: Type.Union([Type.Literal('degraded'), Type.Literal('failing')], { description: 'The level this reason sets' }),
  message: Type.String({ description: 'What is wrong, for a person' })
})

const NodeHealthResult = Type.Object({
  level: Type.Union(HEALTH_LEVELS.map(l => Type.Literal(l)), { description: 'ok, degraded or failing: the worst level among the reasons' }),
  reasons: Type.Array(HealthReason, { description: 'Why the level is not ok; empty when it is' }),
  status: Type.Union(NODE_STATUSES.map(s => Type.Literal(s)), { description: 'Node lifecycle state' }),
  peers: Type.Integer({ description: 'Connected peers' }),
  dhtPeers: Type.Integer({ description: 'Connected peers that speak our DHT protocol' }),
  minPeers: Type.Integer({ description: 'network.minPeers: fewer connections than this is degraded' }),
  uptimeSec: Type.Number({ description: 'Seconds since the node started' })
})

export type NodeHealth = Static<typeof NodeHealthResult>
type Reason = Static<typeof HealthReason>

function reason (code: HealthReasonCode, message: string): Reason {
  return { code, level: HEALTH_REASONS[code], message }
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

/** The node's health now. */
export async function healthReport (components: Pick<RpcComponents, 'node' | 'config' | 'inventory' | 'libp2p'>): Promise<NodeHealth> {
  const { bootstrap, network, dht } = components.config
  const running = components.node.status === 'running'
  // the parts are read before the await below, across which the node may begin to stop (and drop them)
  const detection = running ? components.inventory.detection : undefined
  const slurm = running ? components.inventory.slurm : undefined
  const libp2p = running ? components.libp2p : undefined
  const peers = libp2p?.getPeers().length ?? 0
  const dhtPeers = libp2p != null ? await countDhtPeers(libp2p, dht.protocol) : 0
  const reasons: Reason[] = []
  if (!running) {
    reasons.push(reason('NOT_RUNNING', `the node is ${components.node.status}`))
  } else {
    if (peers === 0 && bootstrap.length > 0) {
      reasons.push(reason('NO_PEERS', `no peers connected: none of the ${plural(bootstrap.length, 'bootstrap peer')} could be reached`))
    } else if (peers === 0 && network.minPeers > 0) {
      // a valid set-up (the first node of a network, a machine on its own), so not failing; but it is in no network yet
      reasons.push(reason('ALONE', 'no peers connected and no bootstrap peers configured: this node only meets peers that dial it or that `cpnet connect` adds'))
    } else if (peers < network.minPeers) {
      reasons.push(reason('FEW_PEERS', `${plural(peers, 'peer')} connected, fewer than network.minPeers (${network.minPeers})`))
    }
    if (peers > 0 && dhtPeers === 0) reasons.push(reason('NO_DHT_PEERS', `none of the ${plural(peers, 'connected peer')} speaks ${dht.protocol}`))
    if (detection?.error != null) reasons.push(reason('GPU_DETECTION_FAILED', detection.gpus > 0
      ? `GPU re-detection failed, the ${detection.gpus} GPUs detected before are still offered: ${detection.error}`
      : `GPU detection failed, only declared pools are offered: ${detection.error}`))
    for (const pool of slurm ?? []) {
      if (pool.error != null) reasons.push(reason('SLURM_UNREADABLE', `Slurm pool ${pool.pool} cannot be read, ${pool.total > 0 ? `its last reading (${plural(pool.total, 'GPU')}) is still offered` : 'so it is not offered'}: ${pool.error}`))
    }
  }
  const level: HealthLevel = reasons.some(r => r.level === 'failing') ? 'failing' : reasons.length > 0 ? 'degraded' : 'ok'
  return { level, reasons, status: components.node.status, peers, dhtPeers, minPeers: network.minPeers, uptimeSec: Math.round(components.node.uptimeSeconds) }
}

export function nodeHealth (components: Pick<RpcComponents, 'node' | 'config' | 'inventory' | 'libp2p'>) {
  return defineMethod({
    name: 'node_health',
    summary: 'How the node is doing: ok, degraded or failing, with the reasons',
    description: 'The reasons and their levels are listed under Health. GET /health answers the same report: 200 for ok and degraded, 503 for failing.',
    permission: 'read',
    params: Type.Object({}, { additionalProperties: false }),
    result: NodeHealthResult,
    handler: async () => healthReport(components)
  })
}

async function countDhtPeers (libp2p: CpnetLibp2p, protocol: string): Promise<number> {
  let count = 0
  for (const peerId of libp2p.getPeers()) {
    const peer = await libp2p.peerStore.get(peerId).catch(() => undefined)
    if (peer?.protocols.some(p => p.startsWith(protocol)) === true) count++
  }
  return count
}
