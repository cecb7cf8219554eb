#!/usr/bin/env node
/**
 * The `cpnet` command. The runtime check comes first, before any module that
 * needs Node 22 is loaded, so an old Node gets one clear line instead of a crash.
 */
const MIN_NODE_MAJOR = 22
const major = Number(process.versions.node.split('.')[0])
if (major < MIN_NODE_MAJOR) {
  process.stderr.write(`cpnet: needs Node.js ${MIN_NODE_MAJOR} or newer, this is ${process.versions.node}; run it through npm (npm start, npx cpnet), which uses the runtime pinned in package.json\n`)
  process.exit(1)
}
const { main } = await import('./program.ts')
await main(process.argv)
