/**
 * A private nginx for the blue/green benchmark, as the e2e tests run it
 * (Debian's nginx 1.22): master and one worker in the foreground on a free
 * loopback port, its config, pid file, logs and temp dirs in a temp dir, its
 * http block including the upstream file rewind writes. Every command aimed
 * at it carries -p/-c/-e, so none reaches the machine's own nginx.
 */
import type { ChildProcess } from 'node:child_process';
import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Slot } from '../src/core/traffic.js';
import { freePort } from '../src/exec/freePort.js';
import { renderUpstream } from '../src/traffic/nginxUpstream.js';
import type { Cleanups } from './cleanups.js';
import { benchDir, spawnDaemon, stopDaemon, until } from './daemon.js';

export const NGINX = '/usr/sbin/nginx';
export const UPSTREAM = 'shop';

export interface BenchNginx {
  /** `http://127.0.0.1:PORT`: through nginx to the live slot. */
  base: string;
  pid: number;
  dir: string;
  upstreamFile: string;
  /** nginx with this instance's -p, -c and -e, then `args`. */
  command(...args: string[]): string[];
  /** The master's worker processes now, old ones still finishing after a reload included. */
  workers(): Promise<number[]>;
}

export async function startNginx(cleanups: Cleanups, ports: Record<Slot, number>, live: Slot): Promise<BenchNginx> {
  let child: ChildProcess | undefined;
  const dir = await benchDir(cleanups, 'rewind-bench-nginx-', async () => child && stopDaemon(child));
  // As root, nginx's workers run as nobody, and must reach their temp dirs in here.
  await chmod(dir, 0o755);
  const confFile = join(dir, 'nginx.conf');
  const upstreamFile = join(dir, 'upstream.conf');
  const errorLog = join(dir, 'error.log');
  const command = (...args: string[]): string[] => [NGINX, '-p', `${dir}/`, '-c', confFile, '-e', errorLog, ...args];
  await writeFile(upstreamFile, renderUpstream({ upstream: UPSTREAM, host: '127.0.0.1', ports }, live));
  // A port found free can be taken before nginx binds it: a few tries.
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const port = await freePort();
    await writeFile(confFile, nginxConf(dir, port, upstreamFile));
    const started = spawnDaemon(NGINX, command().slice(1), join(dir, 'nginx.out'), dir);
    child = started;
    if (await until(() => listening(port), started, 10_000)) {
      const pid = started.pid as number;
      return { base: `http://127.0.0.1:${port}`, pid, dir, upstreamFile, command, workers: () => childrenOf(pid) };
    }
    await stopDaemon(started);
  }
  const said = await readFile(join(dir, 'nginx.out'), 'utf8').catch(() => '');
  throw new Error(`bench: nginx did not start; it said: ${said.trim().split('\n').slice(-5).join(' | ')}`);
}

/** Resolves once nginx has one worker left: the old workers of an earlier reload are gone. */
export async function settled(nginx: BenchNginx, withinMs = 10_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const workers = await nginx.workers();
    if (workers.length === 1) return;
    if (Date.now() > deadline) throw new Error(`bench: nginx still has workers ${workers.join(', ')} after ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Resolves once a reload has taken over: workers run and none of `before` is left (a reload only signals the master). */
export async function reloadedFrom(nginx: BenchNginx, before: readonly number[], withinMs = 10_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const now = await nginx.workers();
    if (now.length > 0 && !now.some((worker) => before.includes(worker))) return;
    if (Date.now() > deadline) throw new Error(`bench: nginx's old workers ${before.join(', ')} still run after ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
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

/** The processes whose parent is `pid`, from /proc (field 4 of /proc/PID/stat, after the command in parentheses). */
async function childrenOf(pid: number): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const parent = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
    if (Number(parent) === pid) children.push(Number(entry));
  }
  return children;
}

function nginxConf(dir: string, port: number, upstreamFile: string): string {
  const temp = (name: string): string => `${name}_temp_path ${join(dir, `${name}-temp`)};`;
  return `daemon off;
master_process on;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} notice;
events { worker_connections 512; }
http {
  access_log off;
  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n  ')}
  include ${upstreamFile};
  server {
    listen 127.0.0.1:${port};
    location / { proxy_pass http://${UPSTREAM}; }
  }
}
`;
}

/** What nginx logged worse than a notice (its error log goes with its dir at the end). */
export async function nginxSaid(nginx: BenchNginx): Promise<string[]> {
  const text = await readFile(join(nginx.dir, 'error.log'), 'utf8').catch(() => '');
  return text.split('\n').filter((line) => /\[(warn|error|crit|alert|emerg)\]|exited on signal/.test(line));
}
