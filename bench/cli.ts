import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
  /** performance.now() when the process was spawned and when it closed. */
  startedAt: number;
  endedAt: number;
  /** Date.now() when it was spawned, to line up with the ledger's timestamps. */
  startedWall: number;
}

export const REPO = join(import.meta.dirname, '..');
const BIN = join(REPO, 'bin', 'rewind.js');

/** A command as its own process (argument array, no shell), killed if it outlives timeoutMs; `input` goes to its stdin. */
export function runProcess(argv: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number; input?: string }): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const startedWall = Date.now();
    const startedAt = performance.now();
    const child = spawn(argv[0] as string, argv.slice(1), { cwd: options.cwd, env: { ...process.env, ...options.env },
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (options.input !== undefined) child.stdin?.end(options.input);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => { stdout += String(chunk); });
    child.stderr?.on('data', (chunk) => { stderr += String(chunk); });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.once('error', (error) => { clearTimeout(timer); reject(error); });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, startedAt, endedAt: performance.now(), startedWall });
    });
  });
}

/** The built CLI (`node bin/rewind.js`), as a user runs it. */
/** `prefix`: a program that runs the CLI, such as /usr/bin/time (ownCpu.ts). */
export function rewindCli(cwd: string, args: string[], timeoutMs = 60_000, env: NodeJS.ProcessEnv = {}, prefix: string[] = []): Promise<Finished> {
  return runProcess([...prefix, process.execPath, BIN, ...args], { cwd, env: { REWIND_USER: 'bench@example.com', ...env }, timeoutMs });
}

export function describe(run: Finished): string {
  return `exit ${run.code}\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`;
}
