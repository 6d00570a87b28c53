/**
 * ssh2's callback SFTP as promises, with the one distinction every caller
 * needs: "nothing is there" (SSH_FX_NO_SUCH_FILE, which OpenSSH also sends
 * for ENOTDIR) versus a real failure.
 */
import type { SFTPWrapper, Stats } from 'ssh2';

/** SSH_FX_NO_SUCH_FILE. */
const NO_SUCH_FILE = 2;
/** SSH_FX_FAILURE: all SFTP v3 says about ENOSPC, EIO, EROFS and the like. */
const FAILURE = 4;

export function isRemoteFailure(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === FAILURE;
}

export function isRemoteMissing(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === NO_SUCH_FILE;
}

type Done<T> = (error: Error | null | undefined, value: T) => void;

function call<T>(start: (done: Done<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    try {
      start((error, value) => (error ? reject(error) : resolve(value)));
    } catch (error) {
      // ssh2 throws synchronously for an unsupported extension or a closed session.
      reject(error);
    }
  });
}

export interface SftpOps {
  realpath(path: string): Promise<string>;
  lstat(path: string): Promise<Stats>;
  stat(path: string): Promise<Stats>;
  readlink(path: string): Promise<string>;
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
  fastPut(localPath: string, remotePath: string): Promise<void>;
  /** Bytes an unprivileged writer may still use on the file system holding `path` (statvfs@openssh.com). */
  freeBytes(path: string): Promise<number>;
}

export function sftpOps(sftp: SFTPWrapper): SftpOps {
  return {
    realpath: (path) => call<string>((done) => sftp.realpath(path, done)),
    lstat: (path) => call<Stats>((done) => sftp.lstat(path, done)),
    stat: (path) => call<Stats>((done) => sftp.stat(path, done)),
    readlink: (path) => call<string>((done) => sftp.readlink(path, done)),
    readdir: async (path) => {
      const entries = await call<Array<{ filename: string }>>((done) => sftp.readdir(path, done));
      return entries.map((entry) => entry.filename).filter((name) => name !== '.' && name !== '..');
    },
    readFile: async (path) => (await call<Buffer>((done) => sftp.readFile(path, done))).toString('utf8'),
    writeFile: (path, data) => call<void>((done) => sftp.writeFile(path, data, (error) => done(error, undefined))),
    appendFile: (path, data) => call<void>((done) => sftp.appendFile(path, data, (error) => done(error, undefined))),
    async writeNew(path, data) {
      const handle = await call<Buffer>((done) => sftp.open(path, 'wx', done));
      try {
        const bytes = Buffer.from(data, 'utf8');
        if (bytes.length > 0) await call<void>((done) => sftp.write(handle, bytes, 0, bytes.length, 0, (error) => done(error, undefined)));
        // Durable before it becomes visible; a server without fsync@openssh.com still gets the write.
        await call<void>((done) => sftp.ext_openssh_fsync(handle, (error) => done(error, undefined))).catch(() => undefined);
      } finally {
        await call<void>((done) => sftp.close(handle, (error) => done(error, undefined)));
      }
    },
    mkdir: (path) => call<void>((done) => sftp.mkdir(path, (error) => done(error, undefined))),
    unlink: (path) => call<void>((done) => sftp.unlink(path, (error) => done(error, undefined))),
    symlink: (target, path) => call<void>((done) => sftp.symlink(target, path, (error) => done(error, undefined))),
    // Plain SFTP rename refuses an existing target; `current` is switched by renaming over it.
    rename: (from, to) => call<void>((done) => sftp.ext_openssh_rename(from, to, (error) => done(error, undefined))),
    fastPut: (localPath, remotePath) => call<void>((done) => sftp.fastPut(localPath, remotePath, (error) => done(error, undefined))),
    freeBytes: async (path) => {
      const fs = await call<{ f_bavail: number | bigint; f_frsize: number | bigint }>((done) => sftp.ext_openssh_statvfs(path, done));
      return Number(fs.f_bavail) * Number(fs.f_frsize);
    },
  };
}
