import { setTimeout as sleep } from 'node:timers/promises';
import { describe, type Finished } from './cli.js';
import { cpuTicks, cpuUse, type CpuUse } from './cpu.js';
import { startLoad, summarize, type Connections, type LoadSummary } from './load.js';
import { whenAllServe } from './poll.js';

/** How often the benchmark asks /health, each time on a new connection: as a user's script would. */
export const POLL_EVERY_MS = 50;

export interface Timed {
  /** From the command's start to the moment the last host's /health reported the target's sha. */
  toHealthMs: number;
  /** From the command's start to its exit. */
  toExitMs: number;
  run: Finished;
  /** The whole machine's CPU from the start to the last host's sha (Linux only). */
  cpu?: CpuUse;
}

/** Start a rollback command and time it until every host reports `sha` (and until it exits 0). */
export async function timedRollback(start: () => Promise<Finished>, baseUrls: string[], sha: string): Promise<Timed> {
  const before = cpuTicks();
  const running = start();
  const seen = await whenAllServe(baseUrls, sha, 60_000, POLL_EVERY_MS).catch(async (error: unknown) => {
    await running.catch(() => undefined);
    throw error;
  });
  const after = cpuTicks();
  const run = await running;
  if (run.code !== 0) throw new Error(`bench: the rollback failed: ${describe(run)}`);
  const cpu = cpuUse(before, after, seen - run.startedAt);
  return { toHealthMs: seen - run.startedAt, toExitMs: run.endedAt - run.startedAt, run, ...(cpu ? { cpu } : {}) };
}

/**
 * The same under a steady 200 requests/s to `/` of the first host, from
 * 0.5 s before the command starts to 1 s after the target is reported.
 */
export async function loadedRollback(start: () => Promise<Finished>, baseUrls: string[], sha: string, connections: Connections): Promise<Timed & { load: LoadSummary }> {
  const load = startLoad(`${baseUrls[0]}/`, connections, 200, 70_000);
  try {
    await sleep(500);
    const running = start();
    const seen = await whenAllServe(baseUrls, sha, 60_000, POLL_EVERY_MS).catch(async (error: unknown) => {
      await running.catch(() => undefined);
      throw error;
    });
    await sleep(Math.max(0, seen + 1000 - performance.now()));
    const shots = await load.stop();
    const run = await running;
    if (run.code !== 0) throw new Error(`bench: the rollback failed: ${describe(run)}`);
    return { toHealthMs: seen - run.startedAt, toExitMs: run.endedAt - run.startedAt, run, load: summarize(shots) };
  } finally {
    await load.stop();
  }
}
