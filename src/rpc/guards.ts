/**
 * Checks made before a request reaches JSON-RPC: the Host header (against DNS
 * rebinding, as geth's virtual-host guard does), the Origin (no CORS unless
 * configured) and the bearer token.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { isIP } from 'node:net'
import type { Permission } from './permissions.ts'

/** `localhost:7780` → `localhost`, `[::1]:7780` → `::1`. */
function hostName (header: string): string {
  const h = header.trim().toLowerCase()
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') === -1 ? undefined : h.indexOf(']'))
  const colon = h.lastIndexOf(':')
  return colon === -1 || h.indexOf(':') !== colon ? h : h.slice(0, colon)
}

function isLoopback (name: string): boolean {
  if (name === 'localhost' || name.endsWith('.localhost')) return true
  if (isIP(name) === 4) return name.startsWith('127.')
  if (isIP(name) === 6) return name === '::1' || name === '0:0:0:0:0:0:0:1'
  return false
}

/** A loopback name or address, or one the operator listed in rpc.allowedHosts. */
export function isAllowedHost (header: string | undefined, allowedHosts: readonly string[]): boolean {
  if (header == null || header === '') return false
  const name = hostName(header)
  return isLoopback(name) || allowedHosts.some(h => h.toLowerCase() === name)
}

/** No Origin (curl, the CLI) is fine; a browser's Origin must be listed in rpc.cors. */
export function isAllowedOrigin (origin: string | undefined, cors: readonly string[]): boolean {
  return origin == null || cors.includes('*') || cors.includes(origin)
}

function digest (value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

/**
 * No Authorization header: read. The repo's token: admin. Anything else is
 * refused outright rather than downgraded, so a mistyped token is noticed.
 */
export function permissionFor (authorization: string | undefined, token: string): Permission | undefined {
  if (authorization == null || authorization === '') return 'read'
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization)
  if (match == null) return undefined
  return timingSafeEqual(digest(match[1] as string), digest(token)) ? 'admin' : undefined
}
