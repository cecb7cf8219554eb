/** Params that several methods share, with the -32602 errors that name them. */
import { Type } from '@sinclair/typebox'
import { FilterSyntaxError } from '../../discovery/errors.ts'
import { MAX_FILTER_CHARS, parseFilter, type Filter } from '../../discovery/filter.ts'
import { InvalidCpiError, parseCpi, type Cpi } from '../../identity/cpi.ts'
import { InvalidParamsError } from '../errors.ts'

/** The `filter` of offers_search, prices_latest, prices_subscribe and lease_request (docs/FILTERS.md). */
export const FilterParamSchema = Type.String({ maxLength: MAX_FILTER_CHARS, description: 'e.g. "class=gpu/nvidia/h100-80gb-hbm3 gpus>=4 price<=2.5"; empty matches everything' })

export const CpiParamSchema = Type.String({ maxLength: 256, description: 'cpi:<peerId>/<pool>' })

/** A filter syntax error as -32602 naming /filter and the culprit; any other error as it is. */
export function filterParamError (err: unknown): unknown {
  return err instanceof FilterSyntaxError ? new InvalidParamsError('/filter', err.message) : err
}

/** An invalid CPI as -32602 naming /cpi; any other error as it is. */
export function cpiParamError (err: unknown): unknown {
  return err instanceof InvalidCpiError ? new InvalidParamsError('/cpi', err.message) : err
}

export function parseFilterParam (text: string): Filter {
  try {
    return parseFilter(text)
  } catch (err) {
    throw filterParamError(err)
  }
}

export function parseCpiParam (text: string): Cpi {
  try {
    return parseCpi(text)
  } catch (err) {
    throw cpiParamError(err)
  }
}
