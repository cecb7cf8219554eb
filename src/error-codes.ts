/**
 * JSON-RPC 2.0 error codes: the specification's own, then cpnet's domain codes
 * in the -32000 range reserved for servers. They live below every folder
 * because each cpnet error declares the code it reaches a JSON-RPC caller
 * with (src/errors.ts). docs/RPC.md lists them; the numbers are part of the
 * API and never change meaning.
 */
export const ErrorCode = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  /** A failure of this node the caller cannot act on; also what an error reaches RPC as when it never should. */
  INTERNAL_ERROR: -32603,
  /** A domain failure without a more specific code. */
  SERVER_ERROR: -32000,
  /** The caller's token lacks the method's permission. */
  UNAUTHORIZED: -32001,
  /** The named thing (peer, CPI, lease) does not exist. */
  NOT_FOUND: -32002,
  /** The operation ran past its deadline. */
  TIMEOUT: -32003,
  /** A per-connection or per-node limit was reached. */
  LIMIT_EXCEEDED: -32004,
  /** The node is starting or shutting down. */
  UNAVAILABLE: -32005,
  /** The provider refused the lease; data.reason is the protocol's Reject code (NO_CAPACITY, PRICE…). */
  LEASE_REJECTED: -32010,
  /** The lease was accepted but the provider has not confirmed it yet; it stays pending and is asked about again. */
  LEASE_UNCONFIRMED: -32011,
  /** The lease was accepted but never granted: the provider holds no lease for it (NOT_FOUND to the Query); none will exist. */
  LEASE_FAILED: -32012,
  /** The provider says the lease is over (released or expired): asked for or renewed too late. */
  LEASE_ENDED: -32013
} as const

/** One of the codes above. */
export type RpcErrorCode = typeof ErrorCode[keyof typeof ErrorCode]
