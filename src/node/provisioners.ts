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
import { SlurmProvisioner } from '../provision/slurm/provisioner.ts'
import { SshProvisioner } from '../provision/ssh/provisioner.ts'
import { accountName } from '../provision/ssh/accounts.ts'
import type { Provisioner } from '../provision/types.ts'
import { SlurmCluster } from '../slurm/cluster.ts'

export interface ProvisionerDeps {
  /** The repo's provision/ directory: per-lease files. */
  stateDir: string
  logger: Logger
  /** The cluster Slurm pools front (the inventory reads the same one). */
  slurm: SlurmCluster
}

/** The Slurm cluster of provider.slurm, whose cpnet jobs are those of the lease accounts; nothing is run until a Slurm pool needs it. */
export function slurmCluster (config: Pick<Config, 'provider' | 'lease'>): SlurmCluster {
  const { slurm } = config.provider
  const prefix = config.lease.slurm.userPrefix
  return new SlurmCluster({ conf: slurm.conf, binDir: slurm.binDir, output: slurm.output, timeoutMs: slurm.commandTimeoutSec * 1000, leaseUser: leaseId => accountName(prefix, leaseId) })
}

export function buildProvisioners (config: Config['lease'], deps: ProvisionerDeps): Record<ProvisionerKind, Provisioner> {
  const { ssh, container, slurm } = config
  // each step of a provisioner is bounded by the whole provisioning's deadline too
  const commandTimeoutMs = config.provisionTimeoutSec * 1000
  return {
    hook: new HookProvisioner({ startHook: config.startHook, endHook: config.endHook, timeoutMs: config.hookTimeoutSec * 1000 }),
    ssh: new SshProvisioner({ ...ssh, commandTimeoutMs, logger: deps.logger }),
    container: new ContainerProvisioner({ ...container, stateDir: deps.stateDir, commandTimeoutMs, logger: deps.logger }),
    // the Slurm leases' login accounts are the ssh provisioner's, behind the same sshd, under their own prefix
    slurm: new SlurmProvisioner({
      cluster: deps.slurm,
      // no supplementary groups: the login node's device nodes are not the lease's GPUs
      accounts: new SshProvisioner({ ...ssh, userPrefix: slurm.userPrefix, groups: [], commandTimeoutMs, logger: deps.logger }),
      immediateSec: slurm.immediateSec,
      logger: deps.logger
    })
  }
}
