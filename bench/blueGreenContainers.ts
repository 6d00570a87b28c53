/**
 * The container blue/green world: a private Docker engine (Debian's
 * docker.io, its own socket, data and exec root in a temp dir, no bridge,
 * no iptables: containers on the host network, loopback only), two images
 * of a busybox httpd app (v1, v2) that listen on the container's $PORT, the
 * docker driver with a container per slot (`bench-web-<slot>`, PORT from
 * {port} in docker.create.env), and a private nginx in front.
 *
 * The images are made with `docker import` from a root filesystem of the
 * host's static /bin/busybox and two JSON files: no build, no base image,
 * no network. busybox's httpd as PID 1 ignores SIGTERM, so it runs under a
 * `sh` that exits on TERM: a slot stops at once, not at its stop timeout.
 */
import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { freePort } from '../src/exec/freePort.js';
import { nginxFront } from './blueGreenFront.js';
import { trafficYaml, type BlueGreenWorld } from './blueGreenWorld.js';
import type { Cleanups } from './cleanups.js';
import { describe, runProcess } from './cli.js';
import { benchDir, spawnDaemon, stopDaemon, until } from './daemon.js';

const DOCKERD = '/usr/sbin/dockerd';
const BUSYBOX = '/bin/busybox';
export const CONTAINER = 'bench-web';

export async function containerWorld(cleanups: Cleanups): Promise<BlueGreenWorld> {
  const engine = await startEngine(cleanups);
  const docker = (...args: string[]) => runProcess(['docker', '-H', `unix://${engine.socket}`, ...args], { timeoutMs: 60_000 });
  const root = await benchDir(cleanups, 'rewind-bench-bluegreen-docker-', async () => {
    // Before the engine stops (cleanups run newest first): every container goes, whatever state it is in.
    const listed = await docker('ps', '-aq');
    const ids = listed.stdout.split('\n').filter(Boolean);
    if (ids.length > 0) await docker('rm', '-f', ...ids);
  });
  const ports = { blue: await freePort(), green: await freePort() };
  const sha = { v1: fakeSha('v1'), v2: fakeSha('v2') };
  for (const version of ['v1', 'v2'] as const) await importImage(root, docker, version, sha[version]);
  const front = await nginxFront(cleanups, ports);
  await writeFile(join(root, 'rewind.yaml'), `app: shop
default_env: production
state:
  dir: .rewind
safety:
  allow_writes_only_under: [.rewind]
environments:
  production:
    driver: docker
    docker:
      socket: ${JSON.stringify(engine.socket)}
      container: ${CONTAINER}
      image: "bench/shop:{version}"
      stop_timeout: 10s
      create: { env: { PORT: "{port}" } }
    health:
      url: http://127.0.0.1:{port}/health
      expect_status: 200
      expect_version: version
      timeout: 10s
      interval: 200ms
      successes: 2
${trafficYaml(front, ports)}`);
  return {
    mode: 'containers',
    label: `docker driver, a container per slot (${CONTAINER}-blue, ${CONTAINER}-green: busybox httpd, host network) ` +
      `on a private dockerd, behind ${front.label}`,
    root, front, ports, sha, dirs: [root, ...front.dirs, engine.dir],
  };
}

/** bench/shop:VERSION: busybox httpd on $PORT serving /health ({status, version, sha}) and / ({hello, version}). */
async function importImage(root: string, docker: (...args: string[]) => ReturnType<typeof runProcess>, version: string, sha: string) {
  const rootfs = join(root, `rootfs-${version}`);
  await mkdir(join(rootfs, 'bin'), { recursive: true });
  await mkdir(join(rootfs, 'www'), { recursive: true });
  await copyFile(BUSYBOX, join(rootfs, 'bin', 'busybox'));
  await writeFile(join(rootfs, 'www', 'health'), `${JSON.stringify({ status: 'ok', version, sha })}\n`);
  await writeFile(join(rootfs, 'www', 'index.html'), `${JSON.stringify({ hello: 'shop', version })}\n`);
  const archive = join(root, `rootfs-${version}.tar`);
  const packed = await runProcess(['tar', '-C', rootfs, '-cf', archive, '.'], { timeoutMs: 60_000 });
  if (packed.code !== 0) throw new Error(`bench: tar: ${describe(packed)}`);
  const serve = `trap 'exit 0' TERM; ${BUSYBOX} httpd -f -p 127.0.0.1:\${PORT:-8080} -h /www & wait $!`;
  const imported = await docker('import', '--change', `CMD ${JSON.stringify([BUSYBOX, 'sh', '-c', serve])}`,
    '--message', `rewind bench ${version}`, archive, `bench/shop:${version}`);
  if (imported.code !== 0) throw new Error(`bench: docker import: ${describe(imported)}`);
}

interface Engine {
  socket: string;
  dir: string;
}

async function startEngine(cleanups: Cleanups): Promise<Engine> {
  let child: ChildProcess | undefined;
  const dir = await benchDir(cleanups, 'rewind-bench-dockerd-', async () => {
    // Its containerd ends with it; stopping both can take a while.
    if (child) await stopDaemon(child, 15_000);
    // A clean stop still leaves the host's network namespace bind-mounted under the exec root (EBUSY for rm).
    spawnSync('umount', [join(dir, 'data')], { stdio: 'ignore' });
    spawnSync('umount', [join(dir, 'x', 'netns', 'default')], { stdio: 'ignore' });
  });
  // Short names: a Unix socket's path has room for about 100 bytes.
  const socket = join(dir, 'd.sock');
  const namespace = `rewind-bench-${process.pid}`;
  const started = spawnDaemon(DOCKERD, [
    '--bridge=none', '--iptables=false', '--ip6tables=false', '-H', `unix://${socket}`,
    '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'x'), '--pidfile', join(dir, 'dockerd.pid'),
    '--containerd-namespace', namespace, '--containerd-plugins-namespace', `${namespace}-p`,
  ], join(dir, 'dockerd.log'));
  child = started;
  if (!(await until(() => pings(socket), started, 30_000))) {
    const said = await readFile(join(dir, 'dockerd.log'), 'utf8').catch(() => '');
    throw new Error(`bench: dockerd did not start; its log says: ${said.trim().split('\n').slice(-5).join(' | ')}`);
  }
  return { socket, dir };
}

function pings(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const asked = request({ socketPath: socket, path: '/_ping', timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    asked.once('error', () => resolve(false));
    asked.end();
  });
}

function fakeSha(version: string): string {
  return Buffer.from(version).toString('hex').padEnd(40, '0').slice(0, 40);
}
