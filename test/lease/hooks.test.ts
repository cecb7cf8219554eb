import { describe, expect, it } from 'vitest'
import { HookFailedError, runHook, type HookLease } from '../../src/lease/hooks.ts'

const lease: HookLease = { leaseId: 'abc', cpi: 'cpi:12D3KooW/h100', pool: 'h100', consumer: '12D3KooWconsumer', gpus: 2, start: 1, end: 2 }
const node = process.execPath

function script (source: string): string[] {
  return [node, '-e', source]
}

describe('lease hooks', () => {
  it('passes the lease on stdin and in the environment, and returns the JSON it prints', async () => {
    const access = await runHook({
      command: script(`let s='';process.stdin.on('data',c=>s+=c).on('end',()=>{const l=JSON.parse(s).lease;console.log(JSON.stringify({ssh:'gpu@host',id:l.leaseId,env:process.env.CPNET_GPUS,ev:process.env.CPNET_EVENT}))})`),
      lease,
      event: 'start',
      timeoutMs: 10_000
    })
    expect(access).toEqual({ ssh: 'gpu@host', id: 'abc', env: '2', ev: 'start' })
  })

  it.each([
    ['a non-zero exit', script('console.error("no GPUs left"); process.exit(3)'), /failed \(exit 3\): no GPUs left/],
    ['output that is not JSON', script('console.log("ready!")'), /printed no JSON object/],
    ['a JSON array', script('console.log("[1,2]")'), /printed no JSON object/],
    ['a hang', script('setInterval(() => {}, 1000)'), /did not finish within 300 ms/],
    ['a missing program', ['/nonexistent/start-lease'], /did not run/],
    ['a flood of output', script('process.stdout.write("x".repeat(200000))'), /more than 65536 bytes/]
  ])('fails clearly on %s', async (_what, command, message) => {
    const err = await runHook({ command, lease, event: 'start', timeoutMs: 300 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(HookFailedError)
    expect((err as Error).message).toMatch(message)
  })

  it('an end hook needs no output', async () => {
    expect(await runHook({ command: script('process.exit(0)'), lease, event: 'end', timeoutMs: 10_000 })).toEqual({})
  })
})
