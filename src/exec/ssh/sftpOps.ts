/**
 * The remote file operations (remoteOps.ts) over ssh2's callback SFTP, as
 * promises. ssh2's errors carry the server's status code, which is what
 * isRemoteMissing and isRemoteFailure read.
 */
import type { SFTPWrapper, Stats } from 'ssh2';
import type { RemoteFileOps } from './remoteOps.js';

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

export function sftpOps(sftp: SFTPWrapper): RemoteFileOps {
  return {
    transport: 'sftp',
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
    put: (localPath, remotePath) => call<void>((done) => sftp.fastPut(localPath, remotePath, (error) => done(error, undefined))),
    freeBytes: async (path) => {
      const fs = await call<{ f_bavail: number | bigint; f_frsize: number | bigint }>((done) => sftp.ext_openssh_statvfs(path, done));
      return Number(fs.f_bavail) * Number(fs.f_frsize);
    },
  };
}
