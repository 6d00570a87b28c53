/**
 * A private nginx per test, from Debian's nginx (1.22): master and one
 * worker in the foreground (`daemon off;`, `master_process on;`, so reloads
 * work as in production and the master's pid is the one to stop), on a free
 * loopback port, with its config, pid file, logs and temp dirs in a temp dir.
 * Its http block includes the upstream file rewind writes; every command
 * aimed at it (test, reload) carries `-p`/`-c`/`-e`, so none reaches the
 * machine's own nginx. A fleet's hosts each have one on their own address,
 * all on one port, each in a dir the config names with {host}
 * (NginxOptions.listen, slotHost, dir).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Slot } from '../../src/core/traffic.js';
import { renderUpstream } from '../../src/traffic/nginxUpstream.js';
import { startLoopbackDaemon } from './loopbackDaemon.js';
import { stopChild } from './stopChild.js';
import { tempDir } from './tmp.js';

export const NGINX = '/usr/sbin/nginx';

export interface Nginx {
  /** `http://127.0.0.1:PORT/` (or its listen address): through nginx to the live slot. */
  url: string;
  pid: number;
  dir: string;
  /** The main config, which includes upstreamFile. */
  confFile: string;
  upstreamFile: string;
  errorLog: string;
  /** nginx with this instance's -p, -c and -e, then `args`. */
  command(...args: string[]): string[];
  /** The pids of the master's worker processes now (old ones still finishing after a reload included). */
  workers(): Promise<number[]>;
  /**
   * Resolves once a reload has taken over: no worker of `before` is left.
   * `nginx -s reload` only signals the master, which starts new workers and
   * only about 100 ms later tells the old ones to stop accepting; until
   * then a new connection may still be answered from the old config.
   */
  reloadedFrom(before: readonly number[], withinMs?: number): Promise<void>;
  /** Stops the master (and so its workers), by its pid; also done when the test ends. */
  stop(): Promise<void>;
}

export interface NginxOptions {
  upstream: string;
  ports: Record<Slot, number>;
  /** The slot the upstream file sends to when nginx starts. */
  live: Slot;
  /** Where it listens: 127.0.0.1 and a free port unless given; a fleet host's address, one port chosen for all of them. */
  listen?: { address: string; port?: number };
  /** The slots' address in the upstream's `server` lines: 127.0.0.1 unless given. */
  slotHost?: string;
  /**
   * Its dir (made here; the caller removes it, after stop()) instead of a temp dir of its own: a path a fleet's
   * config can name with {host}.
   */
  dir?: string;
}

/** Skip loudly without nginx; under CI=true never skip (startNginx fails instead, as .ci/run installs it). */
export function nginxSkipReason(): string | undefined {
  if (existsSync(NGINX) || process.env.CI === 'true') return undefined;
  const reason = `SKIPPED LOUDLY: ${NGINX} is missing (apt-get install nginx); the nginx traffic tests did not run`;
  process.stderr.write(`\n*** ${reason} ***\n\n`);
  return reason;
}

export async function startNginx(t: TestContext, options: NginxOptions): Promise<Nginx> {
  if (!existsSync(NGINX)) throw new Error(`${NGINX} is missing (apt-get install nginx): the nginx traffic tests must run`);
  let child: ChildProcess | undefined;
  const stop = async (): Promise<void> => {
    if (child) await stopChild(child, 5000);
  };
  const dir = options.dir ?? (await tempDir(t, 'rewind-nginx-', stop));
  if (options.dir) {
    await mkdir(dir, { recursive: true });
    t.after(stop);
  }
  // As root, nginx's workers run as nobody, and must reach their temp dirs in here.
  await chmod(dir, 0o755);
  const confFile = join(dir, 'nginx.conf');
  const upstreamFile = join(dir, 'upstream.conf');
  const errorLog = join(dir, 'error.log');
  const command = (...args: string[]): string[] => [NGINX, '-p', `${dir}/`, '-c', confFile, '-e', errorLog, ...args];
  const host = options.slotHost ?? '127.0.0.1';
  await writeFile(upstreamFile, renderUpstream({ upstream: options.upstream, host, ports: options.ports }, options.live));
  const address = options.listen?.address ?? '127.0.0.1';
  const started = await startLoopbackDaemon({
    program: NGINX,
    address,
    ...(options.listen?.port !== undefined ? { port: options.listen.port } : {}),
    logFile: join(dir, 'nginx.out'),
    cwd: dir,
    spawned: (spawned) => (child = spawned),
    prepare: async (port) => {
      await writeFile(confFile, nginxConf(dir, `${address}:${port}`, upstreamFile, options.upstream));
      return command().slice(1);
    },
  });
  const pid = started.child.pid as number;
  const workers = (): Promise<number[]> => childrenOf(pid);
  const reloadedFrom = async (before: readonly number[], withinMs = 5000): Promise<void> => {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const now = await workers();
      if (now.length > 0 && !now.some((worker) => before.includes(worker))) return;
      if (Date.now() > deadline) throw new Error(`nginx's old workers ${before.join(', ')} still run after ${withinMs} ms (now: ${now.join(', ')})`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return { url: `http://${address}:${started.port}/`, pid, dir, confFile, upstreamFile, errorLog, command, workers, reloadedFrom, stop };
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

function nginxConf(dir: string, listen: string, upstreamFile: string, upstream: string): string {
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
    listen ${listen};
    location / { proxy_pass http://${upstream}; }
  }
}
`;
}
