/**
 * HAProxy's runtime API on its admin Unix socket, one command per
 * connection: HAProxy reads one line, writes its answer and closes (the
 * non-interactive mode), so an answer is everything up to the close.
 */
import { createConnection } from 'node:net';
import type { Duplex } from 'node:stream';
import { RewindError } from '../core/errors.js';

/** How the socket is reached: on this machine, or on a remote host over its SSH connection. */
export type OpenSocket = (path: string) => Promise<Duplex>;

const localSocket: OpenSocket = async (path) => createConnection({ path });

/** HAProxy answers from memory in microseconds; seconds without an answer is a process that is stuck. */
export const ANSWER_TIMEOUT_MS = 5000;

export async function askHaproxy(socket: string, command: string, timeoutMs = ANSWER_TIMEOUT_MS, open = localSocket): Promise<string> {
  const unreachable = (why: string, cause?: unknown): RewindError =>
    new RewindError('TRAFFIC_PROXY_UNREACHABLE', `haproxy: the admin socket ${socket} ${why}`, { socket, command }, { cause });
  let connection: Duplex;
  try {
    connection = await open(socket);
  } catch (error) {
    throw unreachable(whyNot(error as NodeJS.ErrnoException), error);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const fail = (why: string, cause?: unknown): void => finish(() => {
      connection.destroy();
      reject(unreachable(why, cause));
    });
    const timer = setTimeout(() => fail(`gave no answer to \`${command}\` within ${timeoutMs / 1000}s`), timeoutMs);
    // Written at once: a local socket buffers it until it connects.
    connection.write(`${command}\n`);
    connection.on('data', (chunk: Buffer) => chunks.push(chunk));
    connection.once('error', (error: NodeJS.ErrnoException) => fail(whyNot(error), error));
    connection.once('close', () => finish(() => resolve(Buffer.concat(chunks).toString('utf8'))));
  });
}

function whyNot(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'does not exist (is HAProxy running, and is this the path of its `stats socket ... level admin`?)';
    case 'EACCES':
      return "refuses this user: permission denied (the socket's owner and mode come from `stats socket ... user/group/mode`)";
    case 'ECONNREFUSED':
      return 'refuses connections (nothing listens on it: HAProxy stopped, or this is not its socket)';
    case 'ENOTSOCK':
      return 'is not a socket';
    default:
      return `cannot be reached: ${error.message.split('\n')[0]}`;
  }
}
