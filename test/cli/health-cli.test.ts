/** What a person sees of a node's health: the daemon's log, `cpnet status` and `cpnet provider pools`. */
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { cleanEnv, killDaemon, runCli, spawnDaemon, type DaemonProcess } from '../helpers/cli.ts'
import { tempDir } from '../helpers/daemons.ts'

const FAILING_NVIDIA_SMI = join(import.meta.dirname, '..', 'fixtures', 'nvidia-smi', 'failing-driver')
const DRIVER_MESSAGE = "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."

describe('health on the command line', () => {
  let dir: ReturnType<typeof tempDir>
  let daemon: DaemonProcess | undefined
  beforeEach(() => { dir = tempDir() })
  afterEach(async () => {
    await killDaemon(daemon)
    dir.remove()
  })

  it('a failing nvidia-smi is logged with its message and shown by status and provider pools', async () => {
    const repo = join(dir.path, 'node')
    daemon = await spawnDaemon(['--repo', repo, '--profile', 'test', '--log-format', 'json'], cleanEnv({
      CPNET_PROVIDER_DETECT_GPUS: 'true',
      CPNET_PROVIDER_NVIDIA_SMI: FAILING_NVIDIA_SMI
    }))
    expect(daemon.stdout()).toContain('Daemon is ready')
    const warning = daemon.stderr().split('\n').filter(l => l !== '').map(l => JSON.parse(l) as Record<string, unknown>).find(l => l.msg === 'GPU detection failed; using declared pools only')
    expect(warning?.error).toContain(`exited with code 9: ${DRIVER_MESSAGE}`)

    const status = await runCli(['--repo', repo, 'status'])
    expect(status.code).toBe(0)
    expect(status.stdout).toMatch(/^Health:\s+degraded$/m)
    expect(status.stdout).toMatch(/^\s+ALONE: no peers connected and no bootstrap peers configured/m)
    expect(status.stdout).toContain(`GPU_DETECTION_FAILED: GPU detection failed, only declared pools are offered: ${FAILING_NVIDIA_SMI} exited with code 9: ${DRIVER_MESSAGE}`)

    const pools = await runCli(['--repo', repo, 'provider', 'pools'])
    expect(pools.code).toBe(0)
    expect(pools.stdout).toContain('no pools')
    expect(pools.stderr).toContain(`cpnet: warning: GPU detection failed, only declared pools are offered: ${FAILING_NVIDIA_SMI} exited with code 9: ${DRIVER_MESSAGE}`)
    // --json keeps stdout a list of pools
    const json = await runCli(['--repo', repo, '--json', 'provider', 'pools'])
    expect(JSON.parse(json.stdout)).toEqual([])
    expect(json.stderr).toContain('GPU detection failed')
  })
})
