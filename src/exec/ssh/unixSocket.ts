/**
 * A stream to a Unix socket on the host, over the connection rewind already
 * has (OpenSSH's direct-streamlocal channel, which sshd allows unless
 * `AllowStreamLocalForwarding no`): how the docker driver talks to a host's
 * engine without a `docker` CLI on either side or a second login.
 * Forwarded channels are not sessions: MaxSessions does not count them.
 */
import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import { RewindError } from '../../core/errors.js';

export function unixSocketOpener(client: Client, label: string): (path: string) => Promise<Duplex> {
  return (path) =>
    new Promise<Duplex>((resolve, reject) => {
      try {
        client.openssh_forwardOutStreamLocal(path, (error, stream) => {
          if (error) {
            const message = `${label}: cannot reach the socket ${path} over SSH (${error.message})`;
            reject(new RewindError('STEP_FAILED', message, { host: label, path }));
            return;
          }
          resolve(stream);
        });
      } catch (error) {
        reject(error);
      }
    });
}
