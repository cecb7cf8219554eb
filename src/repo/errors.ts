/** Another daemon holds the repo. */
export class RepoLockedError extends Error {
  static readonly code = 'CPNET_REPO_LOCKED'
  readonly code = RepoLockedError.code
  constructor (message: string) {
    super(message)
    this.name = 'RepoLockedError'
  }
}

/** The repo directory has no config.json yet (`cpnet init` creates it). */
export class RepoNotInitializedError extends Error {
  static readonly code = 'CPNET_REPO_NOT_INITIALIZED'
  readonly code = RepoNotInitializedError.code
  constructor (message: string) {
    super(message)
    this.name = 'RepoNotInitializedError'
  }
}

/** `init` on a repo that already has a config. */
export class RepoExistsError extends Error {
  static readonly code = 'CPNET_REPO_EXISTS'
  readonly code = RepoExistsError.code
  constructor (message: string) {
    super(message)
    this.name = 'RepoExistsError'
  }
}
