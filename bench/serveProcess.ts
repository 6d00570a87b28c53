/**
 * `rewind serve` as its own process (the built CLI) on a free loopback port,
 * for bench/dashboard.ts, and a page fetched from it timed from the request
 * to its whole body. The server is stopped by its pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../src/exec/freePort.js';
import { REPO } from './cli.js';

export interface Serving {
  url: string;
  /** performance.now() when the process was spawned and when it said where it listens. */
  spawnedAt: number;
  readyAt: number;
  stop(): Promise<void>;
}

const START_MS = 60_000;

export async function startServe(cwd: string): Promise<Serving> {
  const port = await freePort();
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [join(REPO, 'bin', 'rewind.js'), 'serve', '--port', String(port)], {
    cwd, env: { ...process.env, REWIND_USER: 'bench@example.com' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const stop = () => stopChild(child);
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const late = () => reject(new Error(`bench: rewind serve did not listen within ${START_MS / 1000} s:\n${output}`));
      const timer = setTimeout(late, START_MS);
      const seen = (chunk: Buffer) => {
        output += String(chunk);
        const found = /rewind serve: (http:\/\/\S+)/.exec(output);
        if (found) { clearTimeout(timer); resolve(found[1] as string); }
      };
      child.stdout.on('data', seen);
      child.stderr.on('data', seen);
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`bench: rewind serve exited ${code}:\n${output}`)); });
    });
    return { url, spawnedAt, readyAt: performance.now(), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => { clearTimeout(force); resolve(); });
    child.kill('SIGTERM');
  });
}

export interface Fetched {
  ms: number;
  status: number;
  body: string;
}

/** GET `url` on a new connection, timed from the request to the last byte of the body. */
export async function timedGet(url: string): Promise<Fetched> {
  const started = performance.now();
  const response = await fetch(url, { headers: { connection: 'close' } });
  const body = await response.text();
  return { ms: performance.now() - started, status: response.status, body };
}
