/**
 * Gossipsub peer scoring for the price topic (docs/PROTOCOL.md §7.4).
 * Gossipsub scores nothing on a topic without parameters, so without these an
 * invalid update would cost its sender nothing. The one signal that matters
 * here is P4, invalid messages: quadratic in their count and slow to decay, so
 * a peer that keeps sending them drops below zero (pruned from the mesh at
 * the next heartbeat), below the gossip and publish thresholds, and after a
 * third one below the graylist (everything it sends is dropped unread), while
 * the positive terms together can never lift it more than topicScoreCap (10).
 */
import { createTopicScoreParams, type PeerScoreThresholds, type TopicScoreParams } from '@libp2p/gossipsub/score'
import { PRICES_TOPIC } from './constants.ts'

/** Gossipsub's own decay tick, in ms (PeerScoreParams.decayInterval, left at its default). */
const DECAY_INTERVAL_MS = 1_000

/** The factor per decay tick that halves a counter in `halfLifeMs`. */
function decayFor (halfLifeMs: number): number {
  return Math.pow(0.5, DECAY_INTERVAL_MS / halfLifeMs)
}

/** Invalid messages are forgotten at half per 10 minutes: three keep a peer graylisted for about 6. */
const INVALID_MESSAGE_HALF_LIFE_MS = 10 * 60 * 1000

const PRICE_TOPIC_SCORE_PARAMS: TopicScoreParams = createTopicScoreParams({
  topicWeight: 1,
  // P1: a little credit for time in the mesh, 0.01 per second up to 3
  timeInMeshWeight: 0.01,
  timeInMeshQuantum: 1_000,
  timeInMeshCap: 300,
  // P2: credit for being first with an update, up to 10, halving every 10 s
  firstMessageDeliveriesWeight: 1,
  firstMessageDeliveriesDecay: decayFor(10_000),
  firstMessageDeliveriesCap: 10,
  // P3 and P3b off: price traffic is sparse and bursty, a mesh peer owes no delivery rate
  meshMessageDeliveriesWeight: 0,
  meshFailurePenaltyWeight: 0,
  // P4: −20 × count²: one invalid message makes the score negative, three reach −180
  invalidMessageDeliveriesWeight: -20,
  invalidMessageDeliveriesDecay: decayFor(INVALID_MESSAGE_HALF_LIFE_MS)
})

/** Gossipsub's defaults, stated here because the P4 weight above is sized against them. */
export const GOSSIP_SCORE_THRESHOLDS: PeerScoreThresholds = {
  gossipThreshold: -10,
  publishThreshold: -50,
  graylistThreshold: -80,
  acceptPXThreshold: 10,
  opportunisticGraftThreshold: 20
}

/** Score parameters by topic, for buildLibp2p. */
export const GOSSIP_TOPIC_SCORES: Record<string, TopicScoreParams> = { [PRICES_TOPIC]: PRICE_TOPIC_SCORE_PARAMS }
