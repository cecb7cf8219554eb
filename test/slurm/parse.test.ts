/**
 * Reading what Slurm prints: GRES strings, host lists, node states, and the
 * JSON and one-line text forms of nodes and jobs (samples as Slurm 22.05
 * prints them; the real cluster tests read both forms live).
 */
import { describe, expect, it } from 'vitest'
import { gpuCount, parseGres } from '../../src/slurm/gres.ts'
import { expandHostlist } from '../../src/slurm/hostlist.ts'
import { isLive, jobsFromScontrol, jobsFromSqueueJson, type SlurmJob } from '../../src/slurm/jobs.ts'
import { keyValues, nodesFromScontrol, nodesFromSinfoJson, partitionGpus, stateWords } from '../../src/slurm/nodes.ts'
import { slurmDuration } from '../../src/slurm/allocation.ts'

describe('GRES strings', () => {
  it('reads counts, types and indices', () => {
    expect(parseGres('gpu:tesla:4(S:0-1)')).toEqual([{ name: 'gpu', type: 'tesla', count: 4 }])
    expect(parseGres('gpu:2')).toEqual([{ name: 'gpu', count: 2 }])
    expect(parseGres('gpu:a100:2(IDX:0,2),gpu:v100:1(IDX:3),mps:100')).toEqual([
      { name: 'gpu', type: 'a100', count: 2, indices: [0, 2] },
      { name: 'gpu', type: 'v100', count: 1, indices: [3] },
      { name: 'mps', count: 100 }
    ])
    expect(parseGres('gpu:tesla:2(IDX:0-1)')).toEqual([{ name: 'gpu', type: 'tesla', count: 2, indices: [0, 1] }])
    expect(parseGres('gpu:tesla:0(IDX:N/A)')).toEqual([{ name: 'gpu', type: 'tesla', count: 0 }])
    expect(parseGres('gres:gpu:2')).toEqual([{ name: 'gpu', count: 2 }])
    expect(parseGres('(null)')).toEqual([])
    expect(parseGres('')).toEqual([])
  })

  it('counts GPUs of one type or all', () => {
    const gres = parseGres('gpu:a100:2,gpu:v100:1,mps:100')
    expect(gpuCount(gres)).toBe(3)
    expect(gpuCount(gres, 'a100')).toBe(2)
    expect(gpuCount(gres, 'h100')).toBe(0)
  })
})

describe('host lists', () => {
  it('expands ranges with their padding', () => {
    expect(expandHostlist('n[1-3,7],gpu-a01')).toEqual(['n1', 'n2', 'n3', 'n7', 'gpu-a01'])
    expect(expandHostlist('gpu[08-10]')).toEqual(['gpu08', 'gpu09', 'gpu10'])
    expect(expandHostlist('n1')).toEqual(['n1'])
    expect(expandHostlist('')).toEqual([])
  })
})

describe('node states', () => {
  it('splits compound states and reads * as not responding', () => {
    expect(stateWords('IDLE+DRAIN')).toEqual(['IDLE', 'DRAIN'])
    expect(stateWords('DOWN*')).toEqual(['DOWN', 'NOT_RESPONDING'])
    expect(stateWords('mixed', ['DRAIN'])).toEqual(['MIXED', 'DRAIN'])
    expect(stateWords(['IDLE', 'DRAIN'])).toEqual(['IDLE', 'DRAIN'])
  })

  it('counts GPUs on usable nodes only, free as total less used', () => {
    const raw = [
      { name: 'n2', state: ['MIXED'], partitions: ['gpu'], features: [], gres: 'gpu:tesla:4', gresUsed: 'gpu:tesla:1(IDX:0)' },
      { name: 'n1', state: ['IDLE'], partitions: ['gpu'], features: ['a'], gres: 'gpu:tesla:4', gresUsed: 'gpu:tesla:0(IDX:N/A)' },
      { name: 'n3', state: ['IDLE', 'DRAIN'], partitions: ['gpu'], features: [], gres: 'gpu:tesla:4', gresUsed: '' },
      { name: 'n4', state: ['IDLE'], partitions: ['cpu'], features: [], gres: '', gresUsed: '' }
    ]
    const all = partitionGpus(raw, { partition: 'gpu' })
    expect(all.nodes.map(n => [n.name, n.usable])).toEqual([['n1', true], ['n2', true], ['n3', false]])
    expect({ total: all.total, free: all.free }).toEqual({ total: 8, free: 7 })
    expect(partitionGpus(raw, { partition: 'gpu', feature: 'a' }).total).toBe(4)
    expect(partitionGpus(raw, { partition: 'gpu', gresType: 'a100' }).total).toBe(0)
    // a node whose CPUs are all taken runs no new job: its GPUs count, none free
    const full = partitionGpus([{ ...raw[1] as typeof raw[number], state: ['ALLOCATED'] }], { partition: 'gpu' })
    expect({ total: full.total, free: full.free }).toEqual({ total: 4, free: 0 })
  })
})

describe('nodes as Slurm prints them', () => {
  it('reads sinfo --json (22.05: state and state_flags)', () => {
    const json = JSON.stringify({
      meta: {},
      errors: [],
      nodes: [{ name: 'n1', hostname: 'vm', state: 'mixed', state_flags: [], partitions: ['gpu'], features: '', active_features: '', gres: 'gpu:tesla:4', gres_used: 'gpu:tesla:2(IDX:0-1)', reason: '' }]
    })
    expect(nodesFromSinfoJson(json)).toEqual([{ name: 'n1', state: ['MIXED'], partitions: ['gpu'], features: [], gres: 'gpu:tesla:4', gresUsed: 'gpu:tesla:2(IDX:0-1)' }])
    expect(() => nodesFromSinfoJson('not json')).toThrow(/not JSON/)
    expect(() => nodesFromSinfoJson('{}')).toThrow(/no nodes array/)
  })

  it('reads scontrol show node -d -o', () => {
    const line = 'NodeName=n1 Arch=x86_64 CoresPerSocket=1 CPUAlloc=1 CPUEfctv=2 CPUTot=2 CPULoad=0.02 AvailableFeatures=fast,big ActiveFeatures=fast,big Gres=gpu:tesla:4 GresDrain=N/A GresUsed=gpu:tesla:2(IDX:0-1) NodeAddr=127.0.0.1 NodeHostName=vm Version=22.05.8 OS=Linux 6.1 #1 SMP RealMemory=1000 AllocMem=0 FreeMem=23919 Sockets=2 Boards=1 State=MIXED+DRAIN ThreadsPerCore=1 TmpDisk=0 Weight=1 Owner=N/A MCS_label=N/A Partitions=gpu,all BootTime=2026-12-03T07:21:16 SlurmdStartTime=2026-12-03T07:24:11'
    expect(nodesFromScontrol(line + '\n')).toEqual([{ name: 'n1', state: ['MIXED', 'DRAIN'], partitions: ['gpu', 'all'], features: ['fast', 'big'], gres: 'gpu:tesla:4', gresUsed: 'gpu:tesla:2(IDX:0-1)' }])
  })

  it('keeps values with spaces to the next key', () => {
    expect(keyValues('A=1 OS=Linux 6.1 #1 SMP B=x')).toEqual([['A', '1'], ['OS', 'Linux 6.1 #1 SMP'], ['B', 'x']])
  })
})

describe('jobs as Slurm prints them', () => {
  const leaseId = 'ab'.repeat(16)

  it('reads squeue --json, with the GPUs of each node', () => {
    const json = JSON.stringify({
      jobs: [
        { job_id: 7, name: `cpnet-${leaseId}`, user_name: 'cpsabababab', job_state: 'RUNNING', partition: 'gpu', nodes: 'n[1-2]', gres_detail: ['gpu:tesla:2(IDX:0-1)', 'gpu:tesla:1(IDX:3)'], start_time: 1796282985, time_limit: 5 },
        { job_id: 8, name: 'train', user_name: 'alice', job_state: 'PENDING', partition: 'gpu', nodes: '', gres_detail: [], start_time: 0, time_limit: { set: true, infinite: false, number: 60 } }
      ]
    })
    const jobs = jobsFromSqueueJson(json)
    expect(jobs[0]).toEqual({ id: 7, name: `cpnet-${leaseId}`, leaseId, user: 'cpsabababab', state: ['RUNNING'], partition: 'gpu', nodes: [{ node: 'n1', gpus: [0, 1] }, { node: 'n2', gpus: [3] }], gpus: 3, startTime: 1796282985000 })
    expect(jobs[1]).toMatchObject({ id: 8, state: ['PENDING'], nodes: [], gpus: 0 })
    expect(jobs[1]?.leaseId).toBeUndefined()
  })

  it('reads scontrol show job -d -o', () => {
    const line = `JobId=1 JobName=cpnet-${leaseId} UserId=cpltest(1001) GroupId=cpltest(1001) MCS_label=N/A Priority=1 Nice=0 Account=(null) QOS=(null) JobState=RUNNING Reason=None Dependency=(null) Requeue=1 Restarts=0 BatchFlag=0 Reboot=0 ExitCode=0:0 DerivedExitCode=0:0 RunTime=00:00:03 TimeLimit=00:05:00 TimeMin=N/A SubmitTime=2026-12-03T07:25:00 EligibleTime=2026-12-03T07:25:00 AccrueTime=Unknown StartTime=2026-12-03T07:25:00 EndTime=2026-12-03T07:30:00 Deadline=N/A Partition=gpu AllocNode:Sid=vm:123 NodeList=n[1-2] BatchHost=n1 NumNodes=2 NumCPUs=2 TRES=cpu=2,node=2,billing=2 Nodes=n1 CPU_IDs=1 Mem=0 GRES=gpu:tesla:2(IDX:0-1) Nodes=n2 CPU_IDs=0 Mem=0 GRES=gpu:tesla:1(IDX:2) MinCPUsNode=1 Command=(null) WorkDir=/tmp Power= TresPerJob=gres:gpu:3`
    const [job] = jobsFromScontrol(`${line}\n`)
    expect(job).toMatchObject({ id: 1, leaseId, user: 'cpltest', state: ['RUNNING'], partition: 'gpu', nodes: [{ node: 'n1', gpus: [0, 1] }, { node: 'n2', gpus: [2] }], gpus: 3 })
    expect(job?.startTime).toBe(new Date('2026-12-03T07:25:00').getTime())
    expect(jobsFromScontrol('No jobs in the system\n')).toEqual([])
  })

  it('reads 23.02\'s state arrays: a cancelled job still completing is live', () => {
    const [job] = jobsFromSqueueJson(JSON.stringify({ jobs: [{ job_id: 9, name: 'x', user_name: 'u', job_state: ['CANCELLED', 'COMPLETING'], partition: 'gpu', nodes: 'n1', gres_detail: [], start_time: { set: true, infinite: false, number: 5 } }] }))
    expect(job?.state).toEqual(['CANCELLED', 'COMPLETING'])
    expect(isLive(job as SlurmJob)).toBe(true)
    expect(isLive({ state: ['CANCELLED'] })).toBe(false)
    expect(jobsFromScontrol('JobId=3 JobName=x UserId=u(1) JobState=CANCELLED+COMPLETING Partition=gpu\n')[0]?.state).toEqual(['CANCELLED', 'COMPLETING'])
  })

  it('says when the JSON is another version\'s layout, so that text is read instead', () => {
    expect(() => jobsFromSqueueJson('{"sinfo": []}')).toThrow(expect.objectContaining({ unknownShape: true }))
    expect(() => nodesFromSinfoJson('{"sinfo": []}')).toThrow(expect.objectContaining({ unknownShape: true }))
  })
})

describe('durations', () => {
  it('writes D-HH:MM:SS, rounding up, at least a second', () => {
    expect(slurmDuration(90)).toBe('0-00:01:30')
    expect(slurmDuration(86_400 + 3661.2)).toBe('1-01:01:02')
    expect(slurmDuration(0)).toBe('0-00:00:01')
  })
})
