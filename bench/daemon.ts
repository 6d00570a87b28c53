/**
 * What a benchmark starts and must stop again: temp dirs removed at the end
 * (after whatever lives in them has been stopped), and daemons spawned in
 * the foreground so that their own pid is the one to stop (TERM, then KILL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cleanups } from './cleanups.js';

/** A fresh temp dir (real path), removed at the end after `beforeRemove` has run. */
export async function benchDir(cleanups: Cleanups, prefix: string, beforeRemove?: () => Promise<unknown>): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), prefix)));
  cleanups.after(async () => {
    await beforeRemove?.().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });
  return dir;
}

/** `program args` in the background, its output to `logFile`, in a process group of its own. */
export function spawnDaemon(program: string, args: string[], logFile: string, cwd?: string): ChildProcess {
  const log = openSync(logFile, 'a');
  const child = spawn(program, args, { stdio: ['ignore', log, log], detached: true, ...(cwd ? { cwd } : {}) });
  // The child has its own copy.
  closeSync(log);
  return child;
}

/** Only the daemon we started, by its pid: TERM, then KILL if it lingers past `graceMs`. */
export async function stopDaemon(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Polls `ready` every 25 ms until it is true, the child has exited, or `timeoutMs` has passed. */
export async function until(ready: () => Promise<boolean>, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
    if (await ready()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}
