/**
 * The one-host Slurm cluster of src/testnet/slurm-cluster.ts, for real: two
 * nodes (two slurmd on this host) show their GPUs in sinfo, a batch job gets
 * two of them, a non-root user's srun inside its own allocation sees its
 * GPUs in CUDA_VISIBLE_DEVICES, and stop() leaves no daemon, step or task
 * behind; a second cluster then starts in the same process.
 */
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { processState } from '../../src/repo/process-state.ts'
import { requireSlurm, slurmMissing, slurmProcesses, startSlurmCluster, type SlurmCluster } from '../helpers/slurm.ts'

const JOB_START_TIMEOUT_MS = 20_000
/** A Unix account of this test's own, for the non-root srun; removed in teardown. */
const user = `cpslurm${randomBytes(3).toString('hex')}`
let userMade = false
let cluster: SlurmCluster | undefined

function alive (pid: number): boolean {
  const state = processState(pid)
  return state != null && state !== 'Z' && state !== 'X'
}

/** The daemons' pids from their pid files (munged's, slurmctld's, every slurmd's). */
function daemonPids (c: SlurmCluster): number[] {
  const files = [join(c.dir, 'munge', 'munged.pid'), join(c.dir, 'slurmctld.pid'), ...c.nodes.map(node => join(c.dir, `slurmd-${node}.pid`))]
  return files.map(file => Number(readFileSync(file, 'utf8').trim()))
}

/** Waits until squeue says the job runs; returns `scontrol show job -d`. */
async function running (c: SlurmCluster, jobId: string): Promise<string> {
  const deadline = Date.now() + JOB_START_TIMEOUT_MS
  for (;;) {
    const { stdout } = await c.run(['scontrol', 'show', 'job', '-d', jobId])
    if (/JobState=RUNNING/.test(stdout)) return stdout
    if (Date.now() > deadline) throw new Error(`job ${jobId} not running within ${JOB_START_TIMEOUT_MS} ms:\n${stdout}`)
    await sleep(200)
  }
}

describe('a one-host Slurm cluster', () => {
  beforeAll(async () => {
    if (slurmMissing() != null) return
    cluster = await startSlurmCluster({ nodes: 2 })
  })

  afterAll(async () => {
    await cluster?.stop()
    if (userMade) spawnSync('userdel', [user])
  })

  it('sinfo shows every node idle in the partition with its GPUs', async (ctx) => {
    requireSlurm(ctx)
    const c = cluster as SlurmCluster
    expect(c.nodes).toEqual(['n1', 'n2'])
    const { stdout } = await c.run(['sinfo', '-h', '-N', '-p', c.partition, '-o', '%N %T %G'])
    expect(stdout.trim().split('\n')).toEqual(['n1 idle gpu:tesla:4', 'n2 idle gpu:tesla:4'])
  })

  it('a batch job asking for 2 GPUs runs with 2 of them', async (ctx) => {
    requireSlurm(ctx)
    const c = cluster as SlurmCluster
    const { stdout } = await c.run(['sbatch', '--parsable', '--gres=gpu:2', '--wrap', 'sleep 30', '-p', c.partition])
    const jobId = stdout.trim()
    expect(jobId).toMatch(/^\d+$/)
    const job = await running(c, jobId)
    expect(job).toMatch(/GRES=gpu:tesla:2\(IDX:0-1\)/)
    // its output goes to the cluster's folder, not to this process's cwd
    expect(existsSync(join(c.dir, 'jobs', `slurm-${jobId}.out`))).toBe(true)
  })

  it('a non-root user runs srun inside its own allocation and sees its GPUs', async (ctx) => {
    requireSlurm(ctx)
    const c = cluster as SlurmCluster
    const made = spawnSync('useradd', ['-M', '-s', '/bin/sh', user], { encoding: 'utf8' })
    expect(made.status, made.stderr).toBe(0)
    userMade = true
    // n2, where nothing runs yet: its first three GPUs
    const { stderr } = await c.run(['salloc', '--no-shell', '--immediate=10', `--uid=${user}`, `--gid=${user}`, '-p', c.partition, '-w', 'n2', '--gres=gpu:3', '--time=5', '-J', 'srun-test'])
    const jobId = /Granted job allocation (\d+)/.exec(stderr)?.[1]
    expect(jobId, stderr).toBeDefined()
    const seen = await c.run(['srun', 'sh', '-c', 'echo $CUDA_VISIBLE_DEVICES $SLURMD_NODENAME; id -un'], { user, env: { SLURM_JOB_ID: jobId ?? '' } })
    expect(seen.stdout).toBe(`0,1,2 n2\n${user}\n`)
  })

  it('stop() leaves no daemon, step or task of the cluster and removes its folder; a second stop() is a no-op', async (ctx) => {
    requireSlurm(ctx)
    const c = cluster as SlurmCluster
    const pids = daemonPids(c)
    expect(pids.every(alive)).toBe(true)
    expect(slurmProcesses(c.dir).length).toBeGreaterThan(pids.length) // the batch job's slurmstepd and sleep too
    await c.stop()
    expect(pids.filter(alive)).toEqual([])
    expect(slurmProcesses(c.dir)).toEqual([])
    expect(existsSync(c.dir)).toBe(false)
    await c.stop()
  })

  it('a second cluster starts after the first, in a folder and on ports of its own, and stops', async (ctx) => {
    requireSlurm(ctx)
    const second = await startSlurmCluster({ gpusPerNode: 2, gresType: 'a100', partition: 'batch' })
    try {
      expect(second.dir).not.toBe(cluster?.dir)
      const { stdout } = await second.run(['sinfo', '-h', '-N', '-o', '%N %P %T %G'])
      expect(stdout.trim()).toBe('n1 batch* idle gpu:a100:2')
    } finally {
      await second.stop()
    }
    expect(slurmProcesses(second.dir)).toEqual([])
  })
})
