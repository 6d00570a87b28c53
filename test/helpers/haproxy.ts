/**
 * A private HAProxy per test, from Debian's haproxy (2.6): in the
 * foreground (`-db`, so its pid is the one to stop), an HTTP frontend on a
 * free loopback port and a backend `shop` with servers blue and green on
 * the slots' ports, both ready (a fresh config: no slot has all the traffic
 * until the first switch). Three stats sockets in its temp dir:
 * admin.sock (level admin), user.sock (level user: may read, not set) and
 * locked.sock (level admin, mode 000: only root may connect).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Slot } from '../../src/core/traffic.js';
import { startLoopbackDaemon } from './loopbackDaemon.js';
import { stopChild } from './stopChild.js';
import { tempDir } from './tmp.js';

export const HAPROXY = '/usr/sbin/haproxy';

export interface Haproxy {
  /** `http://127.0.0.1:PORT/`: through HAProxy to the backend. */
  url: string;
  pid: number;
  dir: string;
  sockets: { admin: string; user: string; locked: string };
  logFile: string;
}

/** Skip loudly without haproxy; under CI=true never skip (startHaproxy fails instead, as .ci/run installs it). */
export function haproxySkipReason(): string | undefined {
  if (existsSync(HAPROXY) || process.env.CI === 'true') return undefined;
  const reason = `SKIPPED LOUDLY: ${HAPROXY} is missing (apt-get install haproxy); the HAProxy traffic tests did not run`;
  process.stderr.write(`\n*** ${reason} ***\n\n`);
  return reason;
}

export interface HaproxyOptions {
  /** Health-check both servers every 100 ms (one failure marks a server down, one success up again). */
  check?: boolean;
}

export async function startHaproxy(t: TestContext, ports: Record<Slot, number>, options: HaproxyOptions = {}): Promise<Haproxy> {
  if (!existsSync(HAPROXY)) throw new Error(`${HAPROXY} is missing (apt-get install haproxy): the HAProxy traffic tests must run`);
  let child: ChildProcess | undefined;
  const dir = await tempDir(t, 'rewind-haproxy-', async () => {
    if (child) await stopChild(child, 5000);
  });
  // Whoever is refused at locked.sock must be refused by the socket's mode, not by this dir's.
  await chmod(dir, 0o755);
  const sockets = { admin: join(dir, 'admin.sock'), user: join(dir, 'user.sock'), locked: join(dir, 'locked.sock') };
  const config = join(dir, 'haproxy.cfg');
  const logFile = join(dir, 'haproxy.log');
  const started = await startLoopbackDaemon({
    program: HAPROXY,
    logFile,
    cwd: dir,
    spawned: (spawned) => (child = spawned),
    prepare: async (port) => {
      await writeFile(config, haproxyConfig(port, ports, sockets, options));
      return ['-db', '-f', config];
    },
  });
  // The frontend can take connections a moment before the stats sockets are in place (each is bound, then renamed).
  const deadline = Date.now() + 5000;
  while (!Object.values(sockets).every((socket) => existsSync(socket))) {
    if (Date.now() > deadline) throw new Error(`haproxy's stats sockets did not appear in ${dir}: ${await readFile(logFile, 'utf8')}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { url: `http://127.0.0.1:${started.port}/`, pid: started.child.pid as number, dir, sockets, logFile };
}

function haproxyConfig(port: number, ports: Record<Slot, number>, sockets: Haproxy['sockets'], options: HaproxyOptions): string {
  const check = options.check ? ' check inter 100ms fall 1 rise 1' : '';
  return `global
  stats socket ${sockets.admin} mode 600 level admin
  stats socket ${sockets.user} mode 600 level user
  stats socket ${sockets.locked} mode 000 level admin
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  timeout http-keep-alive 10s
frontend web
  bind 127.0.0.1:${port}
  default_backend shop
backend shop
  server blue 127.0.0.1:${ports.blue}${check}
  server green 127.0.0.1:${ports.green}${check}
`;
}
