/** Where cpnet's own files are (config/ defaults, package.json), from src/ or from dist/src/. */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

function findPackageRoot (): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'config', 'defaults.json'))) {
    const parent = dirname(dir)
    if (parent === dir) throw new Error('cpnet package root not found above ' + fileURLToPath(import.meta.url))
    dir = parent
  }
  return dir
}

export const PACKAGE_ROOT = findPackageRoot()
export const VERSION: string = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version
export const CONFIG_DIR = join(PACKAGE_ROOT, 'config')
