/**
 * podman for the tests and the benchmark of the container provisioner: the
 * global arguments these machines need, why podman cannot run here (when it
 * cannot), and fake GPU device nodes for a container to be given.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { runCommand } from '../command.ts'
import { findOnPath } from '../provision/container/runtime.ts'

/** podman on these machines needs runc and cgroupfs, and rlimits at or below the host's (docs: DESIGN.md, "System parts"). */
export const PODMAN_ARGS = ['--runtime', 'runc', '--cgroup-manager=cgroupfs']
export const PODMAN_RUN_LIMITS = ['--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024']
const COMMAND_TIMEOUT_MS = 30_000

/** Why podman containers with sshd cannot run here; undefined when they can. */
export async function podmanMissing (): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'not root (fake device nodes need mknod, and the containers rootful podman)'
  for (const program of ['podman', 'ssh', 'ssh-keygen', 'ldd', 'tar', 'mknod']) {
    if (await findOnPath(program) == null) return `${program} is not installed`
  }
  for (const file of ['/usr/sbin/sshd', '/bin/busybox']) {
    if (!existsSync(file)) return `${file} is missing (Debian: openssh-server, busybox-static)`
  }
  const works = await runCommand(['podman', ...PODMAN_ARGS, 'info'], { timeoutMs: COMMAND_TIMEOUT_MS }).then(() => true, () => false)
  return works ? undefined : 'podman is installed but `podman info` fails'
}

/** `count` character device nodes `<dir>/nvidia<N>` (the null device's numbers) standing in for GPUs; the devicePath is `<dir>/nvidia{index}`. */
export async function fakeGpuNodes (dir: string, count: number): Promise<string> {
  for (let n = 0; n < count; n++) await runCommand(['mknod', join(dir, `nvidia${n}`), 'c', '1', '3'], { timeoutMs: COMMAND_TIMEOUT_MS })
  return join(dir, 'nvidia{index}')
}
