/**
 * Sessions started ahead of need. Every SSH session runs the login shell,
 * and a login shell's start-up files can cost more than the command itself
 * (100+ ms where ~/.bashrc runs `pyenv init`). A spare session is opened
 * right after login, starts its shell while rewind is still planning, and
 * then waits for its command on stdin; a rollback's remote commands (the
 * integrity check, the reload) start without paying for a shell.
 *
 * The spare's own command is constant text: it reads a byte count and then
 * exactly that many bytes, and evaluates them. What it receives is the same
 * text an ordinary exec would have sent (the supervised wrapper around
 * remoteCommand's quoted argv), so no user data goes anywhere new. Whatever
 * follows on stdin belongs to the wrapper's watcher, as in an ordinary exec.
 */
import type { Client, ClientChannel } from 'ssh2';
import type { ChannelGate } from './channelGate.js';

/** `read` stops at the newline and `dd bs=1` takes exactly n bytes, leaving the rest of stdin alone. */
export const SPARE_COMMAND = 'IFS= read -r n || exit 255; c=$(dd bs=1 count="$n" 2>/dev/null) || exit 255; eval "$c"';

export interface TakenSession {
  channel: ClientChannel;
  release: () => void;
}

interface Spare {
  opening: Promise<TakenSession | undefined>;
  /** Set when the channel ended before it was used: it cannot run anything. */
  dead: boolean;
}

export class SparePool {
  private readonly spares: Spare[] = [];

  constructor(
    private readonly client: Client,
    private readonly gate: ChannelGate,
  ) {}

  /** Open `count` spares now; they hold channel slots until used or closed. */
  fill(count: number): void {
    for (let i = 0; i < count; i += 1) this.spares.push(this.open());
  }

  /**
   * A spare, waiting for its open to finish if need be (never slower than
   * opening a new channel, which is what the caller does when none is left
   * or the open failed).
   */
  async take(): Promise<TakenSession | undefined> {
    for (let spare = this.spares.shift(); spare !== undefined; spare = this.spares.shift()) {
      const session = await spare.opening;
      if (session !== undefined && !spare.dead) return session;
      if (session !== undefined) {
        session.channel.close();
        session.release();
      }
    }
    return undefined;
  }

  /** Send the command a taken spare is to run. */
  static start(session: TakenSession, command: string): void {
    session.channel.write(`${Buffer.byteLength(command)}\n${command}`);
  }

  private open(): Spare {
    const spare: Spare = { dead: false, opening: Promise.resolve(undefined) };
    spare.opening = (async () => {
      const release = await this.gate.acquire();
      try {
        const channel = await new Promise<ClientChannel>((resolve, reject) => {
          try {
            this.client.exec(SPARE_COMMAND, (error, opened) => (error ? reject(error) : resolve(opened)));
          } catch (error) {
            reject(error);
          }
        });
        channel.on('error', () => undefined);
        // Only consulted before the spare is taken; afterwards the command's own end is awaited.
        const markDead = (): void => {
          spare.dead = true;
        };
        channel.once('close', markDead);
        channel.once('exit', markDead);
        return { channel, release };
      } catch {
        // Refused (MaxSessions) or the connection went: the caller opens its own channel.
        release();
        return undefined;
      }
    })();
    return spare;
  }
}
