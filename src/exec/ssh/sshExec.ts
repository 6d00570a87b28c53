/**
 * Exec over one SSH connection: every run is a channel on it. Results look
 * exactly like localExec's (exit code, tail of the output, secrets
 * redacted, 124 on timeout) so steps do not care where they ran.
 */
import { constants as osConstants } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Client, ClientChannel } from 'ssh2';
import { RewindError } from '../../core/errors.js';
import type { CommandOptions, CommandResult, Exec } from '../../core/ports.js';
import { TIMEOUT_EXIT_CODE } from '../localExec.js';
import { redact } from '../../core/redact.js';
import { secretsFromEnv } from '../redact.js';
import { remoteCommand } from '../shellQuote.js';
import { envPayload, envPrologue } from './envOverStdin.js';
import { TailBuffer } from '../tailBuffer.js';
import type { ChannelGate } from './channelGate.js';
import { openExecChannel } from './openRetry.js';
import { sessionScript } from './sessionRunner.js';
import type { SessionKeeper, SessionOutcome } from './shellSession.js';
import { STOP, supervised } from './supervise.js';

export interface SshExecOptions {
  /** `user@host:port`, for messages. */
  label: string;
  secrets?: readonly string[];
  defaultTimeoutMs?: number;
  /** Between TERM and KILL of a timed-out command's process group. */
  killGraceMs?: number;
  maxOutputBytes?: number;
  /** How long to wait for output to end after the command exited (a daemon it started may hold it). */
  closeWaitMs?: number;
}

/** What ssh(1) exits with when the connection, not the command, failed. */
export const CONNECTION_LOST_EXIT_CODE = 255;

export const DEFAULT_MAX_OUTPUT = 64 * 1024;
export const DEFAULT_KILL_GRACE_MS = 2000;
const DEFAULT_CLOSE_WAIT_MS = 1000;
/** Beyond the grace period, for the remote KILL to land and the channel to close. */
const STOP_MARGIN_MS = 1500;

/** `sessions`: the connection's command session (shellSession.ts), used whenever it is idle. */
export function createSshExec(client: Client, gate: ChannelGate, options: SshExecOptions, sessions?: SessionKeeper): Exec {
  return {
    async run(argv: readonly string[], callOptions: CommandOptions = {}): Promise<CommandResult> {
      const secrets = [...(options.secrets ?? []), ...secretsFromEnv(callOptions.env ?? {})];
      const shownArgv = argv.map((item) => redact(item, secrets));
      const killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
      // Refusals (empty argv, NUL, a bad variable name) before any channel is used.
      // Values travel on stdin, never in the command line the host's process list shows.
      const env = Object.entries(callOptions.env ?? {});
      const payload = envPayload(env.map(([, value]) => value));
      const command = supervised(remoteCommand(argv, { cwd: callOptions.cwd }), killGraceMs, envPrologue(env.map(([name]) => name)));
      const settings: RunSettings = {
        shownArgv,
        secrets,
        label: options.label,
        timeoutMs: callOptions.timeoutMs ?? options.defaultTimeoutMs,
        killGraceMs,
        maxOutputBytes: options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT,
        closeWaitMs: options.closeWaitMs ?? DEFAULT_CLOSE_WAIT_MS,
      };
      const session = sessions?.current();
      if (session !== undefined) {
        const script = sessionScript(argv, { cwd: callOptions.cwd, env: callOptions.env });
        const started = performance.now();
        if (await session.claim()) return sessionResult(await session.run(script, settings.timeoutMs), started, settings);
      }
      const release = await gate.acquire();
      const started = performance.now();
      let channel: ClientChannel;
      try {
        channel = await openExecChannel(client, command);
      } catch (error) {
        release();
        const reason = error instanceof Error ? error.message : String(error);
        throw new RewindError('STEP_FAILED', `${options.label}: cannot run ${shownArgv[0] ?? ''}: no channel could be opened (${reason})`, {
          host: options.label,
          argv: shownArgv,
        });
      }
      const result = collect(channel, release, started, settings);
      if (payload !== '') channel.write(payload);
      return result;
    },
  };
}

interface RunSettings {
  shownArgv: string[];
  secrets: string[];
  label: string;
  timeoutMs: number | undefined;
  killGraceMs: number;
  maxOutputBytes: number;
  closeWaitMs: number;
}

function collect(channel: ClientChannel, release: () => void, started: number, settings: RunSettings): Promise<CommandResult> {
  return new Promise<CommandResult>((resolve) => {
    const stdout = new TailBuffer(settings.maxOutputBytes);
    const stderr = new TailBuffer(settings.maxOutputBytes);
    channel.on('data', (chunk: Buffer) => stdout.push(chunk));
    channel.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // A write to a channel that closed meanwhile must not crash anything.
    channel.on('error', () => undefined);

    let done = false;
    let timedOut = false;
    let exitCode: number | undefined;
    let exitSignal: string | undefined;
    const timers: NodeJS.Timeout[] = [];
    const later = (ms: number, action: () => void): void => {
      timers.push(setTimeout(action, ms));
    };
    /** Servers that honour signal requests (OpenSSH, for non-root logins) act on them too. */
    const signal = (name: 'TERM' | 'KILL'): void => {
      try {
        channel.signal(name);
      } catch {
        // The channel is already closing.
      }
    };

    const finish = (): void => {
      if (done) return;
      done = true;
      for (const timer of timers) clearTimeout(timer);
      // Ends stdin too: the remote watcher then stops whatever is left.
      channel.close();
      release();
      let errText = captured(stderr, settings.secrets);
      const note = (text: string): void => {
        errText += `${errText === '' || errText.endsWith('\n') ? '' : '\n'}${text}\n`;
      };
      let code: number;
      if (timedOut) {
        code = TIMEOUT_EXIT_CODE;
        note(timedOutNote(settings));
      } else if (exitCode !== undefined) {
        code = exitCode;
      } else if (exitSignal !== undefined) {
        code = 128 + ((osConstants.signals as Record<string, number>)[exitSignal] ?? 0);
      } else {
        code = CONNECTION_LOST_EXIT_CODE;
        note(lostNote(settings));
      }
      resolve({
        argv: settings.shownArgv,
        code,
        stdout: captured(stdout, settings.secrets),
        stderr: errText,
        durationMs: Math.round(performance.now() - started),
      });
    };

    if (settings.timeoutMs !== undefined) {
      later(settings.timeoutMs, () => {
        timedOut = true;
        // The remote watcher sends TERM now and KILL after the grace period; the channel closes when all are gone.
        if (channel.writable) channel.write(STOP);
        signal('TERM');
        later(settings.killGraceMs, () => signal('KILL'));
        // Something outside the session holds the channel open: report rather than hang.
        later(settings.killGraceMs + STOP_MARGIN_MS, finish);
      });
    }

    channel.on('exit', (code: number | null, signal?: string) => {
      if (typeof code === 'number') exitCode = code;
      else if (typeof signal === 'string') exitSignal = signal;
      // Normally 'close' follows at once; a background child that inherited
      // stdout would keep the channel open forever. After a timeout, wait for
      // the KILL instead: a timed-out command is reported only once it is gone.
      if (!timedOut) later(settings.closeWaitMs, finish);
    });
    channel.on('close', finish);
  });
}

function timedOutNote(settings: RunSettings): string {
  return `rewind: timed out after ${settings.timeoutMs} ms on ${settings.label}; the remote process group was killed`;
}

function lostNote(settings: RunSettings): string {
  return `rewind: the connection to ${settings.label} ended before the command reported how it exited`;
}

function sessionResult(outcome: SessionOutcome, started: number, settings: RunSettings): CommandResult {
  const result = (code: number, stdout: string, stderr: string): CommandResult => ({
    argv: settings.shownArgv,
    code,
    stdout,
    stderr,
    durationMs: Math.round(performance.now() - started),
  });
  if (outcome.kind === 'timed-out') return result(TIMEOUT_EXIT_CODE, '', `${timedOutNote(settings)}\n`);
  if (outcome.kind === 'lost') return result(CONNECTION_LOST_EXIT_CODE, '', `${lostNote(settings)}\n`);
  const tail = (bytes: Buffer, dropped: number): TailBuffer => {
    const buffer = new TailBuffer(settings.maxOutputBytes);
    buffer.noteDropped(dropped);
    buffer.push(bytes);
    return buffer;
  };
  return result(
    outcome.status,
    captured(tail(outcome.stdout, outcome.stdoutDropped), settings.secrets),
    captured(tail(outcome.stderr, outcome.stderrDropped), settings.secrets),
  );
}

function captured(buffer: TailBuffer, secrets: readonly string[]): string {
  const dropped = buffer.truncatedBytes;
  const text = redact(buffer.text(), secrets, { truncatedStart: dropped > 0 });
  return dropped > 0 ? `[rewind: ${dropped} earlier bytes of output dropped]\n${text}` : text;
}
