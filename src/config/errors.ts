/** The configuration's error: every problem found, each with its field and where the value came from. */
import { ErrorCode } from '../error-codes.ts'
import { defineError } from '../errors.ts'

export interface ConfigIssue {
  /** Dotted field path, e.g. `rpc.port`; empty for the whole document. */
  field: string
  /** Where the offending value came from: a file path, an env var, a flag, or `defaults`. */
  source: string
  problem: string
}

/** The configuration cannot be used. Nothing was changed on disk. Raised before any RPC server runs. */
export class ConfigError extends defineError('ConfigError', 'CPNET_CONFIG_INVALID', ErrorCode.INTERNAL_ERROR) {
  readonly issues: ConfigIssue[]

  constructor (issues: ConfigIssue[]) {
    super('invalid configuration: ' + issues.map(i => `${i.field === '' ? '(document)' : i.field} (from ${i.source}): ${i.problem}`).join('; '))
    this.issues = issues
  }
}
