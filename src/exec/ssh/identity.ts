/**
 * The client's side of login: the identity file, read and checked before
 * any connection so that a wrong path or a locked key is named as such
 * instead of surfacing as "authentication failed".
 */
import { readFile } from 'node:fs/promises';
import ssh2 from 'ssh2';
import { RewindError } from '../../core/errors.js';

export async function readIdentity(label: string, path: string): Promise<Buffer> {
  let key: Buffer;
  try {
    key = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new RewindError('SSH_AUTH_FAILED', `${label}: cannot read identity file ${path} (${code})`, { host: label, identityFile: path });
  }
  const parsed = ssh2.utils.parseKey(key);
  const first = Array.isArray(parsed) ? parsed[0] : parsed;
  if (first === undefined || first instanceof Error || first.getPrivatePEM() === null) {
    const message = first instanceof Error ? first.message : '';
    // Never echo the parser's view of the file: it is key material.
    const why = /passphrase|encrypted/i.test(message)
      ? 'it is protected by a passphrase; load it into ssh-agent (ssh-add) and use the agent instead'
      : 'it is not a private key rewind can read (OpenSSH, PEM or PPK format)';
    throw new RewindError('SSH_AUTH_FAILED', `${label}: identity file ${path} cannot be used: ${why}`, { host: label, identityFile: path });
  }
  return key;
}

export function describeOffer(options: { identityFile?: string; agent?: string }): string {
  const offered: string[] = [];
  if (options.identityFile !== undefined) offered.push(`identity file ${options.identityFile}`);
  if (options.agent !== undefined) offered.push(`keys from the agent at ${options.agent}`);
  return offered.length === 0 ? 'nothing: no identity file and no agent configured' : offered.join(' and ');
}
