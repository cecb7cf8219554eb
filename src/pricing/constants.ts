/** Wire constants and limits of live prices; docs/PROTOCOL.md §7 states each of them. */

/** The gossipsub topic every node subscribes to. */
export const PRICES_TOPIC = '/cpnet/prices/1.0.0'

/** What an Ed25519 signature of a price update covers: this prefix, then the PriceUpdate bytes. */
export const PRICE_SIGNATURE_DOMAIN = 'cpnet-price-v1:'

/** Hard cap on the gossipsub message data (an encoded SignedPriceUpdate), checked before decoding. */
export const PRICE_UPDATE_MAX_BYTES = 1024

/** Provider addresses an update carries at most, and the longest one (binary multiaddr). */
export const PRICE_MAX_ADDRS = 4
export const PRICE_ADDR_MAX_BYTES = 64

/**
 * How far in the future an update's issuedAt may be. Tighter than offers'
 * minute: updates live a few heartbeats, and a provider whose clock runs this
 * far ahead has its updates refused everywhere (and is told so by its score).
 */
export const PRICE_MAX_CLOCK_SKEW_MS = 30_000

/** The longest an update may stay valid after it was issued (a few hours of heartbeats at most). */
export const PRICE_MAX_LIFETIME_MS = 6 * 60 * 60 * 1000

/** An update is valid for this many heartbeats, so one lost heartbeat does not expire a live price. */
export const PRICE_TTL_HEARTBEATS = 3

/**
 * The shortest time between two updates of a pool when only its free
 * capacity changed (a lease storm moves it on every hold and grant): every
 * node in the network checks two signatures per update, so one per grant
 * would make the whole network pay for one provider's busy minute. The last
 * state is always published, at most this late; a price change or a pool
 * change goes out at once.
 */
export const CAPACITY_UPDATE_GAP_MS = 250

/** CPIs a price book holds at most (and whose last seq it remembers); the least recently updated go first. */
export const BOOK_MAX_ENTRIES = 10_000

/** How often a price book drops expired entries. */
export const BOOK_SWEEP_INTERVAL_MS = 1_000

/** prices_latest and prices_history: most updates in one answer. */
export const PRICES_MAX_LIMIT = 1_000
export const PRICES_DEFAULT_LIMIT = 100

/** How often the history store drops entries older than the retention age. */
export const HISTORY_PRUNE_INTERVAL_MS = 60_000
