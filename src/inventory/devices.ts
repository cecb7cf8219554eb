/**
 * The devices of a pool: what the ledger assigns to a lease one by one, and
 * what a provisioner hands over. A detected GPU has nvidia-smi's index, UUID
 * and PCI bus id; a declared pool lists its devices or is numbered 0…gpus-1.
 */

/** One accelerator of a pool. */
export interface Device {
  /** The vendor tool's index on this host (nvidia-smi's `index`): what CUDA_VISIBLE_DEVICES names. */
  index: number
  /** e.g. GPU-5d1c…; absent where the pool does not know it. */
  uuid?: string
  /** e.g. 00000000:18:00.0; absent where the pool does not know it. */
  pciBusId?: string
  /** The cluster node it is on (a Slurm lease's GPUs), where it is not this host. */
  node?: string
}

/** Devices 0…count-1: a pool declared without its list. */
export function numberedDevices (count: number): Device[] {
  return Array.from({ length: count }, (_, index) => ({ index }))
}

/** The indices of devices, by which the ledger assigns them. */
export function deviceIndices (devices: readonly Device[]): number[] {
  return devices.map(d => d.index)
}
