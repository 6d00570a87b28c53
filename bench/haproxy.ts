/**
 * A private HAProxy for the blue/green benchmark: the e2e tests' own
 * (test/helpers/haproxy.ts, Debian's haproxy 2.6 in the foreground on a free
 * loopback port, servers checked every 100 ms, an admin stats socket), with
 * the bench's Cleanups standing in for the test context.
 */
import { readFile } from 'node:fs/promises';
import type { TestContext } from 'node:test';
import type { Slot } from '../src/core/traffic.js';
import { startHaproxy as startTestHaproxy } from '../test/helpers/haproxy.js';
import type { Cleanups } from './cleanups.js';

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
  const haproxy = await startTestHaproxy(cleanups as unknown as TestContext, ports, { check: true });
  const base = haproxy.url.replace(/\/$/, '');
  return { base, pid: haproxy.pid, dir: haproxy.dir, socket: haproxy.sockets.admin, logFile: haproxy.logFile };
}

/**
 * What HAProxy logged as a warning or an alert (its log goes with its dir at the end), but for its servers' state
 * changes: it logs every switch and every check's verdict as a warning.
 */
export async function haproxySaid(haproxy: BenchHaproxy): Promise<string[]> {
  const text = await readFile(haproxy.logFile, 'utf8').catch(() => '');
  return text.split('\n').filter((line) => /\[(WARNING|ALERT)\]/.test(line) && !/\] +\(\d+\) : Server \S+ /.test(line));
}
