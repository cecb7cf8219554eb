#!/usr/bin/env node
// Regenerates the TypeScript code of every .proto in proto/ into the folder of
// the part that uses it (protons writes next to the .proto by default).
// protons 9 has no notion of a `package`: it reads `package cpnet.lease.v1;` as
// nested messages named cpnet, lease, v1 and fails. A package changes no byte
// on the wire and no generated name, so protons is given a copy of each file
// without that line (the copy keeps the file name, which names the output).
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
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
const PACKAGE_LINE = /^package [A-Za-z0-9_.]+;$/m
const unpackaged = protos.filter(f => !PACKAGE_LINE.test(readFileSync(join(root, 'proto', f), 'utf8')))
if (unpackaged.length > 0) {
  console.error(`scripts/proto.mjs: ${unpackaged.join(', ')} declare no package; every .proto has one (docs/PROTOCOL.md)`)
  process.exit(1)
}
const work = mkdtempSync(join(tmpdir(), 'cpnet-proto-'))
try {
  for (const file of protos) {
    const source = readFileSync(join(root, 'proto', file), 'utf8')
    const copy = join(work, file)
    writeFileSync(copy, source.replace(PACKAGE_LINE, ''))
    const out = OUTPUT_DIRS[file]
    mkdirSync(join(root, out), { recursive: true })
    execFileSync(join(root, 'node_modules', '.bin', 'protons'), ['-o', join(root, out), copy], { stdio: 'inherit' })
    console.log(`proto/${file} → ${out}/`)
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}
