/**
 * A container image with sshd, made offline from this machine's own files (no
 * registry is reachable from the test machines): busybox as /bin/sh and the
 * usual tools, /usr/sbin/sshd with every library ldd lists, the users sshd
 * needs, imported with `<runtime> import`. Each call tags its image uniquely,
 * so runs side by side (tests, the benchmark) never share or remove each other's.
 */
import { randomBytes } from 'node:crypto'
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { spawn, type ChildProcess } from 'node:child_process'
import { runCommand } from '../command.ts'
import { runtimeArgv, type ContainerRuntime } from '../provision/container/runtime.ts'

const BUSYBOX = '/bin/busybox'
const SSHD = '/usr/sbin/sshd'
const COMMAND_TIMEOUT_MS = 60_000

export interface SshdImage {
  /** Fully qualified reference, e.g. localhost/cpnet-sshd-test-…:latest */
  image: string
  remove: () => Promise<void>
}

/** The absolute paths of the shared libraries `ldd` says a program loads. */
async function libraries (program: string): Promise<string[]> {
  const { stdout } = await runCommand(['ldd', program], { timeoutMs: COMMAND_TIMEOUT_MS })
  return [...stdout.matchAll(/(\/\S+) \(0x[0-9a-f]+\)/g)].map(m => m[1] as string)
}

/** Copies a file to the same path under `root`, following links (a library's soname is usually one). */
async function copyInto (root: string, path: string): Promise<void> {
  const target = join(root, path)
  await mkdir(dirname(target), { recursive: true })
  await copyFile(path, target)
}

async function writeRootfs (root: string): Promise<void> {
  for (const dir of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'run/sshd', 'var/empty', 'root', 'tmp', 'dev', 'proc', 'sys']) {
    await mkdir(join(root, dir), { recursive: true })
  }
  await copyInto(root, BUSYBOX)
  const { stdout } = await runCommand([BUSYBOX, '--list'], { timeoutMs: COMMAND_TIMEOUT_MS })
  for (const applet of stdout.split('\n').filter(a => a !== '' && a !== 'busybox')) {
    await symlink('busybox', join(root, 'bin', applet))
  }
  await copyInto(root, SSHD)
  for (const lib of await libraries(SSHD)) await copyInto(root, lib)
  await writeFile(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nsshd:x:100:65534::/run/sshd:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n')
  await writeFile(join(root, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n')
}

/** Pipes `tar -C root -c .` into `<runtime> import - image`, bounded in time. */
async function importRootfs (runtime: ContainerRuntime, root: string, image: string): Promise<void> {
  const [program, ...args] = runtimeArgv(runtime, ['import', '-', image])
  const tar = spawn('tar', ['-C', root, '-c', '.'], { stdio: ['ignore', 'pipe', 'pipe'] })
  const importer = spawn(program as string, args, { stdio: ['pipe', 'pipe', 'pipe'] })
  tar.stdout.pipe(importer.stdin)
  let said = ''
  importer.stderr.on('data', (chunk: Buffer) => { said += chunk.toString('utf8') })
  const timer = setTimeout(() => { tar.kill('SIGKILL'); importer.kill('SIGKILL') }, COMMAND_TIMEOUT_MS)
  const exited = (child: ChildProcess): Promise<number | null> => new Promise(resolve => {
    child.once('error', () => { resolve(null) })
    child.once('close', resolve)
  })
  const [tarCode, importCode] = await Promise.all([exited(tar), exited(importer)])
  clearTimeout(timer)
  if (tarCode !== 0 || importCode !== 0) throw new Error(`importing the sshd rootfs failed (tar ${String(tarCode)}, import ${String(importCode)}): ${said.trim()}`)
}

/** Builds the image; the caller removes it (remove() also works when the image is already gone). */
export async function buildSshdImage (runtime: ContainerRuntime): Promise<SshdImage> {
  const image = `localhost/cpnet-sshd-test-${process.pid}-${randomBytes(4).toString('hex')}:latest`
  const root = await mkdtemp(join(tmpdir(), 'cpnet-sshd-rootfs-'))
  try {
    await writeRootfs(root)
    await importRootfs(runtime, root, image)
  } finally {
    await rm(root, { recursive: true, force: true })
  }
  return {
    image,
    remove: async () => {
      await runCommand(runtimeArgv(runtime, ['rmi', '-f', image]), { timeoutMs: COMMAND_TIMEOUT_MS }).catch(async (err: Error) => {
        // gone already is fine; still there is a leak to report
        const stillThere = await runCommand(runtimeArgv(runtime, ['image', 'inspect', image]), { timeoutMs: COMMAND_TIMEOUT_MS }).then(() => true, () => false)
        if (stillThere) throw err
      })
    }
  }
}
