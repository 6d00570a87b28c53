import { z } from 'zod';
import { boundedDuration } from '../../core/configParts.js';

export const sshSchema = z
  .strictObject({
    identity_file: z
      .string()
      .optional()
      .meta({ description: 'The private key to log in with; without it, keys from the SSH agent (SSH_AUTH_SOCK).' }),
    known_hosts: z
      .string()
      .default('~/.ssh/known_hosts')
      .meta({ description: "Where hosts' keys are checked: an unknown or changed key is refused." }),
    strict_host_keys: z
      .boolean()
      .default(true)
      .meta({ description: 'false: accept a host whose key is not in known_hosts (never a changed one). Only for throw-away hosts.' }),
    connect_timeout: boundedDuration('connectTimeout').prefault('10s').meta({ description: 'How long to wait for a host to answer.' }),
  })
  .meta({ description: 'How remote hosts (ssh://user@host:port) are reached.' });

export type SshConfig = z.infer<typeof sshSchema>;

/** `ssh://user@host:port`: user required, port optional. */
export const SSH_HOST = /^ssh:\/\/[A-Za-z0-9._-]+@(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
