import type { Command } from 'commander'
import type { FlagOverride } from '../../config/load.ts'
import { resolveRepoPath } from '../../repo/layout.ts'
import type { Daemon } from '../../node/daemon.ts'
import { VERSION } from '../../package.ts'
import { ignoreClosedPipe } from '../../log/closed-pipe.ts'
import type { GlobalOptions } from '../client-command.ts'

interface DaemonOptions {
  profile?: string
  rpcHost?: string
  rpcPort?: string
  listen?: string[]
  announce?: string[]
  bootstrap?: string[]
  dhtMode?: string
  logLevel?: string
  logFormat?: string
}

/** Each flag overrides one config field; its name is kept for error messages. */
const FLAG_FIELDS: Array<[keyof DaemonOptions, string, string, 'int' | 'string' | 'list']> = [
  ['rpcHost', 'rpc.host', '--rpc-host', 'string'],
  ['rpcPort', 'rpc.port', '--rpc-port', 'int'],
  ['listen', 'listen', '--listen', 'list'],
  ['announce', 'announce', '--announce', 'list'],
  ['bootstrap', 'bootstrap', '--bootstrap', 'list'],
  ['dhtMode', 'dht.mode', '--dht-mode', 'string'],
  ['logLevel', 'log.level', '--log-level', 'string'],
  ['logFormat', 'log.format', '--log-format', 'string']
]

function flagOverrides (opts: DaemonOptions): FlagOverride[] {
  return FLAG_FIELDS.flatMap(([key, path, flag, kind]) => {
    const raw = opts[key]
    if (raw == null) return []
    const value = kind === 'int' && typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw
    return [{ path, value, flag }]
  })
}

/** A graceful stop that takes longer than this is cut short. */
const SHUTDOWN_DEADLINE_MS = 5000

/**
 * A second signal this soon after the first is the same request delivered
 * twice, not a person pressing Ctrl-C again: under `npm start` the terminal
 * signals the whole foreground group and npm forwards the signal it got to the
 * daemon as well (systemd's control-group kill does the same with SIGTERM).
 */
export const SAME_SIGNAL_WINDOW_MS = 1000

/**
 * Graceful on the first signal, forced on a second one at least
 * SAME_SIGNAL_WINDOW_MS later, as kubo does. A forced exit still removes the
 * api file and releases the repo lock (both synchronous) before it exits.
 */
function handleSignals (daemon: Daemon): void {
  let firstAt: number | undefined
  const forceExit = (why: string): never => {
    process.stderr.write(why)
    daemon.releaseRepo()
    process.exit(1)
  }
  const onSignal = (signal: NodeJS.Signals): void => {
    if (firstAt != null) {
      if (Date.now() - firstAt < SAME_SIGNAL_WINDOW_MS) return
      forceExit('Received another interrupt signal, forcing shutdown.\n')
    }
    firstAt = Date.now()
    process.stdout.write(`Received ${signal === 'SIGINT' ? 'interrupt' : 'termination'} signal, shutting down... (to force, press Ctrl-C again ${SAME_SIGNAL_WINDOW_MS / 1000} s or more after the first)\n`)
    setTimeout(() => {
      forceExit(`cpnet: shutdown took more than ${SHUTDOWN_DEADLINE_MS / 1000} s, forcing it\n`)
    }, SHUTDOWN_DEADLINE_MS).unref()
    daemon.stop()
      .then(() => { process.exit(0) })
      .catch(err => {
        process.stderr.write(`cpnet: shutdown failed: ${(err as Error).message}\n`)
        process.exit(1)
      })
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
}

export function registerDaemon (program: Command): void {
  program.command('daemon')
    .description('run a node (initialises the repo first if it does not exist)')
    .option('--profile <names>', 'profiles for init when the repo is new (e.g. test)')
    .option('--rpc-host <host>', 'JSON-RPC bind address (rpc.host)')
    .option('--rpc-port <port>', 'JSON-RPC port, 0 for any (rpc.port)')
    .option('--listen <multiaddr...>', 'libp2p listen addresses (listen)')
    .option('--announce <multiaddr...>', 'addresses announced to peers (announce)')
    .option('--bootstrap <multiaddr...>', 'bootstrap peers, each with /p2p/<peerId> (bootstrap)')
    .option('--dht-mode <mode>', 'auto (a client until the node announces a public address), server or client (dht.mode)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (log.level)')
    .option('--log-format <format>', 'auto, json or pretty (log.format)')
    .action(async (opts: DaemonOptions, cmd: Command) => {
      // before anything is written: a closed pipe must never stop the shutdown
      ignoreClosedPipe(process.stdout)
      ignoreClosedPipe(process.stderr)
      const globals = cmd.optsWithGlobals<GlobalOptions>()
      const repoPath = resolveRepoPath(globals.repo)
      // the node and libp2p load here, not with the program: other commands start without them
      const { startDaemon } = await import('../../node/daemon.ts')
      const daemon = await startDaemon({
        repoPath,
        env: process.env,
        flags: flagOverrides(opts),
        initProfiles: opts.profile?.split(',').map(s => s.trim()).filter(s => s !== ''),
        processMetrics: true
      })
      handleSignals(daemon)
      process.on('unhandledRejection', err => {
        daemon.node.log.error('unhandled rejection', { error: (err as Error)?.stack ?? String(err) })
      })
      const lines = [
        `cpnet daemon ${VERSION}`,
        `Repo: ${repoPath}${daemon.initialized ? ' (new)' : ''}`,
        `PeerID: ${daemon.node.peerId.toString()}`,
        ...daemon.node.libp2p.getMultiaddrs().map(ma => `Swarm listening on ${ma.toString()}`),
        `RPC API server listening on ${daemon.rpcUrl}`,
        ...(daemon.node.metrics != null ? [`Metrics at ${daemon.rpcUrl}/metrics`] : []),
        'Daemon is ready'
      ]
      process.stdout.write(lines.join('\n') + '\n')
    })
}
