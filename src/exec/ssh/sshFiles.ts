/**
 * The write guard of guardedFiles.ts on a remote host: the host's file
 * operations (SFTP, or commands on exec channels where the server has no
 * SFTP subsystem: remoteOps.ts) for files and links, two argv-only commands
 * (`rm -rf`, `cp -a`) for trees. Same semantics, same refusals; paths are
 * resolved by the server itself.
 */
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { RewindError } from '../../core/errors.js';
import type { Exec, FileStat, Files } from '../../core/ports.js';
import { isInsideRemote, remotePaths, type RemotePaths } from './remotePaths.js';
import { diskFull } from './diskFull.js';
import { isRemoteMissing, type RemoteFileOps } from './remoteOps.js';

export interface SshFiles extends Files {
  /** Copy a local file to `remotePath` (temp file + atomic rename), through the guard. */
  upload(localPath: string, remotePath: string): Promise<void>;
}

export interface SshFilesContext {
  label: string;
  /** The connection's file operations, whichever transport they use. */
  ops: () => Promise<RemoteFileOps>;
  exec: Exec;
}

export function createSshFiles(context: SshFilesContext, roots: readonly string[]): SshFiles {
  const { label, exec } = context;
  const session = async () => {
    const ops = await context.ops();
    return { ops, paths: remotePaths(ops) };
  };

  const fail = (action: string, path: string, error: unknown): never => {
    if (error instanceof RewindError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new RewindError('STEP_FAILED', `${label}: cannot ${action} ${path}: ${reason}`, { host: label, path }, { cause: error });
  };
  /** Run `action`, turning remote errors into one-line RewindErrors naming host and path. */
  const attempt = async <T>(action: string, path: string, body: () => Promise<T>): Promise<T> => {
    try {
      return await body();
    } catch (error) {
      return fail(action, path, error);
    }
  };
  /** `missing` when nothing is at the path, instead of an error. */
  const orMissing = async <T, M>(action: string, path: string, body: () => Promise<T>, missing: M): Promise<T | M> =>
    attempt(action, path, async () => {
      try {
        return await body();
      } catch (error) {
        if (isRemoteMissing(error)) return missing;
        throw error;
      }
    });

  const check = async (path: string, real: string, within?: RemotePaths): Promise<void> => {
    const paths = within ?? (await session()).paths;
    // Resolved on every check: a root may be created or replaced after the guard was made.
    const configured = await Promise.all(roots.map((root) => paths.absoluteRaw(root)));
    const allowed = await Promise.all(configured.map((root) => paths.realpathDeep(root)));
    if (allowed.some((root) => isInsideRemote(real, root))) return;
    const shown = real === path ? path : `${path} (really ${real})`;
    throw new RewindError(
      'WRITE_REFUSED',
      `${label}: refusing to write ${shown}: ` +
        `outside the write roots (${configured.length === 0 ? 'none configured' : configured.join(', ')})`,
      {
        host: label,
        path,
        resolved: real,
        roots: configured,
      },
    );
  };

  const assertWritable = (path: string): Promise<string> =>
    attempt('check', path, async () => {
      // One check's paths: the parent and the root, often the same directory, are resolved once.
      const { paths } = await session();
      const real = await paths.entryLocation(path);
      await check(path, real, paths);
      return real;
    });

  /** For writes that go through a final symlink instead of replacing it. */
  const assertWritableThrough = async (path: string): Promise<string> => {
    const real = await assertWritable(path);
    const destination = await attempt('check', path, async () => (await session()).paths.symlinkDestination(real));
    if (destination !== undefined) await check(path, destination);
    return real;
  };

  const run = async (action: string, path: string, argv: string[]): Promise<void> => {
    const result = await exec.run(argv);
    if (result.code !== 0) {
      const reason = result.stderr.trim().split('\n').pop() ?? '';
      throw new RewindError(
        'STEP_FAILED',
        `${label}: cannot ${action} ${path}: ${argv[0]} exited with ${result.code}${reason === '' ? '' : ` (${reason})`}`,
        { host: label, path, argv },
      );
    }
  };

  /** Temp file beside the target, then an atomic rename over it; the temp never outlives a failure. */
  const replaceAtomically = async (
    path: string,
    size: () => Promise<number>,
    write: (ops: RemoteFileOps, temp: string) => Promise<void>,
  ): Promise<void> => {
    const real = await assertWritable(path);
    const { ops } = await session();
    const temp = posix.join(posix.dirname(real), `.${posix.basename(real)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    await attempt('write', path, async () => {
      try {
        await write(ops, temp);
        await ops.rename(temp, real);
      } catch (error) {
        await ops.unlink(temp).catch(() => undefined);
        throw (await diskFull(ops, posix.dirname(real), size, error)) ?? error;
      }
    });
  };

  const mkdirp = async (ops: RemoteFileOps, dir: string): Promise<void> => {
    const found = await ops.stat(dir).catch((error: unknown) => {
      if (isRemoteMissing(error)) return undefined;
      throw error;
    });
    if (found !== undefined) {
      if (found.isDirectory()) return;
      throw new Error('it exists and is not a directory');
    }
    const parent = posix.dirname(dir);
    if (parent !== dir) await mkdirp(ops, parent);
    await ops.mkdir(dir).catch(async (error: unknown) => {
      // Made by someone else meanwhile: fine, as with mkdir -p.
      if (!(await ops.stat(dir).then((s) => s.isDirectory(), () => false))) throw error;
    });
  };

  const mkdir = async (path: string): Promise<void> => {
    const real = await assertWritable(path);
    await attempt('create directory', path, async () => mkdirp((await session()).ops, real));
  };

  return {
    assertWritable,

    async writeFile(path, data) {
      const real = await assertWritableThrough(path);
      await attempt('write', path, async () => (await session()).ops.writeFile(real, data));
    },

    writeFileAtomic: (path, data) =>
      replaceAtomically(path, async () => Buffer.byteLength(data), (ops, temp) => ops.writeNew(temp, data)),

    upload: (localPath, remotePath) =>
      replaceAtomically(remotePath, async () => (await stat(localPath)).size, (ops, temp) => ops.put(localPath, temp)),

    async appendFile(path, data) {
      const real = await assertWritableThrough(path);
      await attempt('append to', path, async () => (await session()).ops.appendFile(real, data));
    },

    mkdir,

    async remove(path) {
      const real = await assertWritable(path);
      const { ops } = await session();
      const found = await orMissing('remove', path, () => ops.lstat(real), undefined);
      if (found === undefined) return;
      // Removing a link must never reach what it points at.
      if (found.isSymbolicLink()) await attempt('remove', path, () => ops.unlink(real));
      else await run('remove', path, ['rm', '-rf', '--', real]);
    },

    async copyDir(from, to) {
      // A destination that is a symlink would be copied through, so judge where it leads too.
      const real = await assertWritableThrough(to);
      const { ops } = await session();
      // Merging into a populated tree could write through symlinks already in it.
      const existing = await orMissing('copy to', to, () => ops.readdir(real), []);
      if (existing.length > 0) {
        throw new RewindError('STEP_FAILED', `${label}: cannot copy ${from} to ${to}: the destination exists and is not empty`, {
          host: label,
          from,
          to,
        });
      }
      const parent = posix.dirname(real);
      if ((await orMissing('copy to', to, () => ops.stat(parent), undefined)) === undefined) await mkdir(parent);
      // `from/.` copies the contents whether or not the destination exists yet; -a keeps symlinks verbatim.
      await run('copy to', to, ['cp', '-a', '--', `${from.replace(/\/+$/, '')}/.`, real]);
    },

    async symlink(target, path) {
      const real = await assertWritable(path);
      await attempt('create symlink', path, async () => (await session()).ops.symlink(target, real));
    },

    async rename(from, to) {
      const realFrom = await assertWritable(from);
      const realTo = await assertWritable(to);
      await attempt('rename', `${from} to ${to}`, async () => (await session()).ops.rename(realFrom, realTo));
    },

    readFile: async (path) => orMissing('read', path, async () => (await session()).ops.readFile(path), undefined),

    readlink: async (path) => orMissing('read link', path, async () => (await session()).ops.readlink(path), undefined),

    exists: async (path) => orMissing('look at', path, async () => ((await session()).ops.lstat(path)).then(() => true), false),

    list: async (path) => orMissing('list', path, async () => ((await session()).ops.readdir(path)).then((names) => names.sort()), []),

    stat: async (path) =>
      orMissing('look at', path, async () => {
        const found = await (await session()).ops.lstat(path);
        const type: FileStat['type'] = found.isSymbolicLink() ? 'symlink' : found.isDirectory() ? 'dir' : found.isFile() ? 'file' : 'other';
        // SFTP v3 carries whole seconds only.
        return { type, mtimeMs: found.mtime * 1000 };
      }, undefined),

    realpath: async (path) =>
      orMissing('resolve', path, async () => {
        const { ops } = await session();
        // OpenSSH resolves a missing final name without complaint: make sure it is there.
        const resolved = await ops.realpath(path);
        await ops.stat(resolved);
        return resolved;
      }, undefined),
  };
}
