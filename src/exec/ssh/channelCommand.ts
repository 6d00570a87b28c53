/**
 * One command on an exec channel of its own, with bytes for its stdin and
 * every byte of its stdout kept as they came: how files travel to and from
 * a host that has no SFTP subsystem (execOps.ts). Unlike sshExec.ts there
 * is no supervised wrapper (stdin is the file's content, not a stop line)
 * and no redaction or truncation (the output is a file, not a log); the
 * command line is built by the caller with the one quoting function.
 */
import type { Readable } from 'node:stream';
import type { Client, ClientChannel } from 'ssh2';
import type { ChannelGate } from './channelGate.js';
import { openExecChannel } from './openRetry.js';
import { TailBuffer } from '../tailBuffer.js';

export interface ChannelOutcome {
  /** The exit status; undefined when the channel ended without one (the connection was lost, or a signal). */
  code: number | undefined;
  stdout: Buffer;
  /** Its end, for error messages. */
  stderr: string;
}

/** Runs a command line on a fresh channel; `input` is its whole stdin (end of input follows). */
export type ChannelCommand = (command: string, input?: Buffer | Readable) => Promise<ChannelOutcome>;

const STDERR_KEPT = 16 * 1024;

export function channelCommands(client: Client, gate: ChannelGate): ChannelCommand {
  return async (command, input) => {
    const release = await gate.acquire();
    let channel: ClientChannel;
    try {
      channel = await openExecChannel(client, command);
    } catch (error) {
      release();
      throw error;
    }
    return collect(channel, input).finally(release);
  };
}

function collect(channel: ClientChannel, input: Buffer | Readable | undefined): Promise<ChannelOutcome> {
  return new Promise<ChannelOutcome>((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr = new TailBuffer(STDERR_KEPT);
    let code: number | undefined;
    let inputError: unknown;
    channel.on('data', (chunk: Buffer) => stdout.push(chunk));
    channel.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // A write to a channel the command already closed must not crash anything.
    channel.on('error', () => undefined);
    const stopInput = (): void => {
      if (input === undefined || Buffer.isBuffer(input)) return;
      input.unpipe(channel);
      input.destroy();
    };
    channel.on('exit', (status: number | null) => {
      if (typeof status === 'number') code = status;
      // A command that gave up early (a full disk) reads no more: stop sending.
      stopInput();
    });
    channel.on('close', () => {
      stopInput();
      if (inputError !== undefined) reject(inputError);
      else resolve({ code, stdout: Buffer.concat(stdout), stderr: stderr.text() });
    });
    if (input === undefined || Buffer.isBuffer(input)) {
      channel.end(input);
      return;
    }
    const abandon = (error: unknown): void => {
      inputError = error;
      // The caller throws; what arrived so far is removed, never taken for the whole.
      channel.close();
    };
    // It may have failed while the channel was opening.
    if (input.destroyed) return abandon(input.errored ?? new Error('the input was closed before it could be sent'));
    input.once('error', abandon);
    input.pipe(channel);
  });
}
