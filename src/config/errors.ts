export interface ConfigIssue {
  /** Dotted field path, e.g. `rpc.port`; empty for the whole document. */
  field: string
  /** Where the offending value came from: a file path, an env var, a flag, or `defaults`. */
  source: string
  problem: string
}

/** The configuration cannot be used. Nothing was changed on disk. */
export class ConfigError extends Error {
  static readonly code = 'CPNET_CONFIG_INVALID'
  readonly code = ConfigError.code
  readonly issues: ConfigIssue[]

  constructor (issues: ConfigIssue[]) {
    super('invalid configuration: ' + issues.map(i => `${i.field === '' ? '(document)' : i.field} (from ${i.source}): ${i.problem}`).join('; '))
    this.name = 'ConfigError'
    this.issues = issues
  }
}
