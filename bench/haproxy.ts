/**
 * A private HAProxy for the blue/green benchmark, as the e2e tests run it
 * (Debian's haproxy 2.6, test/helpers/haproxy.ts): in the foreground (`-db`,
 * so its pid is the one to stop) on a free loopback port, a backend `shop`
 * with servers blue and green on the slots' ports, each health-checked every
 * 100 ms (`fall 1 rise 1`), and an admin stats socket in its temp dir: the
 * runtime API rewind and the floor switch over, with no reload.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Slot } from '../src/core/traffic.js';
import { freePort } from '../src/exec/freePort.js';
import type { Cleanups } from './cleanups.js';
import { benchDir, spawnDaemon, stopDaemon, until } from './daemon.js';

export const HAPROXY = '/usr/sbin/haproxy';
export const BACKEND = 'shop';

export interface BenchHaproxy {
  /** `http://127.0.0.1:PORT`: through HAProxy to the slot(s) taking traffic. */
  base: string;
  pid: number;
  dir: string;
  /** The admin socket (`level admin`) of its runtime API. */
  socket: string;
  logFile: string;
}

export async function startHaproxy(cleanups: Cleanups, ports: Record<Slot, number>): Promise<BenchHaproxy> {
  if (!existsSync(HAPROXY)) throw new Error(`bench: ${HAPROXY} is missing (apt-get install haproxy)`);
  let child: ChildProcess | undefined;
  const dir = await benchDir(cleanups, 'rewind-bench-haproxy-', async () => child && stopDaemon(child));
  await chmod(dir, 0o755);
  // Short: a Unix socket's path has room for about 100 bytes.
  const socket = join(dir, 'admin.sock');
  const config = join(dir, 'haproxy.cfg');
  const logFile = join(dir, 'haproxy.log');
  // A port found free can be taken before HAProxy binds it: a few tries.
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const port = await freePort();
    await writeFile(config, haproxyConfig(port, ports, socket));
    const started = spawnDaemon(HAPROXY, ['-db', '-f', config], logFile, dir);
    child = started;
    // The frontend can take connections a moment before the stats socket is in place (bound, then renamed).
    if (await until(async () => existsSync(socket) && (await listening(port)), started, 10_000)) {
      return { base: `http://127.0.0.1:${port}`, pid: started.pid as number, dir, socket, logFile };
    }
    await stopDaemon(started);
  }
  const said = await readFile(logFile, 'utf8').catch(() => '');
  throw new Error(`bench: haproxy did not start; it said: ${said.trim().split('\n').slice(-5).join(' | ')}`);
}

/**
 * What HAProxy logged as a warning or an alert (its log goes with its dir at the end), but for its servers' state
 * changes: it logs every switch and every check's verdict as a warning.
 */
export async function haproxySaid(haproxy: BenchHaproxy): Promise<string[]> {
  const text = await readFile(haproxy.logFile, 'utf8').catch(() => '');
  return text.split('\n').filter((line) => /\[(WARNING|ALERT)\]/.test(line) && !/\] +\(\d+\) : Server \S+ /.test(line));
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function haproxyConfig(port: number, ports: Record<Slot, number>, socket: string): string {
  const check = ' check inter 100ms fall 1 rise 1';
  return `global
  stats socket ${socket} mode 600 level admin
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  timeout http-keep-alive 10s
frontend web
  bind 127.0.0.1:${port}
  default_backend ${BACKEND}
backend ${BACKEND}
  server blue 127.0.0.1:${ports.blue}${check}
  server green 127.0.0.1:${ports.green}${check}
`;
}
