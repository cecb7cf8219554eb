import { ErrorCode } from '../error-codes.ts'
import { defineError } from '../errors.ts'

/** Another daemon holds the repo. */
export const RepoLockedError = defineError('RepoLockedError', 'CPNET_REPO_LOCKED', ErrorCode.INTERNAL_ERROR)

/** The repo directory has no config.json yet (`cpnet init` creates it). */
export const RepoNotInitializedError = defineError('RepoNotInitializedError', 'CPNET_REPO_NOT_INITIALIZED', ErrorCode.INTERNAL_ERROR)

/** `init` on a repo that already has a config. */
export const RepoExistsError = defineError('RepoExistsError', 'CPNET_REPO_EXISTS', ErrorCode.INTERNAL_ERROR)

/** One of the repo's databases cannot be opened as it is; the daemon refuses to start rather than create it anew. */
export const RepoDamagedError = defineError('RepoDamagedError', 'CPNET_REPO_DAMAGED', ErrorCode.INTERNAL_ERROR)

/** The check before a start (or `repo check`) could not copy a database to read it: the disk, not the database. */
export const RepoCheckFailedError = defineError('RepoCheckFailedError', 'CPNET_REPO_CHECK_FAILED', ErrorCode.INTERNAL_ERROR)
