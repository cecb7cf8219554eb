/**
 * The provisioners a node can hand leases over with, built from its config:
 * one of each kind, so that a pool names the kind it uses. Building one runs
 * nothing; a provisioner this host cannot run (no sshd host keys, no
 * container runtime) says so when a lease first needs it.
 */
import type { Config } from '../config/schema.ts'
import type { ProvisionerKind } from '../config/pool-schema.ts'
import type { Logger } from '../log/logger.ts'
import { ContainerProvisioner } from '../provision/container/provisioner.ts'
import { HookProvisioner } from '../provision/hook.ts'
import { SshProvisioner } from '../provision/ssh/provisioner.ts'
import type { Provisioner } from '../provision/types.ts'

export interface ProvisionerDeps {
  /** The repo's provision/ directory: per-lease files. */
  stateDir: string
  logger: Logger
}

export function buildProvisioners (config: Config['lease'], deps: ProvisionerDeps): Record<ProvisionerKind, Provisioner> {
  const { ssh, container } = config
  // each step of a provisioner is bounded by the whole provisioning's deadline too
  const commandTimeoutMs = config.provisionTimeoutSec * 1000
  return {
    hook: new HookProvisioner({ startHook: config.startHook, endHook: config.endHook, timeoutMs: config.hookTimeoutSec * 1000 }),
    ssh: new SshProvisioner({ ...ssh, commandTimeoutMs, logger: deps.logger }),
    container: new ContainerProvisioner({ ...container, stateDir: deps.stateDir, commandTimeoutMs, logger: deps.logger })
  }
}
