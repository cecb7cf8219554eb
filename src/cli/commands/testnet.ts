import { existsSync } from 'node:fs'
import { relative, isAbsolute } from 'node:path'
import type { Command } from 'commander'
import { PACKAGE_ROOT } from '../../package.ts'
import type { DownResult } from '../../testnet/down.ts'
import { DEFAULT_UP_TIMEOUT_MS, resolveTestnetDir, TESTNET_DIR_ENV } from '../../testnet/layout.ts'
import type { TestnetStatus } from '../../testnet/status.ts'
import type { UpEvent } from '../../testnet/up.ts'
import { count, durationMs } from '../args.ts'
import { formatTable, printJson, shortPeerId, tableOptions, TEXT_MIN_WIDTH, type RenderOptions } from '../output.ts'
import { progressOn, type Progress } from '../progress.ts'
import type { GlobalOptions } from '../client-command.ts'
import { renderOffers } from './offers.ts'

interface TestnetOptions extends GlobalOptions {
  dir?: string
}

interface UpFlags {
  providers: number
  consumers: number
  /** Milliseconds; absent: DEFAULT_UP_TIMEOUT_MS. */
  timeout?: number
}

/** A path as short as it can be for the reader: relative when it is below the current directory. */
function display (path: string): string {
  const rel = relative(process.cwd(), path)
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path
}

/** How to run cpnet from here: inside the project's checkout `cpnet` is not on PATH, npx finds it. */
function cpnetCommand (): string {
  return relative(PACKAGE_ROOT, process.cwd()).startsWith('..') ? 'cpnet' : 'npx cpnet'
}

function optionsOf (cmd: Command): { globals: TestnetOptions, dir: string } {
  const globals = cmd.optsWithGlobals<TestnetOptions>()
  return { globals, dir: resolveTestnetDir(globals.dir) }
}

/** `--dir` in suggested commands only where the default would not find this testnet. */
function dirFlag (dir: string): string {
  return dir === resolveTestnetDir(undefined) ? '' : ` --dir ${display(dir)}`
}

function progressRenderer (progress: Progress, total: number): (event: UpEvent) => void {
  let started = 0
  let ready = 0
  return event => {
    switch (event.type) {
      case 'spawned':
        started++
        progress.status(`Starting ${total} nodes: ${started} started, ${ready} ready`)
        if (!progress.tty) progress.line(`${event.node.name} started (pid ${String(event.node.pid)})`)
        break
      case 'ready':
        ready++
        progress.status(`Starting ${total} nodes: ${started} started, ${ready} ready`)
        if (!progress.tty) progress.line(`${event.node.name} ready at ${String(event.node.rpcUrl)}`)
        break
      case 'connecting':
        progress.status(`Waiting for all ${total} nodes to connect`)
        if (!progress.tty) progress.line(`waiting for all ${total} nodes to connect`)
        break
      case 'connected':
        progress.done()
        if (!progress.tty) progress.line(`all ${total} nodes connected`)
        break
      case 'stopping':
        progress.done()
        progress.line('stopping the nodes started')
        break
    }
  }
}

function peerIdCell (peerId: string | null, render: RenderOptions): string | null {
  return peerId != null ? shortPeerId(peerId, render) : null
}

function plural (n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}

/** What `testnet up` prints: the nodes (PeerIds short unless --wide, pools cut to fit), then commands to try. */
export function renderUp (status: TestnetStatus, elapsedMs: number, render: RenderOptions = {}): string {
  const providers = status.nodes.filter(n => n.role === 'provider').length
  const consumers = status.nodes.length - providers
  const cli = cpnetCommand()
  const dir = dirFlag(status.dir)
  const example = status.nodes.find(n => n.role === 'consumer') ?? status.nodes[0]
  const next: Array<[string, string]> = [
    [`${cli} testnet status${dir}`, 'every node: pid, peers, RPC'],
    ...(example != null
      ? [
          [`${cli} --repo ${display(example.repo)} status`, 'any node, with the ordinary commands'],
          [`${cli} --repo ${display(example.repo)} offers search "gpu_mem>=40"`, 'offers from every provider'],
          [`${cli} --repo ${display(example.repo)} lease request --filter "model=rtx-4090" --gpus 1 --duration 30m --max-price "3 CNY"`, 'lease the cheapest RTX 4090']
        ] as Array<[string, string]>
      : []),
    [`${cli} testnet logs provider-1${dir}`, 'a node\'s log'],
    [`${cli} testnet down${dir}`, 'stop every node']
  ]
  const width = Math.max(...next.map(([c]) => c.length))
  return [
    `Testnet up in ${display(status.dir)}: ${plural(providers, 'provider')} and ${plural(consumers, 'consumer')}, connected in ${(elapsedMs / 1000).toFixed(1)} s`,
    '',
    formatTable(['NAME', 'ROLE', 'PEERID', 'RPC', 'POOLS'], status.nodes.map(n => [
      n.name, n.role, peerIdCell(n.peerId, render), n.rpcUrl, n.pools == null || n.pools.length === 0 ? null : n.pools.join(', ')
    ]), tableOptions(render, { 4: TEXT_MIN_WIDTH })),
    '',
    'Next:',
    ...next.map(([c, why]) => `  ${c.padEnd(width)}  ${why}`)
  ].join('\n')
}

/** What `testnet status` prints: one row per node, PeerIds short unless --wide. */
export function renderStatus (status: TestnetStatus, render: RenderOptions = {}): string {
  const alive = status.nodes.filter(n => n.alive).length
  return [
    `Testnet in ${display(status.dir)}: ${status.status}, ${alive} of ${status.nodes.length} nodes running`,
    '',
    formatTable(['NAME', 'ROLE', 'PID', 'ALIVE', 'PEERS', 'PEERID', 'RPC'],
      status.nodes.map(n => [n.name, n.role, n.pid, n.alive ? 'yes' : 'no', n.peers, peerIdCell(n.peerId, render), n.rpcUrl]), tableOptions(render))
  ].join('\n')
}

function renderDown (result: DownResult): string {
  if (!result.found) return `no testnet in ${display(result.dir)}`
  const parts: string[] = []
  const stopped = result.stopped.length + result.killed.length
  parts.push(stopped > 0 ? `stopped ${plural(stopped, 'node')} in ${display(result.dir)}` : `no node of the testnet in ${display(result.dir)} was running`)
  if (result.killed.length > 0) parts.push(`after SIGKILL: ${result.killed.join(', ')}`)
  if (stopped > 0 && result.notRunning.length > 0) parts.push(`not running: ${result.notRunning.join(', ')}`)
  return parts.join('; ')
}

/** Ctrl-C stops the start and the nodes started; a second one leaves at once (`down` cleans up after). */
function interruptible (): { signal: AbortSignal, release: () => void } {
  const controller = new AbortController()
  const onSignal = (): void => {
    if (controller.signal.aborted) process.exit(130)
    controller.abort(new Error('interrupted'))
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return {
    signal: controller.signal,
    release: () => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  }
}

export function registerTestnet (program: Command): void {
  const testnet = program.command('testnet')
    .description('a local network of daemon processes on loopback')
    .option('--dir <dir>', `where the testnet lives (default: $${TESTNET_DIR_ENV} or ./.testnet)`)

  testnet.command('up')
    .description('start providers and consumers, wait until every node is ready and connected')
    .option('--providers <n>', 'provider nodes', count, 4)
    .option('--consumers <n>', 'consumer nodes', count, 2)
    .option('--timeout <time>', `give up (and stop the nodes) after this long: 90s, 2m (a bare number is seconds; default ${DEFAULT_UP_TIMEOUT_MS / 1000}s)`, v => durationMs(v))
    .action(async (flags: UpFlags, cmd: Command) => {
      const { globals, dir } = optionsOf(cmd)
      const progress = progressOn()
      const { signal, release } = interruptible()
      const started = Date.now()
      const [{ up }, { testnetStatus }] = await Promise.all([import('../../testnet/up.ts'), import('../../testnet/status.ts')])
      try {
        await up({
          dir,
          providers: flags.providers,
          consumers: flags.consumers,
          timeoutMs: flags.timeout ?? DEFAULT_UP_TIMEOUT_MS,
          signal,
          onProgress: progressRenderer(progress, flags.providers + flags.consumers)
        })
      } finally {
        progress.done()
        release()
      }
      const status = await testnetStatus(dir)
      if (status == null) return
      if (globals.json === true) printJson(status)
      else process.stdout.write(renderUp(status, Date.now() - started, { wide: globals.wide === true }) + '\n')
    })

  testnet.command('status')
    .description('list the nodes: name, role, pid, whether it runs, peers, PeerId, RPC URL')
    .action(async (_opts: unknown, cmd: Command) => {
      const { globals, dir } = optionsOf(cmd)
      const { testnetStatus } = await import('../../testnet/status.ts')
      const status = await testnetStatus(dir)
      if (globals.json === true) printJson(status ?? { dir, status: 'none', nodes: [] })
      else process.stdout.write((status != null ? renderStatus(status, { wide: globals.wide === true }) : `no testnet in ${display(dir)} (start one with: ${cpnetCommand()} testnet up)`) + '\n')
    })

  testnet.command('logs')
    .description('print a node\'s log as text (its daemon\'s stdout and stderr); --json: the lines as written')
    .argument('<name>', 'e.g. provider-1')
    .option('-f, --follow', 'keep printing lines as they are written, until Ctrl-C')
    .action(async (name: string, opts: { follow?: boolean }, cmd: Command) => {
      const { globals, dir } = optionsOf(cmd)
      const { nodeLogPath, readLog } = await import('../../testnet/logs.ts')
      const path = nodeLogPath(dir, name)
      if (!existsSync(path) && opts.follow !== true) {
        process.stderr.write(`${name} has no log: it was never started\n`)
        return
      }
      const { signal, release } = interruptible()
      try {
        await readLog(path, { raw: globals.json === true, follow: opts.follow === true, signal, write: line => { process.stdout.write(line + '\n') } })
      } finally {
        release()
      }
    })

  testnet.command('down')
    .description('stop every node (SIGTERM, then SIGKILL after a grace period); safe to repeat')
    .action(async (_opts: unknown, cmd: Command) => {
      const { globals, dir } = optionsOf(cmd)
      const { down } = await import('../../testnet/down.ts')
      const result = await down(dir)
      if (globals.json === true) printJson(result)
      else process.stdout.write(renderDown(result) + '\n')
    })

  testnet.command('demo')
    .description('on a fresh testnet: search, watch a price change, lease, run a command over SSH on the leased GPUs, release, each step timed; then stop it')
    .action(async (_opts: unknown, cmd: Command) => {
      const dir = cmd.optsWithGlobals<{ dir?: string }>().dir
      const { runDemo } = await import('../../testnet/demo.ts')
      await runDemo({ ...(dir != null ? { dir } : {}), print: line => { process.stdout.write(line + '\n') }, renderOffers })
    })
}
