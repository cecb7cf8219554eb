/** Wire constants of discovery; docs/PROTOCOL.md states each of them. */

/** DHT records are keyed /cpnet/<peerId>/<pool>; kad-dht picks validators by this first segment. */
export const DHT_NAMESPACE = 'cpnet'

/** The direct fetch protocol. */
export const OFFERS_PROTOCOL = '/cpnet/offers/1.0.0'

/** What an Ed25519 signature of an offer covers: this prefix, then the Offer bytes. */
export const OFFER_SIGNATURE_DOMAIN = 'cpnet-offer-v1:'

/** Hard cap on an encoded SignedOffer, checked before anything is decoded. */
export const OFFER_MAX_BYTES = 4096

/** Field caps inside an offer (protobuf decode limits and validation). */
export const OFFER_MAX_LABELS = 16
export const OFFER_MAX_ADDRS = 16
export const OFFER_MAX_STRING_CHARS = 128

/** How far in the future an offer's issuedAt may be (clock skew between peers). */
export const MAX_CLOCK_SKEW_MS = 60_000

/** The longest an offer may stay valid after it was issued. */
export const OFFER_MAX_LIFETIME_MS = 24 * 60 * 60 * 1000

/**
 * The shortest time between two DHT puts of a pool's offer when only its free
 * capacity changed; price updates carry capacity live, the record follows.
 */
export const AVAILABILITY_PUT_GAP_MS = 5_000

/** Pools one provider may offer, and so offers in one fetch response. */
export const MAX_POOLS_PER_PROVIDER = 64

/** Fetch frames: a request names at most every pool; a response carries at most every offer. */
export const FETCH_REQUEST_MAX_BYTES = MAX_POOLS_PER_PROVIDER * 72
export const FETCH_RESPONSE_MAX_BYTES = MAX_POOLS_PER_PROVIDER * (OFFER_MAX_BYTES + 8)

/** Concurrent fetch streams per connection. */
export const FETCH_MAX_INBOUND_STREAMS = 8
export const FETCH_MAX_OUTBOUND_STREAMS = 16

/** How long a provider waits for a request and for its response to drain. */
export const FETCH_HANDLER_TIMEOUT_MS = 5_000

/** Capability keys are CIDv1 (raw, sha256) of these strings. */
export const CAPABILITY_PREFIX = 'cpnet/v1/'

/** DHT keys (CPIs) whose highest seq a node remembers, to refuse replays of older records. */
export const SEQ_FLOOR_MAX_ENTRIES = 10_000

/** Verified offers the consumer cache holds at most. */
export const CACHE_MAX_OFFERS = 10_000
/** Capability keys whose last result the cache holds at most. */
export const CACHE_MAX_KEYS = 256

/** offers_search: limits on its own parameters. */
export const SEARCH_MAX_LIMIT = 1000
export const SEARCH_MAX_TIMEOUT_MS = 60_000
