/** The names `--profile` accepts: kept apart from load.ts so the CLI's help can list them without loading the config schema. */
export const PROFILES = ['test', 'lan', 'client', 'server'] as const
export type ProfileName = typeof PROFILES[number]
