/**
 * A private nginx for the blue/green benchmark: the e2e tests' own
 * (test/helpers/nginx.ts, Debian's nginx 1.22, master and one worker in the
 * foreground on a free loopback port, every command carrying -p/-c/-e), with
 * the bench's Cleanups standing in for the test context.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Slot } from '../src/core/traffic.js';
import { startNginx as startTestNginx } from '../test/helpers/nginx.js';
import type { Cleanups } from './cleanups.js';

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
  const nginx = await startTestNginx(cleanups as unknown as TestContext, { upstream: UPSTREAM, ports, live });
  return {
    base: nginx.url.replace(/\/$/, ''), pid: nginx.pid, dir: nginx.dir, upstreamFile: nginx.upstreamFile, command: nginx.command,
    workers: nginx.workers,
  };
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

/** What nginx logged worse than a notice (its error log goes with its dir at the end). */
export async function nginxSaid(nginx: BenchNginx): Promise<string[]> {
  const text = await readFile(join(nginx.dir, 'error.log'), 'utf8').catch(() => '');
  return text.split('\n').filter((line) => /\[(warn|error|crit|alert|emerg)\]|exited on signal/.test(line));
}
