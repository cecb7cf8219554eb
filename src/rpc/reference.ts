/**
 * The method reference of docs/RPC.md, generated from the registry's schemas
 * so that the document a third party implements from cannot drift from what
 * the server checks and returns (`npm run docs:rpc`; a test compares the file
 * with this output). Plain JSON Schema is read, as a client of rpc.discover
 * would read it; a schema with a `title` is a named type, described once under
 * "Result types" and linked wherever it is used.
 */
import type { TSchema } from '@sinclair/typebox'
import type { MethodDefinition } from './registry.ts'
import { ErrorCode } from '../error-codes.ts'
import { defineError } from '../errors.ts'

export const GENERATED_BEGIN = '<!-- BEGIN GENERATED METHODS -->'
export const GENERATED_END = '<!-- END GENERATED METHODS -->'

/** The document has no generated block, or its markers are out of order. */
export const GeneratedBlockError = defineError('GeneratedBlockError', 'CPNET_RPC_REFERENCE_BLOCK', ErrorCode.INTERNAL_ERROR)
/** Two different schemas carry one title: the reference could describe only one of them. */
export const TypeTitleError = defineError('TypeTitleError', 'CPNET_RPC_REFERENCE_TITLE', ErrorCode.INTERNAL_ERROR)

type Schema = TSchema

const props = (s: Schema): Record<string, Schema> => (s.properties ?? {}) as Record<string, Schema>
const requiredOf = (s: Schema): Set<string> => new Set((s.required ?? []) as string[])
const isObject = (s: Schema): boolean => s.type === 'object' && s.properties != null
const titleOf = (s: Schema): string | undefined => typeof s.title === 'string' ? s.title : undefined
const anchorOf = (title: string): string => `type-${title.toLowerCase()}`
/**
 * Text from a schema, safe in Markdown: outside code spans, `<peerId>` would
 * be read as an HTML tag (and vanish), so a placeholder becomes code, any
 * other tag-like `<` an entity, and `*` is not emphasis.
 */
function prose (text: string): string {
  const outsideCode = (t: string, fn: (part: string) => string): string => t.split('`').map((part, i) => i % 2 === 1 ? part : fn(part)).join('`')
  const coded = outsideCode(text, part => part.replace(/<[A-Za-z][^<>\s`]*>/g, '`$&`'))
  return outsideCode(coded, part => part.replace(/<(?=[A-Za-z/!?])/g, '&lt;').replaceAll('*', '\\*'))
}
const cell = (text: string): string => prose(text).replaceAll('|', '\\|').replaceAll('\n', ' ')
const number = (n: unknown): string => n === Number.MAX_SAFE_INTEGER ? '2^53−1' : String(n)

/** The type as a reader writes it: `string`, `"a" | "b"`, `array of Offer`, a link for a named type. */
function typeText (s: Schema): string {
  const title = titleOf(s)
  if (title != null) return `[\`${title}\`](#${anchorOf(title)})`
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``
  if (Array.isArray(s.anyOf)) return (s.anyOf as Schema[]).map(typeText).join(' or ')
  if (s.type === 'array') return `array of ${isObject(s.items as Schema) && titleOf(s.items as Schema) == null ? 'objects' : typeText(s.items as Schema)}`
  if (s.type === 'object' && s.patternProperties != null) {
    const values = Object.values(s.patternProperties as Record<string, Schema>)[0]
    return `object (any keys; values: ${values != null ? typeText(values) : 'any JSON'})`
  }
  if (typeof s.type === 'string') return s.type
  return 'any JSON'
}

/** Ranges, lengths, patterns and item limits, in words. */
function constraintsText (s: Schema): string {
  const parts: string[] = []
  if (s.minimum != null && s.maximum != null) parts.push(`${number(s.minimum)} to ${number(s.maximum)}`)
  else if (s.minimum != null) parts.push(`≥ ${number(s.minimum)}`)
  else if (s.maximum != null) parts.push(`≤ ${number(s.maximum)}`)
  if (s.exclusiveMinimum != null) parts.push(`> ${number(s.exclusiveMinimum)}`)
  if (s.minLength === 1) parts.push('not empty')
  else if (s.minLength != null) parts.push(`at least ${String(s.minLength)} characters`)
  if (s.maxLength != null) parts.push(`at most ${String(s.maxLength)} characters`)
  if (typeof s.pattern === 'string') parts.push(`matches \`${s.pattern}\``)
  if (s.minItems != null) parts.push(`at least ${String(s.minItems)} items`)
  if (s.maxItems != null) parts.push(`at most ${String(s.maxItems)} items`)
  if (s.type === 'array' && s.items != null && !isObject(s.items as Schema)) {
    const each = constraintsText(s.items as Schema)
    if (each !== '') parts.push(`each ${each}`)
  }
  return parts.join('; ')
}

/** A named type's description is told once, under its own heading. */
function descriptionText (s: Schema): string {
  if (titleOf(s) != null) return ''
  const own = typeof s.description === 'string' ? s.description : ''
  const items = s.type === 'array' ? s.items as Schema : undefined
  const each = items != null && titleOf(items) == null && !isObject(items) && typeof items.description === 'string' ? items.description : ''
  return [own, each].filter(t => t !== '').join('. Each: ')
}

/**
 * One row per field, then the fields of an unnamed object under it
 * (`resource.vendor`) and of an array of unnamed objects (`refusals[].cpi`).
 */
function fieldRows (name: string, s: Schema, required: boolean): string[] {
  const row = `| \`${name}\` | ${cell(typeText(s))} | ${required ? 'yes' : 'no'} | ${cell(constraintsText(s))} | ${cell(descriptionText(s))} |`
  if (titleOf(s) != null) return [row]
  if (isObject(s)) return [row, ...objectRows(`${name}.`, s)]
  const items = s.type === 'array' ? s.items as Schema : undefined
  if (items != null && isObject(items) && titleOf(items) == null) return [row, ...objectRows(`${name}[].`, items)]
  return [row]
}

function objectRows (prefix: string, s: Schema): string[] {
  const required = requiredOf(s)
  return Object.entries(props(s)).flatMap(([key, field]) => fieldRows(prefix + key, field, required.has(key)))
}

function fieldTable (head: string, rows: string[]): string[] {
  return [`| ${head} | type | required | constraints | description |`, '|---|---|---|---|---|', ...rows]
}

function resultSection (s: Schema): string[] {
  const title = titleOf(s)
  if (title != null) return [`**Result**: ${typeText(s)}.`]
  const description = prose(descriptionText(s))
  if (isObject(s)) {
    return [`**Result**: an object${description !== '' ? `: ${description}` : ''}.`, '', ...fieldTable('field', objectRows('', s))]
  }
  const items = s.type === 'array' ? s.items as Schema : undefined
  if (items != null && isObject(items) && titleOf(items) == null) {
    return [`**Result**: an array of objects${description !== '' ? `: ${description}` : ''}.`, '', ...fieldTable('field', objectRows('[].', items))]
  }
  const constraints = constraintsText(s)
  return [`**Result**: ${typeText(s)}${constraints !== '' ? ` (${constraints})` : ''}${description !== '' ? `: ${description}` : ''}.`]
}

function methodSection (m: MethodDefinition): string[] {
  const params = Object.keys(props(m.params)).length > 0
    ? ['**Params** (by name, or by position in this order):', '', ...fieldTable('param', objectRows('', m.params))]
    : ['**Params**: none.']
  return [
    `#### \`${m.name}\``,
    '',
    `${prose(m.summary)}.`,
    ...(m.description != null ? ['', prose(m.description)] : []),
    '',
    `Permission: \`${m.permission}\`. Transport: ${m.transport === 'ws' ? 'WebSocket only (over HTTP: -32602)' : 'HTTP and WebSocket'}.`,
    '',
    ...params,
    '',
    ...resultSection(m.result),
    ''
  ]
}

/** Every named type reachable from the schemas, by title; one title naming two different schemas is an error. */
function namedTypes (roots: Schema[]): Map<string, Schema> {
  const found = new Map<string, Schema>()
  const visit = (s: Schema | undefined): void => {
    if (s == null || typeof s !== 'object') return
    const title = titleOf(s)
    if (title != null) {
      const seen = found.get(title)
      if (seen != null) {
        if (JSON.stringify(seen) !== JSON.stringify(s)) throw new TypeTitleError(`two different schemas are titled ${title}`)
        return
      }
      found.set(title, s)
    }
    Object.values(props(s)).forEach(visit)
    if (s.items != null) visit(s.items as Schema)
    if (Array.isArray(s.anyOf)) (s.anyOf as Schema[]).forEach(visit)
    if (s.patternProperties != null) Object.values(s.patternProperties as Record<string, Schema>).forEach(visit)
  }
  roots.forEach(visit)
  return new Map([...found.entries()].sort(([a], [b]) => a.localeCompare(b)))
}

function typeSection (title: string, s: Schema): string[] {
  const description = typeof s.description === 'string' ? [prose(s.description), ''] : []
  const body = isObject(s) ? fieldTable('field', objectRows('', s)) : [`${typeText({ ...s, title: undefined })}.`]
  return [`<a id="${anchorOf(title)}"></a>`, '', `#### \`${title}\``, '', ...description, ...body, '']
}

/** The namespace of a method: the part before `_`, or `rpc` for the reserved `rpc.*` names. */
function namespaceOf (name: string): string {
  return name.startsWith('rpc.') ? 'rpc' : name.slice(0, name.indexOf('_'))
}

/**
 * The Markdown of the method reference: per namespace (in the order given,
 * then any others alphabetically), per method by name, then the named types.
 */
export function methodReference (methods: readonly MethodDefinition[], namespaces: readonly string[]): string {
  const sorted = [...methods].sort((a, b) => a.name.localeCompare(b.name))
  const present = [...new Set(sorted.map(m => namespaceOf(m.name)))]
  const order = [...namespaces.filter(n => present.includes(n)), ...present.filter(n => !namespaces.includes(n)).sort()]
  const types = namedTypes(sorted.flatMap(m => [m.params, m.result]))
  return [
    GENERATED_BEGIN,
    '<!-- generated by `npm run docs:rpc` from the method registry (src/rpc/methods/); do not edit by hand -->',
    '',
    'In the tables, `required: no` marks a param that may be left out or a result field that may be absent.',
    'Integers are JSON numbers; unix times are milliseconds.',
    '',
    ...order.flatMap(ns => [
      `### Namespace \`${ns}\``,
      '',
      ...sorted.filter(m => namespaceOf(m.name) === ns).flatMap(methodSection)
    ]),
    '### Result types',
    '',
    ...[...types.entries()].flatMap(([title, s]) => typeSection(title, s)),
    GENERATED_END
  ].join('\n')
}

/** `doc` with the text between the markers (markers included) replaced by `block`. */
export function withGeneratedBlock (doc: string, block: string): string {
  const begin = doc.indexOf(GENERATED_BEGIN)
  const end = doc.indexOf(GENERATED_END)
  if (begin < 0 || end < begin) throw new GeneratedBlockError(`the document has no ${GENERATED_BEGIN} … ${GENERATED_END} block`)
  return doc.slice(0, begin) + block + doc.slice(end + GENERATED_END.length)
}
