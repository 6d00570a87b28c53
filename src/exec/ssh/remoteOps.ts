/**
 * The file operations the remote write guard (sshFiles.ts) is built on, and
 * the two ways a host provides them: SFTP (sftpOps.ts) where the server has
 * the subsystem, commands on exec channels (execOps.ts) where it has not.
 * Both report failures with SFTP's status codes, so every caller tells
 * "nothing is there" from a real failure the same way on either.
 */

/** SSH_FX_NO_SUCH_FILE: OpenSSH sends it for ENOENT, ENOTDIR and ELOOP alike. */
export const NO_SUCH_FILE = 2;
/** SSH_FX_PERMISSION_DENIED: EACCES, EPERM. */
export const PERMISSION_DENIED = 3;
/** SSH_FX_FAILURE: all SFTP v3 says about ENOSPC, EIO, EROFS and the like. */
export const FAILURE = 4;

export function isRemoteFailure(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === FAILURE;
}

export function isRemoteMissing(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === NO_SUCH_FILE;
}

/** What the guard needs to know about an entry (ssh2's SFTP Stats have it). */
export interface RemoteStats {
  isDirectory(): boolean;
  isFile(): boolean;
  isSymbolicLink(): boolean;
  /** Whole seconds since the epoch. */
  mtime: number;
}

export interface RemoteFileOps {
  /** Which transport this is, for messages: `sftp` or `exec`. */
  readonly transport: 'sftp' | 'exec';
  /** Every symlink resolved; a missing final name is allowed (as OpenSSH's realpath does), a missing parent is not. */
  realpath(path: string): Promise<string>;
  lstat(path: string): Promise<RemoteStats>;
  stat(path: string): Promise<RemoteStats>;
  readlink(path: string): Promise<string>;
  /** Names in the directory, without `.` and `..`. */
  readdir(path: string): Promise<string[]>;
  readFile(path: string): Promise<string>;
  writeFile(path: string, data: string): Promise<void>;
  appendFile(path: string, data: string): Promise<void>;
  /** Create exclusively, write, flush to disk where the server can, close. */
  writeNew(path: string, data: string): Promise<void>;
  mkdir(path: string): Promise<void>;
  unlink(path: string): Promise<void>;
  symlink(target: string, path: string): Promise<void>;
  /** rename(2) semantics: an existing target is replaced atomically. */
  rename(from: string, to: string): Promise<void>;
  /** Copy a local file to `remotePath` (created or truncated). */
  put(localPath: string, remotePath: string): Promise<void>;
  /** Bytes an unprivileged writer may still use on the file system holding `path`. */
  freeBytes(path: string): Promise<number>;
}
