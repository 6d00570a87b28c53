/**
 * `rewind watch` of the built CLI as a child process of the benchmark, as a
 * pipeline would start it: `--json` for the document at the end (the decision
 * and the rollback, with their times), `--verbose` so that the plain tick
 * lines still come on stderr, which tell the benchmark the watch is under way.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { stopChild } from '../test/helpers/stopChild.js';
import { REPO } from './cli.js';

export interface WatchChild {
  pid: number;
  /** Resolves once `count` ticks with every condition ok have been printed; rejects if the watch ends first. */
  ticked(count: number): Promise<void>;
  /** The exit code and the JSON document the watch printed. */
  ended: Promise<{ code: number | null; doc: WatchDoc; stderr: string }>;
  /** TERM, then KILL after 5 s: only this child, by its pid. */
  stop(): Promise<void>;
}

/** The fields of `rewind watch --json` the benchmark reads. */
export interface WatchDoc {
  outcome: string;
  decision: { tier: number; at: string; reason: string } | null;
  rollback: { ok: boolean; run: { finished_at: string | null }; plan: { to: { version: string } } } | null;
}

/** A tick's plain line when every condition is ok: `  HH:MM:SS ok (119s left)`. */
const OK_TICK = /^ {2}\d\d:\d\d:\d\d ok \(/;

export function startWatch(root: string, args: string[]): WatchChild {
  const child = spawn(process.execPath, [join(REPO, 'bin', 'rewind.js'), 'watch', '--json', '--verbose', ...args], {
    cwd: root, env: { ...process.env, REWIND_USER: 'bench@example.com' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let ticks = 0;
  let waiters: Array<{ count: number; wake: () => void }> = [];
  child.stdout.on('data', (chunk) => { stdout += String(chunk); });
  child.stderr.on('data', (chunk) => {
    const before = stderr.split('\n').length - 1;
    stderr += String(chunk);
    const lines = stderr.split('\n');
    for (const line of lines.slice(before, -1)) if (OK_TICK.test(line)) ticks += 1;
    waiters = waiters.filter((w) => (ticks >= w.count ? (w.wake(), false) : true));
  });
  const ended = new Promise<{ code: number | null; doc: WatchDoc; stderr: string }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      try {
        resolve({ code, doc: JSON.parse(stdout) as WatchDoc, stderr });
      } catch {
        reject(new Error(`bench: rewind watch printed no JSON document (exit ${code}): ${stdout.slice(-500)} ${stderr.slice(-1500)}`));
      }
    });
  });
  // Read by the sample (or its cleanup) later: an early failure must not be an unhandled rejection meanwhile.
  ended.catch(() => undefined);
  return {
    pid: child.pid as number,
    ticked: (count) => Promise.race([
      new Promise<void>((wake) => (ticks >= count ? wake() : waiters.push({ count, wake }))),
      ended.then(
        () => { throw new Error(`bench: the watch ended before ticking ${count} times: ${stderr.slice(-1500)}`); },
        (error: unknown) => { throw error; },
      ),
    ]),
    ended,
    stop: () => stopChild(child, 5000),
  };
}
