/**
 * The network side of a container's sshd: the address its port is published
 * on, whether a port binds here now (nothing else holds it; the provisioner
 * also skips ports cpnet containers' labels name), and whether the published
 * sshd answers: its identification line ("SSH-2.0-…"), which a port that
 * merely accepts connections does not send.
 */
import { createConnection, createServer, isIP } from 'node:net'

/** How long one probe of the sshd waits for its identification line. */
const BANNER_TIMEOUT_MS = 2_000
/** More than this before the identification line is not an sshd. */
const MAX_PREAMBLE_CHARS = 8_192

/** The address `-p` publishes on: an IP address as given, else (a name, or '') every interface. */
export function publishAddress (host: string): string {
  return isIP(host) !== 0 ? host : '0.0.0.0'
}

/** Where the provider itself reaches a published port. */
export function dialAddress (publishedOn: string): string {
  return publishedOn === '0.0.0.0' ? '127.0.0.1' : publishedOn === '::' ? '::1' : publishedOn
}

/** True when a listener can be opened on host:port right now (and it is closed again). */
export async function canBind (host: string, port: number): Promise<boolean> {
  return await new Promise(resolve => {
    const server = createServer()
    server.once('error', () => { resolve(false) })
    server.listen({ host, port, exclusive: true }, () => { server.close(() => { resolve(true) }) })
  })
}

/** True when host:port sends an SSH identification line within BANNER_TIMEOUT_MS. */
export async function answersSsh (host: string, port: number): Promise<boolean> {
  return await new Promise(resolve => {
    const socket = createConnection({ host, port })
    let received = ''
    const done = (ok: boolean): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve(ok)
    }
    const timer = setTimeout(() => { done(false) }, BANNER_TIMEOUT_MS)
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1')
      // RFC 4253 lets a server send other lines before its identification
      if (/(^|\n)SSH-[^\n]*\n/.test(received)) done(true)
      else if (received.length > MAX_PREAMBLE_CHARS) done(false)
    })
    socket.once('error', () => { done(false) })
    socket.once('close', () => { done(false) })
  })
}
