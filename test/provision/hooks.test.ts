/**
 * The hook provisioner: a start hook gets the lease on stdin and in CPNET_*
 * variables and prints the access as JSON; a failing, hanging, silent or
 * flooding hook fails with a message that says which; an aborted one is killed.
 */
import { describe, expect, it } from 'vitest'
import { HookFailedError, HookProvisioner, runHook } from '../../src/provision/hook.ts'
import type { ProvisionLease } from '../../src/provision/types.ts'

const lease: ProvisionLease = {
  leaseId: 'abc',
  cpi: 'cpi:12D3KooW/h100',
  pool: 'h100',
  consumer: '12D3KooWconsumer',
  vendor: 'nvidia',
  gpus: 2,
  devices: [{ index: 1, uuid: 'GPU-1' }, { index: 3 }],
  start: 1,
  end: 2,
  cpuCores: 8,
  ramGib: 64,
  access: { sshKeys: ['ssh-ed25519 AAAA'], command: [], env: {} }
}
const node = process.execPath
/** The limit a hang runs into; the other failures have a limit no loaded machine reaches, since node may take longer than this to start. */
const HANG_LIMIT_MS = 300
const LIMIT_MS = 10_000

function script (source: string): string[] {
  return [node, '-e', source]
}

describe('lease hooks', () => {
  it('passes the lease on stdin and in the environment, and returns the JSON it prints', async () => {
    const access = await runHook(
      script(`let s='';process.stdin.on('data',c=>s+=c).on('end',()=>{const l=JSON.parse(s).lease;console.log(JSON.stringify({ssh:'gpu@host',id:l.leaseId,keys:l.access.sshKeys,gpus:process.env.CPNET_GPUS,devices:process.env.CPNET_DEVICES,ev:process.env.CPNET_EVENT}))})`),
      lease, 'start', 10_000
    )
    expect(access).toEqual({ ssh: 'gpu@host', id: 'abc', keys: ['ssh-ed25519 AAAA'], gpus: '2', devices: '1,3', ev: 'start' })
  })

  it.each([
    ['a non-zero exit', script('console.error("no GPUs left"); process.exit(3)'), LIMIT_MS, /exited with code 3: no GPUs left/],
    ['output that is not JSON', script('console.log("ready!")'), LIMIT_MS, /printed no JSON object/],
    ['a JSON array', script('console.log("[1,2]")'), LIMIT_MS, /printed no JSON object/],
    ['a hang', script('setInterval(() => {}, 1000)'), HANG_LIMIT_MS, /did not finish within 300 ms/],
    ['a missing program', ['/nonexistent/start-lease'], LIMIT_MS, /could not run/],
    ['a flood of output', script('process.stdout.write("x".repeat(200000))'), LIMIT_MS, /more than 65536 bytes/]
  ])('fails clearly on %s', async (_what, command, limitMs, message) => {
    const err = await runHook(command, lease, 'start', limitMs).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(HookFailedError)
    expect((err as Error).message).toMatch(message)
  })

  it('an end hook needs no output', async () => {
    expect(await runHook(script('process.exit(0)'), lease, 'end', 10_000)).toEqual({})
  })

  it('a provisioner without hooks hands over {} and stops nothing', async () => {
    const hooks = new HookProvisioner({ startHook: [], endHook: [], timeoutMs: 1000 })
    const signal = new AbortController().signal
    expect(await hooks.start(lease, signal)).toEqual({})
    await hooks.stop(lease.leaseId, signal, lease)
    expect(await hooks.provisioned()).toEqual([])
  })

  it('an aborted start hook is killed and fails', async () => {
    const hooks = new HookProvisioner({ startHook: script('setInterval(() => {}, 1000)'), endHook: [], timeoutMs: 60_000 })
    const controller = new AbortController()
    setTimeout(() => { controller.abort() }, 100)
    await expect(hooks.start(lease, controller.signal)).rejects.toThrow(/aborted/)
  })
})
