#!/usr/bin/env node
// Regenerates the TypeScript code of every .proto in proto/ into the folder of
// the part that uses it (protons writes next to the .proto by default).
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** proto file (in proto/) → output folder (relative to the package root) */
const OUTPUT_DIRS = {
  'offer.proto': 'src/discovery/pb',
  'lease.proto': 'src/lease/pb',
  'price.proto': 'src/pricing/pb'
}

const protos = readdirSync(join(root, 'proto')).filter(f => f.endsWith('.proto'))
const unmapped = protos.filter(f => OUTPUT_DIRS[f] == null)
if (unmapped.length > 0) {
  console.error(`scripts/proto.mjs: no output folder for ${unmapped.join(', ')}; add it to OUTPUT_DIRS`)
  process.exit(1)
}
for (const file of protos) {
  const out = OUTPUT_DIRS[file]
  mkdirSync(join(root, out), { recursive: true })
  execFileSync(join(root, 'node_modules', '.bin', 'protons'), ['-o', join(root, out), join(root, 'proto', file)], { stdio: 'inherit' })
  console.log(`proto/${file} → ${out}/`)
}
