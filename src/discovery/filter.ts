/**
 * The offer filter language (docs/FILTERS.md): terms `field<op>value`
 * separated by spaces, all of which must hold. Values with spaces go in double
 * quotes. Unknown fields, operators a field does not take, and values of the
 * wrong kind are errors that name the term.
 */
import { modelSlug, slugify } from '../inventory/classes.ts'
import { ALL_KEY, classKey, regionKey } from './capability.ts'
import { FilterSyntaxError } from './errors.ts'
import type { Offer } from './pb/offer.ts'
import { MICROS_PER_UNIT } from '../units/price.ts'

export type Op = '=' | '!=' | '<' | '<=' | '>' | '>='
const OPS: readonly Op[] = ['>=', '<=', '!=', '=', '<', '>']
const EQUALITY: readonly Op[] = ['=', '!=']
const MIB_PER_GIB = 1024
export const MAX_FILTER_CHARS = 1024
const MAX_TERMS = 32

type Kind = 'text' | 'number'

interface FieldDef {
  kind: Kind
  help: string
  /** Text: what an offer has (several for labels). Number: the offer's value in the filter's unit. */
  get: (offer: Offer) => string[] | number
  /** Turns the written value into the form `get` returns. */
  normalize?: (value: string) => string
  /** For text fields that match differently from equality. */
  test?: (have: string, want: string) => boolean
}

/** `model=rtx-4090` matches "NVIDIA GeForce RTX 4090": whole hyphen-separated words, in order. */
function containsWords (have: string, want: string): boolean {
  return `-${have}-`.includes(`-${want}-`)
}

const FIELDS: Record<string, FieldDef> = {
  class: { kind: 'text', help: 'resource class, e.g. gpu/nvidia/h100-80gb-hbm3', get: o => [o.resource?.class ?? ''], normalize: v => v.toLowerCase() },
  model: { kind: 'text', help: 'GPU model words, e.g. h100 or rtx-4090', get: o => [modelSlug(o.resource?.vendor ?? '', o.resource?.model ?? '')], normalize: slugify, test: containsWords },
  vendor: { kind: 'text', help: 'GPU vendor, e.g. nvidia', get: o => [o.resource?.vendor ?? ''], normalize: v => v.toLowerCase() },
  gpus: { kind: 'number', help: 'free GPUs in the pool', get: o => o.resource?.availableGpus ?? 0 },
  total_gpus: { kind: 'number', help: 'GPUs in the pool, free or not', get: o => o.resource?.totalGpus ?? 0 },
  gpu_mem: { kind: 'number', help: 'memory per GPU in GiB (rounded to the nearest GiB)', get: o => Math.round((o.resource?.gpuMemoryMib ?? 0) / MIB_PER_GIB) },
  price: { kind: 'number', help: 'price per GPU-hour in currency units, e.g. 2.5', get: o => Number(o.price?.microsPerGpuHour ?? 0n) / MICROS_PER_UNIT },
  currency: { kind: 'text', help: 'price currency, e.g. USD', get: o => [o.price?.currency ?? ''], normalize: v => v.toUpperCase() },
  region: { kind: 'text', help: 'region, e.g. cn-east-1', get: o => [o.region], normalize: v => v.toLowerCase() },
  label: { kind: 'text', help: 'a label the offer carries (!= : does not carry)', get: o => o.labels, normalize: v => v.toLowerCase() },
  interconnect: { kind: 'text', help: 'pcie, nvlink, …', get: o => [o.resource?.interconnect ?? ''], normalize: v => v.toLowerCase() },
  cpu_cores: { kind: 'number', help: 'CPU cores', get: o => o.resource?.cpuCores ?? 0 },
  ram: { kind: 'number', help: 'RAM in GiB', get: o => o.resource?.ramGib ?? 0 },
  disk: { kind: 'number', help: 'disk in GiB', get: o => o.resource?.diskGib ?? 0 },
  bandwidth: { kind: 'number', help: 'bandwidth in Mbit/s', get: o => o.resource?.bandwidthMbps ?? 0 }
}

export interface Term {
  field: string
  op: Op
  value: string | number
}

export interface Filter {
  terms: Term[]
}

/** Splits on spaces outside double quotes; quotes are removed. */
function tokenize (text: string): string[] {
  const tokens: string[] = []
  let current = ''
  let quoted = false
  let started = false
  for (const ch of text) {
    if (ch === '"') {
      quoted = !quoted
      started = true
    } else if (/\s/.test(ch) && !quoted) {
      if (started) tokens.push(current)
      current = ''
      started = false
    } else {
      current += ch
      started = true
    }
  }
  if (quoted) throw new FilterSyntaxError('', 'unterminated double quote')
  if (started) tokens.push(current)
  return tokens
}

function parseTerm (token: string): Term {
  const match = /^([a-z_]+)(.*)$/i.exec(token)
  const field = match?.[1]?.toLowerCase() ?? ''
  const rest = match?.[2] ?? token
  const op = OPS.find(o => rest.startsWith(o))
  if (match == null || op == null) {
    throw new FilterSyntaxError(field, `"${token}" is not field<op>value (ops: ${OPS.join(' ')})`)
  }
  const def = FIELDS[field]
  if (def == null) throw new FilterSyntaxError(field, `unknown field "${field}" (known: ${Object.keys(FIELDS).join(', ')})`)
  const raw = rest.slice(op.length)
  if (raw === '') throw new FilterSyntaxError(field, `${field}${op} needs a value`)
  if (def.kind === 'text') {
    if (!EQUALITY.includes(op)) throw new FilterSyntaxError(field, `${field} takes = or !=, not ${op}`)
    return { field, op, value: def.normalize?.(raw) ?? raw }
  }
  if (!/^\d+(\.\d+)?$/.test(raw)) throw new FilterSyntaxError(field, `${field}${op}${raw}: "${raw}" is not a non-negative number`)
  return { field, op, value: Number(raw) }
}

export function parseFilter (text: string): Filter {
  if (text.length > MAX_FILTER_CHARS) throw new FilterSyntaxError('', `longer than ${MAX_FILTER_CHARS} characters`)
  const terms = tokenize(text).map(parseTerm)
  if (terms.length > MAX_TERMS) throw new FilterSyntaxError('', `more than ${MAX_TERMS} terms`)
  return { terms }
}

function compare (have: number, op: Op, want: number): boolean {
  switch (op) {
    case '=': return have === want
    case '!=': return have !== want
    case '<': return have < want
    case '<=': return have <= want
    case '>': return have > want
    case '>=': return have >= want
  }
}

function holds (term: Term, offer: Offer): boolean {
  const def = FIELDS[term.field] as FieldDef
  const have = def.get(offer)
  if (typeof have === 'number') return compare(have, term.op, term.value as number)
  const want = term.value as string
  const test = def.test ?? ((h: string, w: string) => h === w)
  const any = have.some(h => test(h, want))
  return term.op === '=' ? any : !any
}

export function matches (filter: Filter, offer: Offer): boolean {
  return filter.terms.every(term => holds(term, offer))
}

/**
 * The capability key to search under: the class or region the filter pins
 * down, else every provider. A class names one GPU model, so it is preferred.
 */
export function searchKey (filter: Filter): string {
  const pinned = (field: string): string | undefined =>
    filter.terms.find(t => t.field === field && t.op === '=')?.value as string | undefined
  const resourceClass = pinned('class')
  if (resourceClass != null) return classKey(resourceClass)
  const region = pinned('region')
  if (region != null) return regionKey(region)
  return ALL_KEY
}
