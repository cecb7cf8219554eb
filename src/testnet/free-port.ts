/**
 * A TCP port on 127.0.0.1 that was free a moment ago: for a private sshd, a
 * test cluster's daemons, or a daemon whose address must be known before it
 * starts. Another process may take it before it is bound again; callers that
 * bind it themselves retry.
 */
import { createServer } from 'node:net'

const LOOPBACK = '127.0.0.1'

export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, LOOPBACK, () => {
      const address = server.address()
      server.close(() => {
        if (address == null || typeof address === 'string') reject(new Error('no port from the OS'))
        else resolve(address.port)
      })
    })
  })
}
