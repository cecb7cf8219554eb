/** The `filter` param that offers_search, prices_latest and prices_subscribe share (docs/FILTERS.md). */
import { Type } from '@sinclair/typebox'
import { FilterSyntaxError } from '../../discovery/errors.ts'
import { MAX_FILTER_CHARS, parseFilter, type Filter } from '../../discovery/filter.ts'
import { InvalidParamsError } from '../errors.ts'

export const FilterParamSchema = Type.String({ maxLength: MAX_FILTER_CHARS, description: 'e.g. "class=gpu/nvidia/h100-80gb-hbm3 gpus>=4 price<=2.5"; empty matches everything' })

/** Parses the filter param; a syntax error is -32602 naming /filter and the culprit. */
export function parseFilterParam (text: string): Filter {
  try {
    return parseFilter(text)
  } catch (err) {
    if (err instanceof FilterSyntaxError) throw new InvalidParamsError('/filter', err.message)
    throw err
  }
}
