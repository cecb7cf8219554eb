/** Wire constants of the lease protocol; docs/PROTOCOL.md states each of them. */

export const LEASE_PROTOCOL = '/cpnet/lease/1.0.0'

/** What the two lease signatures cover: this prefix, then the Agreement bytes. */
export const LEASE_SIGNATURE_DOMAIN = 'cpnet-lease-v1:'
/** What a Release signature covers: this prefix, then the lease id (UTF-8). */
export const RELEASE_SIGNATURE_DOMAIN = 'cpnet-release-v1:'

/** Cap on one LeaseMessage frame (the largest is a Grant with its access JSON). */
export const LEASE_FRAME_MAX_BYTES = 16 * 1024
/** Access details from the start hook travel in the Grant; larger ones are refused. */
export const ACCESS_MAX_BYTES = 8 * 1024

/** Once accepted, a quote's hold is kept for the start hook's timeout and this much more, for the commit. */
export const HOLD_COMMIT_MARGIN_MS = 5_000

/** Request ids are random bytes chosen by the consumer. */
export const REQUEST_ID_MIN_BYTES = 16
export const REQUEST_ID_MAX_BYTES = 64

/** How long either side waits for the other's next frame, unless lease.stepTimeoutSec says otherwise. */
export const STEP_TIMEOUT_MS = 10_000

/** Concurrent lease streams per connection (each negotiation is one stream). */
export const LEASE_MAX_INBOUND_STREAMS = 32
export const LEASE_MAX_OUTBOUND_STREAMS = 32

/** A consumer that loses the Grant asks again (Query) this many times before reporting the lease unconfirmed. */
export const QUERY_ATTEMPTS = 5
export const QUERY_BACKOFF_MS = 500
