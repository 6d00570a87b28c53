/**
 * The one place rewind starts a local process. Argument arrays only: no
 * shell ever sees a version, path or ref, so none can split or inject.
 */
import { stepFailed } from '../core/stepFailed.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import { performance } from 'node:perf_hooks';
import { RewindError } from '../core/errors.js';
import type { CommandOptions, CommandResult, Exec } from '../core/ports.js';
import { redact } from '../core/redact.js';
import { secretsFromEnv } from './redact.js';
import { TailBuffer } from './tailBuffer.js';

export interface LocalExecOptions {
  /** Values hidden from captured output and from the argv in results. */
  secrets?: readonly string[];
  /** Used when a call gives no timeoutMs; none by default. */
  defaultTimeoutMs?: number;
  /** Between SIGTERM and SIGKILL of a timed-out process group. */
  killGraceMs?: number;
  /** Bytes kept from the end of stdout and of stderr each. */
  maxOutputBytes?: number;
  /** How long to wait for the pipes to close after the process exited (a daemon it started may hold them). */
  closeWaitMs?: number;
}

/** What coreutils' timeout(1) exits with; scripts already know it. */
export const TIMEOUT_EXIT_CODE = 124;

const DEFAULT_MAX_OUTPUT = 64 * 1024;
const DEFAULT_KILL_GRACE_MS = 2000;
const DEFAULT_CLOSE_WAIT_MS = 1000;

export function createLocalExec(options: LocalExecOptions = {}): Exec {
  // Children run in their own process group (so a timeout can kill the whole
  // tree), which also means a dying rewind would not take them along: kill
  // whatever is still running when this process exits.
  const running = new Set<number>();
  const killAll = (): void => {
    for (const pid of running) killGroup(pid, 'SIGKILL');
  };
  const track = (pid: number): void => {
    if (running.size === 0) process.on('exit', killAll);
    running.add(pid);
  };
  const untrack = (pid: number): void => {
    running.delete(pid);
    if (running.size === 0) process.off('exit', killAll);
  };

  return {
    run(argv: readonly string[], callOptions: CommandOptions = {}): Promise<CommandResult> {
      const secrets = [...(options.secrets ?? []), ...secretsFromEnv(callOptions.env ?? {})];
      const timeoutMs = callOptions.timeoutMs ?? options.defaultTimeoutMs;
      return runOne(argv, callOptions, {
        secrets,
        timeoutMs,
        killGraceMs: options.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
        maxOutputBytes: options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT,
        closeWaitMs: options.closeWaitMs ?? DEFAULT_CLOSE_WAIT_MS,
        track,
        untrack,
      });
    },
  };
}

interface RunSettings {
  secrets: string[];
  timeoutMs: number | undefined;
  killGraceMs: number;
  maxOutputBytes: number;
  closeWaitMs: number;
  track(pid: number): void;
  untrack(pid: number): void;
}

function runOne(argv: readonly string[], callOptions: CommandOptions, settings: RunSettings): Promise<CommandResult> {
  const program = argv[0];
  if (program === undefined || program === '') {
    return Promise.reject(stepFailed('emptyCommand', {}));
  }
  const shownArgv = argv.map((item) => redact(item, settings.secrets));
  const started = performance.now();

  return new Promise<CommandResult>((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(program, argv.slice(1), {
        cwd: callOptions.cwd,
        env: { ...process.env, ...callOptions.env },
        shell: false,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      // Synchronous refusals: a NUL byte in an argument, a bad option.
      reject(startError(program, shownArgv, error as NodeJS.ErrnoException, undefined));
      return;
    }

    const stdout = new TailBuffer(settings.maxOutputBytes);
    const stderr = new TailBuffer(settings.maxOutputBytes);
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));

    let spawned = false;
    let done = false;
    let timedOut = false;
    let exitCode: number | null = null;
    let exitSignal: NodeJS.Signals | null = null;
    const timers: NodeJS.Timeout[] = [];
    const later = (ms: number, action: () => void): void => {
      timers.push(setTimeout(action, ms));
    };

    const finish = (): void => {
      if (done) return;
      done = true;
      for (const timer of timers) clearTimeout(timer);
      const pid = child.pid;
      if (pid !== undefined) {
        // A timed-out tree must be gone entirely, whatever ignored SIGTERM.
        if (timedOut) killGroup(pid, 'SIGKILL');
        settings.untrack(pid);
      }
      child.stdout?.destroy();
      child.stderr?.destroy();
      let errText = captured(stderr, settings.secrets);
      if (timedOut) {
        errText +=
          `${errText === '' || errText.endsWith('\n') ? '' : '\n'}rewind: timed out after ${settings.timeoutMs} ms; ` +
          'the process group was killed\n';
      }
      resolve({
        argv: shownArgv,
        code: timedOut ? TIMEOUT_EXIT_CODE : exitStatus(exitCode, exitSignal),
        stdout: captured(stdout, settings.secrets),
        stderr: errText,
        durationMs: Math.round(performance.now() - started),
      });
    };

    child.once('spawn', () => {
      spawned = true;
      const pid = child.pid as number;
      settings.track(pid);
      if (settings.timeoutMs !== undefined) {
        later(settings.timeoutMs, () => {
          timedOut = true;
          killGroup(pid, 'SIGTERM');
          later(settings.killGraceMs, () => {
            killGroup(pid, 'SIGKILL');
            // Something unkillable holds the pipes: report rather than hang.
            later(settings.killGraceMs, finish);
          });
        });
      }
    });

    child.once('error', (error: NodeJS.ErrnoException) => {
      if (spawned || done) return;
      done = true;
      for (const timer of timers) clearTimeout(timer);
      void explainStartFailure(program, shownArgv, error, callOptions.cwd).then(reject);
    });

    child.once('exit', (code, signal) => {
      exitCode = code;
      exitSignal = signal;
      // Normally 'close' follows at once; a background child that inherited
      // stdout would keep it open forever.
      later(settings.closeWaitMs, finish);
    });
    child.once('close', finish);
  });
}

function captured(buffer: TailBuffer, secrets: readonly string[]): string {
  const dropped = buffer.truncatedBytes;
  const text = redact(buffer.text(), secrets, { truncatedStart: dropped > 0 });
  return dropped > 0 ? `[rewind: ${dropped} earlier bytes of output dropped]\n${text}` : text;
}

/** Shell convention, so a signal death never looks like success. */
function exitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  if (signal !== null) return 128 + ((osConstants.signals as Record<string, number>)[signal] ?? 0);
  return 1;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone (ESRCH): nothing to kill.
  }
}

async function explainStartFailure(
  program: string,
  argv: string[],
  error: NodeJS.ErrnoException,
  cwd: string | undefined,
): Promise<RewindError> {
  // Node reports a missing working directory as ENOENT of the program.
  if (error.code === 'ENOENT' && cwd !== undefined) {
    const isDir = await stat(cwd).then((s) => s.isDirectory(), () => false);
    if (!isDir) {
      return new RewindError(
        'STEP_FAILED',
        `cannot run ${program}: working directory ${cwd} does not exist`,
        { argv, cwd, errno: error.code },
        { cause: error },
      );
    }
  }
  return startError(program, argv, error, cwd);
}

function startError(program: string, argv: string[], error: NodeJS.ErrnoException, cwd: string | undefined): RewindError {
  const details = { argv, cwd: cwd ?? null, errno: error.code ?? null };
  if (error.code === 'ENOENT') {
    const where = program.includes('/') ? '' : ' on PATH';
    return new RewindError('STEP_FAILED', `program ${program} was not found${where}; is it installed?`, details, { cause: error });
  }
  if (error.code === 'EACCES') {
    return new RewindError(
      'STEP_FAILED',
      `program ${program} could not be started: permission denied (is it executable?)`,
      details,
      { cause: error },
    );
  }
  return new RewindError('STEP_FAILED', `program ${program} could not be started: ${error.message}`, details, { cause: error });
}
