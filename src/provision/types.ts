/**
 * What a provisioner is: the part that turns a committed lease into something
 * the consumer can use (a Unix account behind sshd, a container, whatever a
 * hook sets up) and takes it away again. The provider's lease code calls it;
 * a provisioner knows nothing of the lease protocol.
 *
 * Every call is keyed by the lease id and idempotent: starting a lease that
 * is already provisioned gives the same access, stopping one that has nothing
 * provisioned does nothing. A start that fails or is aborted leaves nothing
 * behind (the caller also calls stop, which must be harmless).
 */
import type { ProvisionerKind, SlurmPoolSpec } from '../config/pool-schema.ts'
import type { Device } from '../inventory/devices.ts'

/** What the consumer asked for, already checked against the protocol's caps and the pool's policy. */
export interface AccessRequest {
  /** OpenSSH public key lines, `<type> <base64>[ <comment>]`: no options, no newlines. */
  sshKeys: string[]
  /** A container image from the pool's allowed list; undefined: the pool's default. */
  image?: string
  /** argv run in the container after it starts (never through a shell); empty: none. */
  command: string[]
  /** Environment for the consumer's sessions and command; names checked, no reserved ones. */
  env: Record<string, string>
}

/** One lease as a provisioner sees it. */
export interface ProvisionLease {
  /** 32 lower-case hex characters. */
  leaseId: string
  cpi: string
  pool: string
  /** The consumer's PeerId. */
  consumer: string
  /** GPU vendor of the pool (nvidia, amd, …): decides which *_VISIBLE_DEVICES variables are set. */
  vendor: string
  /** GPUs leased. */
  gpus: number
  /** The devices the ledger assigned to this lease, by index order; empty for a Slurm pool (Slurm picks them). */
  devices: Device[]
  /** unix ms */
  start: number
  /** unix ms: the access stops working then */
  end: number
  /** This lease's share of the pool's CPU cores and RAM, to 2 decimals (0: the pool states none, so no limit). */
  cpuCores: number
  ramGib: number
  access: AccessRequest
  /** A Slurm pool's selection: where the lease's job is allocated. */
  slurm?: SlurmPoolSpec
}

/** How the consumer reaches an SSH provisioner's account or a container's sshd (a type, not an interface: it is a JSON object). */
export type SshAccess = {
  kind: 'ssh'
  host: string
  port: number
  user: string
  /** The server's host public keys, `<type> <base64>`, for the consumer's known_hosts. */
  hostKeys: string[]
  /** Their SHA256 fingerprints, as ssh-keygen -l prints them (SHA256:…). */
  fingerprints: string[]
  /** The assigned devices, as the lease sees them (a Slurm lease's: each with its node). */
  devices: Device[]
  /** unix ms: logins are refused from then on. */
  expiresAt: number
  /** A Slurm lease's job: `srun` in the account's sessions runs in it (SLURM_JOB_ID is set). */
  slurm?: SlurmJobAccess
}

/** The Slurm job that holds a lease's GPUs. */
export type SlurmJobAccess = {
  jobId: number
  partition: string
  /** The job's nodes, each with the GRES indices of its GPUs there. */
  nodes: Array<{ node: string, gpus: number[] }>
}

/** The JSON sent in the Grant: SshAccess, or a hook's own object. */
export type Access = SshAccess | Record<string, unknown>


export interface Provisioner {
  readonly kind: ProvisionerKind
  /**
   * False where a lease's lost access cannot be made again as it was (a
   * Slurm allocation: new GPUs, another job): such a lease is ended, with
   * the reason, instead of provisioned again. True when absent.
   */
  readonly restores?: boolean
  /**
   * Provisions the lease and returns how to reach it. Throws
   * ProvisionFailedError saying why; on `signal` abort (the timeout) it stops
   * what it runs and throws. Never runs anything through a shell.
   */
  start: (lease: ProvisionLease, signal: AbortSignal) => Promise<Access>
  /** Moves the access's expiry to lease.end (a renewal); returns the access as it is now. */
  extend: (lease: ProvisionLease, signal: AbortSignal) => Promise<Access>
  /**
   * Removes everything provisioned for the lease, its processes included.
   * Idempotent. `lease` is given when the lease is known (a hook needs it);
   * reconciling something left behind gives only the id.
   */
  stop: (leaseId: string, signal: AbortSignal, lease?: ProvisionLease) => Promise<void>
  /** The lease ids this provisioner has something provisioned for now (for reconciling at start-up). */
  provisioned: (signal: AbortSignal) => Promise<string[]>
  /**
   * Where `restores` is false: the lease ids whose resources are still held
   * (a Slurm job alive). A live lease missing here lost them and is ended.
   */
  allocated?: (signal: AbortSignal) => Promise<string[]>
}
