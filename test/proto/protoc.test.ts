/**
 * proto/ compiles with protoc, as a Go, Java or Python implementer would
 * compile it: every file has its own package, so the two `Price` messages of
 * offer.proto and price.proto are distinct symbols, not a duplicate. protons
 * (which generates cpnet's own code) accepts files protoc refuses, so only
 * protoc can check this. Without protoc the test is skipped, except in CI,
 * whose runner installs it (.ci/run).
 */
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const PROTO_DIR = join(ROOT, 'proto')
const PROTOS = readdirSync(PROTO_DIR).filter(f => f.endsWith('.proto')).sort()

function protocPresent (): boolean {
  const probe = spawnSync('protoc', ['--version'], { encoding: 'utf8' })
  return probe.error == null && probe.status === 0
}

describe('proto/', () => {
  it('every file declares its own cpnet package', () => {
    const packages = PROTOS.map(file => /^package ([A-Za-z0-9_.]+);$/m.exec(readFileSync(join(PROTO_DIR, file), 'utf8'))?.[1])
    expect(packages).toEqual(PROTOS.map(file => `cpnet.${file.replace(/\.proto$/, '')}.v1`))
  })

  it('compiles with protoc, all files together', (ctx) => {
    if (!protocPresent()) {
      // CI installs protobuf-compiler (.ci/run): there a missing protoc is a broken runner, not a reason to skip
      if (process.env.CI === 'true') throw new Error('protoc is not installed, and CI must run this check (.ci/run installs protobuf-compiler)')
      ctx.skip('protoc is not installed (Debian: apt-get install protobuf-compiler)')
    }
    const run = spawnSync('protoc', ['--descriptor_set_out=/dev/null', `-I${PROTO_DIR}`, ...PROTOS.map(f => join(PROTO_DIR, f))], { encoding: 'utf8' })
    expect(run.error).toBeUndefined()
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
  })
})
