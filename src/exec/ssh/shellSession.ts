/**
 * The local half of a command session (the protocol is in sessionRunner.ts):
 * one channel per connection, opened right after login so that the login
 * shell starts while rewind is still planning, then reused by every command
 * that finds it idle. A command that finds it busy gets a channel of its
 * own, as before; so does every command on a host where the session cannot
 * start (a login shell that is not POSIX, no mktemp).
 *
 * It also answers file operations while no command runs (see
 * sessionFileOps.ts). Operations and commands take turns in the order they
 * were asked: a command waits for the operations before it (a few ms each)
 * rather than paying for a channel and a login shell of its own.
 */
import { randomBytes } from 'node:crypto';
import type { Client, ClientChannel } from 'ssh2';
import type { ChannelGate } from './channelGate.js';
import { openExecChannel } from './openRetry.js';
import type { FileCommand } from './fileCommands.js';
import { parseReply, type OpReply } from './opServer.js';
import { EXIT_REQUEST, opRequest, parseDone, READY_WORD, runnerScript, runRequest, STOP_REQUEST } from './sessionRunner.js';
import type { DoneHeader } from './sessionRunner.js';
import { afterReadyLine } from './readyLine.js';
import { Turns } from './turns.js';

export interface SessionSettings {
  killGraceMs: number;
  maxOutputBytes: number;
  /** How long the login shell may take to start the runner. */
  readyTimeoutMs: number;
}

export type SessionOutcome =
  | { kind: 'exited'; status: number; stdout: Buffer; stderr: Buffer; stdoutDropped: number; stderrDropped: number }
  /** Stopped at the deadline: the runner killed the command's process group and itself. */
  | { kind: 'timed-out' }
  /** The channel or connection ended before the reply. */
  | { kind: 'lost' };

/** Beyond the grace period, for the runner's KILL to land and the channel to close. */
const STOP_MARGIN_MS = 1500;

type State = 'starting' | 'idle' | 'busy' | 'ended';

export class ShellSession {
  private state: State = 'starting';
  private channel: ClientChannel | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private nextId = 1;
  private wasReady = false;
  private readonly ready: Promise<boolean>;
  private markReady: (ok: boolean) => void = () => undefined;
  private pending: ((outcome: SessionOutcome) => void) | undefined;
  private pendingOp: ((reply: OpReply | undefined) => void) | undefined;
  /** A command has claimed the session (it may still wait for its turn). */
  private commandHeld = false;
  private commandEnded: Promise<void> = Promise.resolve();
  private markCommandEnded: () => void = () => undefined;
  private readonly turns = new Turns();
  private endCommandTurn: (() => void) | undefined;
  private readonly closed: Promise<void>;
  private markClosed: () => void = () => undefined;

  private constructor(private readonly settings: SessionSettings) {
    this.ready = new Promise((resolve) => {
      this.markReady = resolve;
    });
    this.closed = new Promise((resolve) => {
      this.markClosed = resolve;
    });
  }

  /** Opens the session's channel in the background; `claim` waits for it. */
  static start(client: Client, gate: ChannelGate, settings: SessionSettings): ShellSession {
    const session = new ShellSession(settings);
    void session.open(client, gate);
    return session;
  }

  /** False once it has ended (or failed to start); a starting session counts as usable. */
  get usable(): boolean {
    return this.state !== 'ended';
  }

  /** Whether it ever ran commands: one that did may be replaced when it ends, one that never started is not tried again. */
  get startedOnce(): boolean {
    return this.wasReady;
  }

  /** Resolves once the runner answered (true) or the session could not start (false). */
  whenReady(): Promise<boolean> {
    return this.ready;
  }

  /**
   * Whether a file operation asked now is answered without waiting for a
   * running command (one that only waits for its turn is quick to wait for).
   */
  get takesOps(): boolean {
    return this.state !== 'ended' && this.pending === undefined;
  }

  /** Resolves when the command running now (if any) has answered, or the session ended. */
  whenCommandEnds(): Promise<void> {
    return this.pending === undefined ? Promise.resolve() : this.commandEnded;
  }

  /**
   * Takes the session for one command: waits while it starts and for the
   * operations asked before; false when another command has it, or it is gone.
   */
  async claim(): Promise<boolean> {
    if (this.state === 'starting' && !(await this.ready)) return false;
    if (this.state === 'ended' || this.commandHeld) return false;
    this.commandHeld = true;
    const done = await this.turns.take();
    const free = (): void => {
      this.endCommandTurn = undefined;
      this.commandHeld = false;
      done();
    };
    if (this.state !== 'idle') {
      free();
      return false;
    }
    this.state = 'busy';
    this.endCommandTurn = free;
    return true;
  }

  /** One file operation (fileCommands.ts ANSWERING), in turn; undefined when the session ended or could not start. */
  async request(op: FileCommand, args: readonly string[]): Promise<OpReply | undefined> {
    const body = opRequest(op, args);
    if (this.state === 'starting' && !(await this.ready)) return undefined;
    const done = await this.turns.take();
    try {
      const channel = this.channel;
      if (this.state !== 'idle' || channel === undefined) return undefined;
      this.state = 'busy';
      return await new Promise<OpReply | undefined>((resolve) => {
        this.pendingOp = (reply) => {
          this.pendingOp = undefined;
          resolve(reply);
        };
        channel.write(body);
      });
    } finally {
      done();
    }
  }

  /** Runs `script` (see sessionScript) on a claimed session. */
  run(script: string, timeoutMs: number | undefined): Promise<SessionOutcome> {
    const channel = this.channel;
    if (this.state !== 'busy' || channel === undefined) throw new Error('run() needs a claimed session');
    return new Promise<SessionOutcome>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      this.pending = (outcome) => {
        this.markCommandEnded();
        if (timer) clearTimeout(timer);
        this.pending = undefined;
        resolve(outcome);
      };
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.pending = undefined;
          this.state = 'ended';
          if (channel.writable) channel.write(STOP_REQUEST);
          // Reported once the runner has killed everything, or after the margin if something holds the channel.
          const giveUp = setTimeout(() => resolve({ kind: 'timed-out' }), this.settings.killGraceMs + STOP_MARGIN_MS);
          void this.closed.then(() => {
            clearTimeout(giveUp);
            resolve({ kind: 'timed-out' });
          });
        }, timeoutMs);
      }
      this.commandEnded = new Promise((ended) => {
        this.markCommandEnded = ended;
      });
      channel.write(runRequest(this.nextId++, script));
    });
  }

  /** Ends the session: at once when idle; a running command is stopped by the runner (end of input). */
  close(): void {
    const channel = this.channel;
    const idle = this.state === 'idle';
    this.end();
    if (channel === undefined) return;
    try {
      if (idle && channel.writable) channel.write(EXIT_REQUEST);
      channel.end();
    } catch {
      // Already closing.
    }
  }

  private async open(client: Client, gate: ChannelGate): Promise<void> {
    const release = await gate.acquire();
    const token = randomBytes(12).toString('hex');
    let channel: ClientChannel;
    try {
      const script = runnerScript({ token, killGraceMs: this.settings.killGraceMs, maxOutputBytes: this.settings.maxOutputBytes });
      channel = await openExecChannel(client, script);
    } catch {
      release();
      this.end();
      this.markClosed();
      return;
    }
    this.channel = channel;
    if (this.state === 'ended') channel.close();
    const readyLine = Buffer.from(`${READY_WORD} ${token}\n`);
    const notReady = setTimeout(() => this.close(), this.settings.readyTimeoutMs);
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
        this.state = 'idle';
        this.wasReady = true;
        this.markReady(true);
      }
      this.readReply();
    });
    channel.on('close', () => {
      clearTimeout(notReady);
      release();
      this.end();
      this.markClosed();
    });
  }

  /** A complete reply settles the command or the operation; anything else where a reply belongs ends the session. */
  private readReply(): void {
    if (this.buffer.length === 0) return;
    if (this.pendingOp !== undefined) return this.readOpReply(this.pendingOp);
    let header: DoneHeader | undefined;
    try {
      if (this.state !== 'busy' || this.pending === undefined) throw new Error('output while no command runs');
      header = parseDone(this.buffer);
    } catch {
      this.close();
      return;
    }
    if (header === undefined) return;
    const end = header.length + header.outSent + header.errSent;
    if (this.buffer.length < end) return;
    const body = this.buffer.subarray(header.length, end);
    const leftover = this.buffer.subarray(end);
    this.buffer = Buffer.alloc(0);
    this.state = 'idle';
    this.endCommandTurn?.();
    this.pending({
      kind: 'exited',
      status: header.status,
      stdout: Buffer.from(body.subarray(0, header.outSent)),
      stderr: Buffer.from(body.subarray(header.outSent)),
      stdoutDropped: header.outBytes - header.outSent,
      stderrDropped: header.errBytes - header.errSent,
    });
    if (leftover.length > 0) this.close();
  }

  private readOpReply(settle: (reply: OpReply | undefined) => void): void {
    let parsed: ReturnType<typeof parseReply>;
    try {
      parsed = parseReply(this.buffer);
    } catch {
      this.close();
      return;
    }
    if (parsed === undefined) return;
    const leftover = this.buffer.subarray(parsed.length);
    this.buffer = Buffer.alloc(0);
    this.state = 'idle';
    settle(parsed.reply);
    if (leftover.length > 0) this.close();
  }

  private end(): void {
    const pending = this.pending;
    const pendingOp = this.pendingOp;
    this.pending = undefined;
    this.pendingOp = undefined;
    this.state = 'ended';
    this.markReady(false);
    pending?.({ kind: 'lost' });
    pendingOp?.(undefined);
    this.endCommandTurn?.();
    this.markCommandEnded();
  }
}

/**
 * The connection's session: started at login, replaced when a timeout ended
 * it, given up for good when it never started (the host's login shell
 * cannot run it).
 */
export class SessionKeeper {
  private session: ShellSession | undefined;
  private disabled = false;

  constructor(private readonly start: () => ShellSession) {}

  current(): ShellSession | undefined {
    if (this.disabled) return undefined;
    if (this.session !== undefined && !this.session.usable) {
      if (!this.session.startedOnce) {
        this.disabled = true;
        return undefined;
      }
      this.session = undefined;
    }
    this.session ??= this.start();
    return this.session;
  }

  close(): void {
    this.disabled = true;
    this.session?.close();
  }
}
