/**
 * A failed file command (execOps.ts) as the error SFTP would have given:
 * SFTP's status code, judged from what the command said (under LC_ALL=C:
 * strerror's words, or a shell's own for a redirection it could not open),
 * and that reason as the message: "No such file or directory", "Permission
 * denied", "No space left on device".
 */
import { FAILURE, NO_SUCH_FILE, PERMISSION_DENIED } from './remoteOps.js';

export class RemoteFileError extends Error {
  constructor(
    message: string,
    /** SFTP's status code for it (remoteOps.ts). */
    readonly code: number,
  ) {
    super(message);
    this.name = 'RemoteFileError';
  }
}

/** ENOENT, ENOTDIR (as OpenSSH reports them both), ELOOP; for a redirection dash says "No such file", "Directory nonexistent". */
const MISSING = /No such file|Not a directory|Directory nonexistent|Too many levels of symbolic links/;
const DENIED = /Permission denied|Operation not permitted/;

/** `code` undefined: the channel ended without an exit status (the connection was lost). */
export function remoteFileError(op: string, code: number | undefined, stderr: string): Error {
  if (code === undefined) return new Error(`the connection ended before ${op} finished`);
  const said = stderr.trim().split('\n').pop()?.trim() ?? '';
  // `cat: /srv/x: Permission denied`: the reason is what follows the last `: `.
  const reason = said.includes(': ') ? said.slice(said.lastIndexOf(': ') + 2) : said;
  const message = reason === '' ? `${op} exited with ${code}` : reason;
  if (MISSING.test(said)) return new RemoteFileError(message, NO_SUCH_FILE);
  if (DENIED.test(said)) return new RemoteFileError(message, PERMISSION_DENIED);
  return new RemoteFileError(message, FAILURE);
}
