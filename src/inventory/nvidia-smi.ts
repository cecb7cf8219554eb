/**
 * GPU detection through nvidia-smi:
 *
 *   nvidia-smi --query-gpu=index,uuid,name,memory.total,pci.bus_id --format=csv,noheader,nounits
 *
 * prints one line per GPU, e.g. `0, GPU-5d1c…, NVIDIA H100 80GB HBM3, 81559, 00000000:18:00.0`
 * (memory in MiB). The parser takes exactly the fields it asked for. The parser is strict about the shape of each line, so a
 * driver message or a changed format is reported instead of turned into a
 * wrong pool; the detector treats a missing binary as "no GPUs".
 */
import { execFile } from 'node:child_process'
import { DEFAULT_VENDOR } from './pool.ts'
import { PCI_BUS_ID_PATTERN, type PoolSpec } from '../config/pool-schema.ts'
import { modelSlug } from './classes.ts'
import { ErrorCode } from '../error-codes.ts'
import { defineError } from '../errors.ts'

const NVIDIA_SMI_FIELDS = ['index', 'uuid', 'name', 'memory.total', 'pci.bus_id'] as const
const NVIDIA_SMI_ARGS = [`--query-gpu=${NVIDIA_SMI_FIELDS.join(',')}`, '--format=csv,noheader,nounits'] as const
const PCI_BUS_ID = new RegExp(PCI_BUS_ID_PATTERN)
const NVIDIA_SMI_TIMEOUT_MS = 10_000
const MAX_OUTPUT_BYTES = 1024 * 1024

export interface GpuInfo {
  index: number
  uuid: string
  name: string
  memoryMib: number
  /** e.g. 00000000:18:00.0 */
  pciBusId: string
}

export const NvidiaSmiError = defineError('NvidiaSmiError', 'CPNET_NVIDIA_SMI', ErrorCode.INTERNAL_ERROR)

/** Parses the CSV output; throws NvidiaSmiError naming the first line it cannot read. */
export function parseNvidiaSmi (output: string): GpuInfo[] {
  const gpus: GpuInfo[] = []
  const lines = output.split(/\r?\n/).map(l => l.trim()).filter(l => l !== '')
  lines.forEach((line, i) => {
    const fields = line.split(',').map(f => f.trim())
    const where = `nvidia-smi output line ${i + 1} ("${line.slice(0, 80)}")`
    if (fields.length !== NVIDIA_SMI_FIELDS.length) throw new NvidiaSmiError(`${where}: expected ${NVIDIA_SMI_FIELDS.length} comma-separated fields (${NVIDIA_SMI_FIELDS.join(', ')}), got ${fields.length}`)
    const [index, uuid, name, memory, pciBusId] = fields as [string, string, string, string, string]
    if (!/^\d+$/.test(index)) throw new NvidiaSmiError(`${where}: index "${index}" is not a number`)
    if (!/^GPU-[0-9a-fA-F-]+$/.test(uuid)) throw new NvidiaSmiError(`${where}: "${uuid}" is not a GPU UUID`)
    if (name === '' || name.startsWith('[')) throw new NvidiaSmiError(`${where}: no model name`)
    if (!/^\d+$/.test(memory) || Number(memory) === 0) throw new NvidiaSmiError(`${where}: memory "${memory}" is not a size in MiB`)
    if (!PCI_BUS_ID.test(pciBusId)) throw new NvidiaSmiError(`${where}: "${pciBusId}" is not a PCI bus id`)
    gpus.push({ index: Number(index), uuid, name, memoryMib: Number(memory), pciBusId })
  })
  for (const key of ['index', 'uuid', 'pciBusId'] as const) {
    if (new Set(gpus.map(g => g[key])).size !== gpus.length) throw new NvidiaSmiError(`nvidia-smi output lists the same GPU twice (a repeated ${key})`)
  }
  return gpus
}

/** Models whose name says SXM sit on an NVLink/NVSwitch board; the rest are taken for PCIe cards. */
function interconnectOf (name: string): string {
  return /\bSXM\d*\b/i.test(name) ? 'nvlink' : 'pcie'
}

/**
 * One pool per model, named after the model's slug, with its GPUs as the
 * pool's devices in index order. Memory is the smallest among the GPUs of the
 * model (cards of one model can report a few MiB apart).
 */
export function poolsFromGpus (gpus: GpuInfo[]): PoolSpec[] {
  const byModel = new Map<string, GpuInfo[]>()
  for (const gpu of gpus) byModel.set(gpu.name, [...(byModel.get(gpu.name) ?? []), gpu])
  return [...byModel.entries()].map(([name, group]) => ({
    name: modelSlug(DEFAULT_VENDOR, name),
    vendor: DEFAULT_VENDOR,
    model: name,
    gpus: group.length,
    gpuMemoryMib: Math.min(...group.map(g => g.memoryMib)),
    interconnect: interconnectOf(name),
    devices: [...group].sort((a, b) => a.index - b.index).map(g => ({ index: g.index, uuid: g.uuid, pciBusId: g.pciBusId }))
  }))
}

/** What execFile rejects with, plus what the command printed before it failed. */
export type CommandError = NodeJS.ErrnoException & { stdout?: string, stderr?: string, signal?: NodeJS.Signals | null, killed?: boolean }

/**
 * Runs a command and returns its stdout; rejects with a CommandError (code
 * ENOENT when it is not there, the exit code when it failed, with its output).
 */
export type RunCommand = (command: string, args: readonly string[]) => Promise<string>

const runCommand: RunCommand = async (command, args) => new Promise((resolve, reject) => {
  execFile(command, [...args], { timeout: NVIDIA_SMI_TIMEOUT_MS, maxBuffer: MAX_OUTPUT_BYTES, encoding: 'utf8' }, (err, stdout, stderr) => {
    // execFile's callback error does not carry the output; a failing nvidia-smi says why on it
    if (err != null) reject(Object.assign(err, { stdout, stderr }))
    else resolve(stdout)
  })
})

/** Longest part of a failing command's own words kept in its error. */
const MAX_SAID_CHARS = 300

/**
 * `nvidia-smi exited with code 9: NVIDIA-SMI has failed because it couldn't
 * communicate with the NVIDIA driver. …` — the exit and the tool's own message
 * (stderr, else stdout, where nvidia-smi prints its driver errors).
 */
function describeFailure (command: string, err: CommandError): string {
  const how = typeof err.code === 'number'
    ? `exited with code ${err.code as number}`
    : err.killed === true
      ? `did not answer within ${NVIDIA_SMI_TIMEOUT_MS / 1000} s`
      : err.signal != null ? `was killed by ${err.signal}` : `could not run (${err.message})`
  const output = [err.stderr, err.stdout].map(o => (o ?? '').replace(/\s+/g, ' ').trim()).find(o => o !== '')
  return output == null ? `${command} ${how}` : `${command} ${how}: ${output.slice(0, MAX_SAID_CHARS)}`
}

/** The GPUs nvidia-smi reports; none when the binary is not installed (a machine without NVIDIA GPUs). */
export async function detectGpus (command: string, run: RunCommand = runCommand): Promise<GpuInfo[]> {
  let output: string
  try {
    output = await run(command, NVIDIA_SMI_ARGS)
  } catch (err) {
    if ((err as CommandError).code === 'ENOENT') return []
    throw new NvidiaSmiError(describeFailure(command, err as CommandError))
  }
  return parseNvidiaSmi(output)
}
