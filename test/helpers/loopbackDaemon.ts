/**
 * Starting a proxy (nginx, HAProxy) as the test's own process on a free
 * loopback port: its config is written for the port, it runs in the
 * foreground (so its pid is the one to stop), and it is ready once the port
 * takes connections. A port found free can be taken before the daemon binds
 * it: then a few more tries. A port the caller chose is tried once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { freePort } from '../../src/exec/freePort.js';
import { stopChild } from './stopChild.js';

export interface DaemonSpec {
  program: string;
  /** Writes the config for `port` and gives the arguments that start the daemon with it. */
  prepare(port: number): Promise<string[]>;
  /** Where its stdout and stderr go; read back when it does not start. */
  logFile: string;
  cwd: string;
  /** Called with each child as it is spawned, so the caller's cleanup can stop it even mid-start. */
  spawned(child: ChildProcess): void;
  /** The loopback address it listens on (127.0.0.1 unless given): what readiness connects to. */
  address?: string;
  /** A port the caller chose (one free on several addresses, say) instead of a free one. */
  port?: number;
}

export async function startLoopbackDaemon(spec: DaemonSpec): Promise<{ child: ChildProcess; port: number }> {
  const address = spec.address ?? '127.0.0.1';
  for (let attempt = 1; ; attempt += 1) {
    const port = spec.port ?? (await freePort());
    const args = await spec.prepare(port);
    const log = openSync(spec.logFile, 'a');
    const child = spawn(spec.program, args, { stdio: ['ignore', log, log], detached: true, cwd: spec.cwd });
    // The child has its own copy.
    closeSync(log);
    spec.spawned(child);
    if (await listening(address, port, child, 10_000)) return { child, port };
    await stopChild(child);
    const said = await readFile(spec.logFile, 'utf8').catch(() => '');
    if (attempt >= 3 || spec.port !== undefined || !/address already in use/i.test(said)) {
      const last = said.trim().split('\n').slice(-5).join(' | ');
      throw new Error(`${spec.program} did not start on ${address}:${port}; its log says: ${last}`);
    }
  }
}

async function listening(address: string, port: number, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
    const connected = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: address, port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (connected) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}
