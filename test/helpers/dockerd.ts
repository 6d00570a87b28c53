/**
 * A private Docker engine per test, from Debian's docker.io: its own socket,
 * data root and exec root in a temp dir, no bridge network and no iptables
 * rules (containers use --network host on loopback), stopped by its own pid
 * before the dir goes. Tests talk to the real engine, never to a fake.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { stopChild } from './stopChild.js';
import { tempDir } from './tmp.js';

export const DOCKERD = '/usr/sbin/dockerd';

export interface Dockerd {
  socket: string;
  dir: string;
  pid: number;
  logFile: string;
}

export function dockerdSkipReason(): string | undefined {
  if (existsSync(DOCKERD) || process.env.CI === 'true') return undefined;
  const reason = `SKIPPED LOUDLY: ${DOCKERD} is missing (apt-get install docker.io); the Docker tests did not run`;
  process.stderr.write(`\n*** ${reason} ***\n\n`);
  return reason;
}

export async function startDockerd(t: TestContext): Promise<Dockerd> {
  let child: ChildProcess | undefined;
  const dir = await tempDir(t, 'rewind-dockerd-', async (made) => {
    // Its containerd ends with it; stopping both can take a while.
    if (child) await stopChild(child, 15_000);
    // A dockerd that did not stop cleanly leaves its data root mounted, which no rm can remove. Even a clean stop
    // leaves the host's network namespace bind-mounted at exec-root/netns/default (libnetwork's), and rm fails on it (EBUSY).
    spawnSync('umount', [join(made, 'data')], { stdio: 'ignore' });
    spawnSync('umount', [join(made, 'x', 'netns', 'default')], { stdio: 'ignore' });
  });
  // Short names: a Unix socket's path has room for about 100 bytes.
  const socket = join(dir, 'd.sock');
  const logFile = join(dir, 'dockerd.log');
  const log = openSync(logFile, 'a');
  const namespace = `rewind-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  child = spawn(
    DOCKERD,
    [
      '--bridge=none', '--iptables=false', '--ip6tables=false', '-H', `unix://${socket}`,
      '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'x'), '--pidfile', join(dir, 'dockerd.pid'),
      '--containerd-namespace', namespace, '--containerd-plugins-namespace', `${namespace}-p`,
    ],
    { stdio: ['ignore', log, log], detached: true },
  );
  // The child has its own copy.
  closeSync(log);
  const started = child;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (started.exitCode !== null) break;
    if (await answers(socket)) return { socket, dir, pid: started.pid as number, logFile };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const said = await readFile(logFile, 'utf8').catch(() => '');
  throw new Error(`dockerd did not start; its log says: ${said.trim().split('\n').slice(-5).join(' | ')}`);
}

function answers(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const asked = request({ socketPath: socket, path: '/_ping', timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    asked.once('error', () => resolve(false));
    asked.end();
  });
}
