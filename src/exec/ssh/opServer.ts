/**
 * One long-lived POSIX sh loop per connection that answers file operations
 * (fileCommands.ts) for a host without SFTP, one after another: what an SFTP
 * session is for the other hosts. A guard check costs a few operations; as
 * commands of their own, each would cost a channel and a login shell.
 *
 * Requests arrive on its stdin as the operation's name, the number of
 * arguments, then each argument as its byte count and its bytes, a newline
 * after each. The loop reads them with `read` and rebuilds the arguments
 * with `set -- "$@" "$a"`: nothing it receives is ever evaluated as shell
 * text, and a name it does not know ends it. Each operation runs in a
 * subshell with stdin from /dev/null; the reply is `rewind-op <status>
 * <stdout bytes> <stderr bytes>\n`, the output, and the last line of what
 * it said on stderr. End of input ends the loop.
 */
import { randomBytes } from 'node:crypto';
import type { Client, ClientChannel } from 'ssh2';
import { RewindError } from '../../core/errors.js';
import { remoteCommand } from '../shellQuote.js';
import type { ChannelGate } from './channelGate.js';
import { ANSWERING, answerRequest, functions, PRELUDE, type FileCommand } from './fileCommands.js';
import { openExecChannel } from './openRetry.js';
import { afterReadyLine } from './readyLine.js';

export interface OpReply {
  status: number;
  stdout: Buffer;
  stderr: string;
}

const READY_WORD = 'rewind-ops-ready';
const READY_TIMEOUT_MS = 15_000;

export function serverScript(token: string): string {
  if (!/^[A-Za-z0-9]+$/.test(token)) throw new RangeError('the token must be letters and digits');
  return [
    PRELUDE,
    'e=$(mktemp "${TMPDIR:-/tmp}/rewind-ops.XXXXXX") || exit 97',
    'trap \'rm -f "$e"\' EXIT',
    functions(ANSWERING),
    "nl='\n'",
    `printf '\\n${READY_WORD} %s\\n' ${token}`,
    'while IFS= read -r op; do',
    `  case $op in ${ANSWERING.join('|')}) ;; *) break;; esac`,
    // In a subshell: what one operation sets cannot reach the next.
    `  ( ${answerRequest(0)}\n  ) || break`,
    'done',
  ].join('\n');
}

export function encodeRequest(op: FileCommand, args: readonly string[]): Buffer {
  const parts = [op, String(args.length)];
  for (const arg of args) {
    if (arg.includes('\0')) throw new RewindError('STEP_FAILED', 'a path contains a NUL byte, which no file operation can take');
    parts.push(String(Buffer.byteLength(arg)), arg);
  }
  return Buffer.from(`${parts.join('\n')}\n`, 'utf8');
}

/** The reply at the start of `buffer` and its length; undefined while incomplete; throws when it is not one. */
export function parseReply(buffer: Buffer): { reply: OpReply; length: number } | undefined {
  const end = buffer.indexOf(0x0a);
  if (end === -1) {
    if (buffer.length > 100) throw new Error('the file operations loop sent something that is not a reply');
    return undefined;
  }
  const match = /^rewind-op (\d+) (\d+) (\d+)$/.exec(buffer.subarray(0, end).toString('latin1'));
  if (!match) throw new Error('the file operations loop sent something that is not a reply');
  const [status, outBytes, errBytes] = match.slice(1).map(Number) as [number, number, number];
  const length = end + 1 + outBytes + errBytes;
  if (buffer.length < length) return undefined;
  const stdout = Buffer.from(buffer.subarray(end + 1, end + 1 + outBytes));
  return { reply: { status, stdout, stderr: buffer.subarray(end + 1 + outBytes, length).toString('utf8') }, length };
}

class OpServer {
  private channel: ClientChannel | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private state: 'starting' | 'ready' | 'ended' = 'starting';
  private wasReady = false;
  private pending: ((reply: OpReply | undefined) => void) | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  readonly ready: Promise<boolean>;
  private markReady: (ok: boolean) => void = () => undefined;

  constructor(client: Client, gate: ChannelGate) {
    this.ready = new Promise((resolve) => {
      this.markReady = resolve;
    });
    void this.open(client, gate);
  }

  get usable(): boolean {
    return this.state !== 'ended';
  }

  get startedOnce(): boolean {
    return this.wasReady;
  }

  /** One operation, after those already asked; undefined when the loop ended before it answered. */
  request(op: FileCommand, args: readonly string[]): Promise<OpReply | undefined> {
    const request = encodeRequest(op, args);
    const asked = this.queue.then(
      () =>
        new Promise<OpReply | undefined>((resolve) => {
          const channel = this.channel;
          if (this.state !== 'ready' || channel === undefined) return resolve(undefined);
          this.pending = resolve;
          channel.write(request);
        }),
    );
    this.queue = asked;
    return asked;
  }

  close(): void {
    this.end();
    this.channel?.end();
  }

  private async open(client: Client, gate: ChannelGate): Promise<void> {
    const release = await gate.acquire();
    const token = randomBytes(12).toString('hex');
    let channel: ClientChannel;
    try {
      channel = await openExecChannel(client, remoteCommand(['sh', '-c', serverScript(token)]));
    } catch {
      release();
      this.end();
      return;
    }
    this.channel = channel;
    const readyLine = Buffer.from(`${READY_WORD} ${token}\n`);
    const notReady = setTimeout(() => this.close(), READY_TIMEOUT_MS);
    channel.on('error', () => undefined);
    channel.stderr.on('data', () => undefined);
    channel.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      if (this.state === 'starting') {
        const found = afterReadyLine(this.buffer, readyLine);
        if ('kept' in found) {
          this.buffer = found.kept;
          return;
        }
        clearTimeout(notReady);
        this.buffer = found.rest;
        this.state = 'ready';
        this.wasReady = true;
        this.markReady(true);
      }
      this.readReply();
    });
    channel.on('close', () => {
      clearTimeout(notReady);
      release();
      this.end();
    });
  }

  private readReply(): void {
    if (this.buffer.length === 0) return;
    let parsed: ReturnType<typeof parseReply>;
    try {
      if (this.pending === undefined) throw new Error('output while nothing was asked');
      parsed = parseReply(this.buffer);
    } catch {
      this.close();
      return;
    }
    if (parsed === undefined) return;
    this.buffer = this.buffer.subarray(parsed.length);
    const pending = this.pending;
    this.pending = undefined;
    pending(parsed.reply);
    if (this.buffer.length > 0) this.close();
  }

  private end(): void {
    this.state = 'ended';
    this.markReady(false);
    const pending = this.pending;
    this.pending = undefined;
    pending?.(undefined);
  }
}

/**
 * The connection's loop, started on first use and again after it ended;
 * none (undefined) once one failed to start: each operation then gets a
 * channel of its own.
 */
export function opServers(client: Client, gate: ChannelGate): () => Promise<{ request: OpServer['request'] } | undefined> {
  let server: OpServer | undefined;
  let disabled = false;
  return async () => {
    if (disabled) return undefined;
    if (server !== undefined && !server.usable) {
      if (!server.startedOnce) disabled = true;
      server = undefined;
      if (disabled) return undefined;
    }
    server ??= new OpServer(client, gate);
    const current = server;
    if (!(await current.ready)) {
      if (!current.startedOnce) disabled = true;
      return undefined;
    }
    return current;
  };
}
