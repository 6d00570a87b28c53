/**
 * Retries a channel open the server refused. OpenSSH frees a session slot
 * only after both sides closed the channel and its main loop has collected
 * it, so an open sent right after a close can still find MaxSessions
 * reached. A connection that is gone is not retried.
 */
import type { Client, ClientChannel } from 'ssh2';

const DELAYS_MS = [20, 50, 100, 200, 400, 800];

function refusedByServer(error: unknown): boolean {
  // ssh2 marks a CHANNEL_OPEN_FAILURE with the server's reason code.
  return typeof (error as { reason?: unknown } | undefined)?.reason === 'number';
}

export async function openWithRetry<T>(open: () => Promise<T>): Promise<T> {
  for (const delay of DELAYS_MS) {
    try {
      return await open();
    } catch (error) {
      if (!refusedByServer(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  return open();
}

/** An exec channel running `command`, retried while the server is out of session slots. */
export function openExecChannel(client: Client, command: string): Promise<ClientChannel> {
  return openWithRetry(
    () =>
      new Promise<ClientChannel>((resolve, reject) => {
        try {
          client.exec(command, (error, channel) => (error ? reject(error) : resolve(channel)));
        } catch (error) {
          // ssh2 throws at once when the connection is already gone.
          reject(error);
        }
      }),
  );
}
