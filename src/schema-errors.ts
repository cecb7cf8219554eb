/**
 * Schema errors as a person reads them. TypeBox reports what failed in its own
 * terms ("Expected string to match '^[0-9a-f]{32}$'", "Expected union value");
 * RPC -32602 errors and config errors say instead what the field is and what
 * it accepts, from the schema's `description` and bounds. A string with a
 * pattern is described by its `description` alone (a regular expression is
 * shown only where a schema has none).
 */
import { Kind, type TSchema } from '@sinclair/typebox'
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors'

const MAX_SHOWN_CHARS = 40

interface SchemaFields {
  description?: string
  pattern?: string
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  maxItems?: number
  const?: unknown
  anyOf?: TSchema[]
  items?: TSchema
  properties?: Record<string, TSchema>
}

function fields (schema: TSchema): SchemaFields {
  return schema as unknown as SchemaFields
}

function range (min: number | undefined, max: number | undefined): string {
  if (min != null && max != null) return ` from ${min} to ${max}`
  if (min != null) return ` of at least ${min}`
  if (max != null) return ` up to ${max}`
  return ''
}

/** "The lease id" → "the lease id"; "ISO 4217 code" stays. */
function lowerFirst (text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text[0]?.toLowerCase() + text.slice(1) : text
}

function length (min: number | undefined, max: number | undefined): string {
  if (min != null && max != null) return ` of ${min} to ${max} characters`
  if (min != null) return ` of at least ${min} characters`
  if (max != null) return ` of at most ${max} characters`
  return ''
}

/** What a schema accepts, in words: "a whole number from 1 to 1024", "one of "client", "server"". */
function accepted (schema: TSchema): string {
  const s = fields(schema)
  switch (schema[Kind]) {
    case 'Literal': return JSON.stringify(s.const)
    case 'Union': {
      const branches = s.anyOf ?? []
      return branches.every(b => b[Kind] === 'Literal')
        ? `one of ${branches.map(b => JSON.stringify(fields(b).const)).join(', ')}`
        : [...new Set(branches.map(accepted))].join(' or ')
    }
    case 'String':
      if (s.pattern != null) return s.description != null ? lowerFirst(s.description) : `text matching ${s.pattern}`
      return `text${length(s.minLength, s.maxLength)}`
    case 'Integer': return `a whole number${range(s.minimum, s.maximum)}`
    case 'Number': return `a number${range(s.minimum, s.maximum)}`
    case 'Boolean': return 'true or false'
    case 'Array': return `a list${s.maxItems != null ? ` of at most ${s.maxItems} items` : ''}${s.items != null ? `, each ${accepted(s.items)}` : ''}`
    case 'Object': return 'an object'
    case 'Record': return 'an object'
    default: return s.description ?? 'a valid value'
  }
}

function shown (value: unknown): string {
  if (value === undefined) return 'nothing'
  const text = JSON.stringify(value) ?? String(value)
  return text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS - 1)}…` : text
}

/** One error's text, without its path (callers name the field their own way). */
export function describeSchemaError (error: ValueError): string {
  const s = fields(error.schema)
  if (error.type === ValueErrorType.ObjectAdditionalProperties) {
    const known = Object.keys(s.properties ?? {})
    return `not a known field${known.length > 0 ? ` (known here: ${known.join(', ')})` : ''}`
  }
  const self = error.schema[Kind] === 'String' && s.pattern != null
  const what = `expected ${accepted(error.schema)}`
  const about = s.description != null && !self ? `${s.description}: ` : ''
  if (error.type === ValueErrorType.ObjectRequiredProperty) return `missing; ${about}${what}`
  return `${about}${what}, got ${shown(error.value)}`
}
