/**
 * The source tree's layers (docs/ARCHITECTURE.md, "Layers"): every import
 * between folders of src/ goes down, never up or sideways, so the folders
 * form no cycle. Type-only imports count too: a newcomer reading the imports
 * must be able to tell which way things depend. The table below is the one
 * in ARCHITECTURE.md; a test checks that the two agree.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '..')
const SRC = join(ROOT, 'src')
/** The files directly in src/ (errors.ts, package.ts, schema-errors.ts). */
const TOP_FILES = '(src)'

/** Bottom first. A folder imports only from folders of lower rows; the folders of one row never import each other. */
const LAYERS: ReadonlyArray<readonly string[]> = [
  [TOP_FILES, 'log', 'units'],
  ['identity'],
  ['config'],
  ['host', 'slurm'],
  ['ledger', 'inventory'],
  ['discovery', 'provision'],
  ['pricing', 'lease'],
  ['repo', 'rpc'],
  ['node'],
  ['testnet'],
  ['cli']
]

interface Edge {
  from: string
  to: string
  file: string
  specifier: string
}

function sourceFiles (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

/** The folder of src/ a file is in; OUTSIDE for a file that is not under src/. */
function folderOf (file: string): string {
  const path = relative(SRC, file)
  if (path.startsWith('..')) return OUTSIDE
  const parts = path.split(sep)
  return parts.length === 1 ? TOP_FILES : parts[0] ?? TOP_FILES
}
const OUTSIDE = '(outside src)'

/** Every relative specifier a file imports or re-exports, statically or with import(). */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g
/** An import() whose specifier is not a plain string: what it loads cannot be checked, so it is refused. */
const UNCHECKABLE_IMPORT = /\bimport\s*\((?!\s*['"])/g

function edges (): Edge[] {
  const out: Edge[] = []
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8')
    for (const match of text.matchAll(SPECIFIER)) {
      const specifier = match[1] ?? ''
      const target = resolve(dirname(file), specifier)
      const from = folderOf(file)
      const to = folderOf(target)
      if (from !== to) out.push({ from, to, file: relative(ROOT, file), specifier })
    }
  }
  return out
}

function layerOf (folder: string): number {
  return LAYERS.findIndex(row => row.includes(folder))
}

describe('source layers', () => {
  const all = edges()

  it('every folder of src/ has a layer', () => {
    const folders = new Set(sourceFiles(SRC).map(folderOf))
    expect([...folders].filter(f => layerOf(f) < 0), 'add the folder to LAYERS here and in docs/ARCHITECTURE.md').toEqual([])
  })

  it('every dynamic import names its module in a plain string', () => {
    const unchecked = sourceFiles(SRC).flatMap(file => {
      const text = readFileSync(file, 'utf8')
      return [...text.matchAll(UNCHECKABLE_IMPORT)].map(m => `${relative(ROOT, file)}: ${text.slice(m.index, m.index + 40).split('\n')[0] ?? ''}`)
    })
    expect(unchecked).toEqual([])
  })

  it('src/ imports nothing of the repository outside src/ by a relative path', () => {
    expect(all.filter(e => e.to === OUTSIDE).map(e => `${e.file} imports ${e.specifier}`)).toEqual([])
  })

  it('every import between folders goes to a lower layer', () => {
    const upward = all
      .filter(e => e.to !== OUTSIDE && layerOf(e.to) >= layerOf(e.from))
      .map(e => `${e.file} imports ${e.specifier} (${e.from} → ${e.to})`)
    expect(upward).toEqual([])
  })

  it('folder imports form no cycle', () => {
    const next = new Map<string, Set<string>>()
    for (const e of all) next.set(e.from, (next.get(e.from) ?? new Set()).add(e.to))
    const cycles = new Set<string>()
    const visit = (folder: string, path: string[]): void => {
      const at = path.indexOf(folder)
      if (at >= 0) {
        // each cycle once, told from its first folder in alphabetical order
        const loop = path.slice(at)
        const first = loop.indexOf([...loop].sort()[0] ?? folder)
        const rotated = [...loop.slice(first), ...loop.slice(0, first)]
        cycles.add([...rotated, rotated[0]].join(' → '))
        return
      }
      for (const to of next.get(folder) ?? []) visit(to, [...path, folder])
    }
    for (const folder of next.keys()) visit(folder, [])
    expect([...cycles]).toEqual([])
  })

  it('docs/ARCHITECTURE.md draws the same layers', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'ARCHITECTURE.md'), 'utf8')
    const drawn = [...doc.matchAll(/^\| (\d+) \| ([^|]+) \|/gm)].map(m => (m[2] ?? '').trim().split(/,\s*/).map(f => f.replace(/`/g, '').replace(/^src\/$/, TOP_FILES)))
    expect(drawn.reverse()).toEqual(LAYERS.map(row => [...row]))
  })
})
