/**
 * Builds the libp2p node from the validated config. Every choice that the
 * pitfalls in docs/ARCHITECTURE.md describe is made here and nowhere else.
 */
import { createHash } from 'node:crypto'
import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify, type Identify } from '@libp2p/identify'
import { ping, type Ping } from '@libp2p/ping'
import { kadDHT, passthroughMapper, removePrivateAddressesMapper, type KadDHT, type Validators, type Selectors } from '@libp2p/kad-dht'
import { gossipsub, type GossipSub } from '@libp2p/gossipsub'
import type { PeerScoreThresholds, TopicScoreParams } from '@libp2p/gossipsub/score'
import type { RPC } from '@libp2p/gossipsub/message'
import { prometheusMetrics } from '@libp2p/prometheus-metrics'
import type { PrivateKey } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'
import type { Registry } from 'prom-client'
import type { Config } from '../config/schema.ts'

// a type alias, not an interface: libp2p's ServiceMap needs an index signature
export type CpnetServices = {
  identify: Identify
  ping: Ping
  dht: KadDHT
  pubsub: GossipSub
}

export type CpnetLibp2p = Libp2p<CpnetServices>

/**
 * Gossipsub checks a message's signature before it looks for a duplicate,
 * unless a fast id names the duplicate first; with a mesh of six, every
 * message came in about six times and each copy cost an Ed25519 verify (the
 * largest single cost of a 50-node network in the benchmarks). The id is a
 * hash over every signed field and the signature, so only a byte-identical
 * copy of a message that already verified is skipped: gossipsub caches fast
 * ids after the signature check, never before.
 */
function fastMessageId (message: RPC.Message): string {
  const hash = createHash('sha256')
  for (const part of [message.from, message.seqno, message.data, message.signature, message.key]) {
    hash.update(part ?? EMPTY)
    hash.update(SEPARATOR)
  }
  hash.update(message.topic)
  return hash.digest('base64')
}
const EMPTY = new Uint8Array(0)
const SEPARATOR = new Uint8Array([0])

/** tcp for daemons; memory for in-process networks in tests and benchmarks. */
export type TransportKind = 'tcp' | 'memory'

export interface BuildLibp2pInit {
  config: Config
  privateKey: PrivateKey
  datastore: Datastore
  transport?: TransportKind
  /** Prometheus registry for libp2p's metrics; omitted means no libp2p metrics. */
  metricsRegistry?: Registry
  /** DHT record validators and selectors by key namespace (`/cpnet/...` → `cpnet`). */
  dhtValidators?: Validators
  dhtSelectors?: Selectors
  /** Gossipsub score parameters by topic (an unscored topic costs a misbehaving peer nothing) and thresholds. */
  gossipScoring?: {
    topics: Record<string, TopicScoreParams>
    thresholds: PeerScoreThresholds
  }
}

/**
 * The connection monitor pings every connection; with kad-dht also pinging,
 * the default stream limits of 2 are exceeded and healthy connections get closed.
 */
const PING_STREAM_LIMIT = 8

/**
 * kad-dht 16.4 decides the mode itself when clientMode is left undefined: it
 * starts as a client and, on every update of the node's own peer record,
 * becomes a server when one of the node's addresses is public (not a private,
 * loopback or link-local IP, not a relay) and a client again when none is.
 * That record lists only verified addresses: `announce` addresses, and
 * private listen addresses; a public listen or observed address counts only
 * once something confirms it (autoNAT, which this node does not run). So in
 * `auto` a node behind NAT, and any node that announces no public address,
 * stays a client and opens no DHT server to the Internet.
 */
const CLIENT_MODE: Record<Config['dht']['mode'], boolean | undefined> = { client: true, server: false, auto: undefined }
const LOOPBACK_V4 = '127.0.0.1'

/**
 * kad-dht 16.4 keeps provider records (ours and others') in its datastore and
 * checks them every `interval`: others' are dropped once older than `validity`
 * (getProviders itself does not look at age), ours are re-provided once they
 * are within `threshold` of it. With threshold = validity − interval a record
 * of ours is re-provided one to two intervals after it was written, so it never
 * lapses while the node runs (config guarantees validity ≥ 3 × interval), and a
 * stopped provider is forgotten by others within validity + interval.
 * (`providers.provideValidity` is not read by kad-dht 16.4.)
 */
function reprovideOptions (discovery: Config['discovery']): { validity: number, interval: number, threshold: number } {
  const validity = discovery.provideValiditySec * 1000
  const interval = discovery.reprovideIntervalSec * 1000
  return { validity, interval, threshold: validity - interval }
}

export async function buildLibp2p (init: BuildLibp2pInit): Promise<CpnetLibp2p> {
  const { config } = init
  const transport = init.transport ?? 'tcp'
  // a dev dependency (tests, benchmarks): loaded only for an in-process network, so a production install runs without it
  const transports = transport === 'memory' ? [(await import('@libp2p/memory')).memory()] : [tcp()]
  return createLibp2p<CpnetServices>({
    privateKey: init.privateKey,
    datastore: init.datastore,
    start: false,
    addresses: { listen: config.listen, announce: config.announce },
    transports,
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: {
      maxConnections: config.network.maxConnections,
      inboundConnectionThreshold: config.network.inboundConnectionThreshold
    },
    metrics: init.metricsRegistry != null
      ? prometheusMetrics({ registry: init.metricsRegistry, preserveExistingMetrics: true, collectDefaultMetrics: false })
      : undefined,
    services: {
      identify: identify(),
      ping: ping({ maxInboundStreams: PING_STREAM_LIMIT, maxOutboundStreams: PING_STREAM_LIMIT }),
      dht: kadDHT({
        protocol: config.dht.protocol,
        clientMode: CLIENT_MODE[config.dht.mode],
        peerInfoMapper: config.dht.addresses === 'all' ? passthroughMapper : removePrivateAddressesMapper,
        validators: init.dhtValidators ?? {},
        selectors: init.dhtSelectors ?? {},
        reprovide: reprovideOptions(config.discovery)
      }),
      pubsub: gossipsub({
        globalSignaturePolicy: 'StrictSign',
        allowPublishToZeroTopicPeers: true,
        fastMsgIdFn: fastMessageId,
        scoreParams: {
          topics: init.gossipScoring?.topics ?? {},
          ...(config.network.gossipLoopbackWhitelist ? { IPColocationFactorWhitelist: new Set([LOOPBACK_V4]) } : {})
        },
        ...(init.gossipScoring != null ? { scoreThresholds: init.gossipScoring.thresholds } : {})
      })
    }
  })
}
