/**
 * package.json says what the code imports: every package the sources import
 * is declared, production code imports no dev dependency statically (a
 * production install has none), and package-lock.json agrees with both.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>, devDependencies: Record<string, string> }
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string, dev?: boolean, dependencies?: Record<string, string>, devDependencies?: Record<string, string> }> }

function sources (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter(e => e.isFile() && e.name.endsWith('.ts'))
    .map(e => join(e.parentPath, e.name))
}

/** Package names imported by a file: `static` from import/export … from, `dynamic` from import('…'). */
function imports (file: string): { static: string[], dynamic: string[] } {
  const text = readFileSync(file, 'utf8')
  const name = (spec: string): string | undefined => {
    if (spec.startsWith('.') || spec.startsWith('node:') || builtinModules.includes(spec)) return undefined
    const parts = spec.split('/')
    return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
  }
  const all = (re: RegExp): string[] => [...text.matchAll(re)].map(m => name(m[1] as string)).filter((n): n is string => n != null)
  return { static: all(/^(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm), dynamic: all(/import\('([^']+)'\)/g) }
}

describe('dependencies', () => {
  const files = sources(join(ROOT, 'src'))

  it('every package src/ imports is a dependency; dev ones only through a lazy import', () => {
    const undeclared: string[] = []
    const devStatic: string[] = []
    for (const file of files) {
      const { static: eager, dynamic } = imports(file)
      for (const n of [...eager, ...dynamic]) if (pkg.dependencies[n] == null && pkg.devDependencies[n] == null) undeclared.push(`${file}: ${n}`)
      for (const n of eager) if (pkg.dependencies[n] == null && pkg.devDependencies[n] != null) devStatic.push(`${file}: ${n}`)
    }
    expect(undeclared).toEqual([])
    expect(devStatic).toEqual([])
  })

  it('uint8arraylist is declared at the version installed; @libp2p/memory is a dev dependency', () => {
    const installed = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'uint8arraylist', 'package.json'), 'utf8')) as { version: string }
    expect(pkg.dependencies.uint8arraylist).toBe(`^${installed.version}`)
    expect(pkg.dependencies['@libp2p/memory']).toBeUndefined()
    expect(pkg.devDependencies['@libp2p/memory']).toBeDefined()
  })

  it('package-lock.json has the same direct dependencies, and marks what only dev needs', () => {
    const root = lock.packages['']
    expect(root?.dependencies).toEqual(pkg.dependencies)
    expect(root?.devDependencies).toEqual(pkg.devDependencies)
    expect(lock.packages['node_modules/@libp2p/memory']?.dev).toBe(true)
    expect(lock.packages['node_modules/uint8arraylist']?.dev).toBeUndefined()
  })
})
