/**
 * The write guard: every file rewind changes goes through here, and nothing
 * outside the configured roots can be written, whatever symlinks or `..` a
 * path holds. Each operation acts on the real location it checked.
 */
import { randomBytes } from 'node:crypto';
import {
  cp,
  lstat,
  mkdir,
  open,
  readdir,
  readFile,
  readlink,
  realpath,
  rename,
  rm,
  symlink,
  unlink,
  appendFile,
  writeFile,
} from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { RewindError } from '../core/errors.js';
import type { Files } from '../core/ports.js';
import { entryLocation, isInside, isMissing, realpathDeep, symlinkDestination } from './realPaths.js';

export function createGuardedFiles(roots: readonly string[]): Files {
  const configured = roots.map((root) => resolve(root));

  // Roots are resolved on every check: one may be created (or replaced by a
  // symlink) after the guard was made.
  const realRoots = (): Promise<string[]> => Promise.all(configured.map((root) => realpathDeep(root)));

  const refuse = (path: string, real: string): never => {
    const shown = real === path ? path : `${path} (really ${real})`;
    const allowed = configured.length === 0 ? 'none configured' : configured.join(', ');
    throw new RewindError('WRITE_REFUSED', `refusing to write ${shown}: outside the write roots (${allowed})`, {
      path,
      resolved: real,
      roots: configured,
    });
  };

  const check = async (path: string, real: string): Promise<void> => {
    const allowed = await realRoots();
    if (!allowed.some((root) => isInside(real, root))) refuse(path, real);
  };

  const assertWritable = async (path: string): Promise<string> => {
    const real = await entryLocation(path);
    await check(path, real);
    return real;
  };

  /** For writes that go through a final symlink instead of replacing it. */
  const assertWritableThrough = async (path: string): Promise<string> => {
    const real = await assertWritable(path);
    const destination = await symlinkDestination(real);
    if (destination !== undefined) await check(path, destination);
    return real;
  };

  return {
    assertWritable,

    async writeFile(path, data) {
      await writeFile(await assertWritableThrough(path), data);
    },

    async writeFileAtomic(path, data) {
      const real = await assertWritable(path);
      const temp = join(dirname(real), `.${basename(real)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
      try {
        const handle = await open(temp, 'wx');
        try {
          await handle.writeFile(data);
          // Durable before it becomes visible: a crash must not leave an empty file behind the name.
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temp, real);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },

    async appendFile(path, data) {
      await appendFile(await assertWritableThrough(path), data);
    },

    async mkdir(path) {
      await mkdir(await assertWritable(path), { recursive: true });
    },

    async remove(path) {
      const real = await assertWritable(path);
      let isLink: boolean;
      try {
        isLink = (await lstat(real)).isSymbolicLink();
      } catch (error) {
        if (isMissing(error)) return;
        throw error;
      }
      // Removing a link must never reach what it points at.
      if (isLink) await unlink(real);
      else await rm(real, { recursive: true, force: true });
    },

    async copyDir(from, to) {
      // A destination that is a symlink would be copied through, so judge where it leads too.
      const real = await assertWritableThrough(to);
      // Merging into a populated tree could write through symlinks already in it.
      const existing = await readdir(real).catch((error: unknown) => {
        if (isMissing(error)) return [];
        throw error;
      });
      if (existing.length > 0) {
        throw new RewindError('STEP_FAILED', `cannot copy ${from} to ${to}: the destination exists and is not empty`, { from, to });
      }
      await cp(from, real, { recursive: true, verbatimSymlinks: true, errorOnExist: true, force: false });
    },

    async symlink(target, path) {
      await symlink(target, await assertWritable(path));
    },

    async rename(from, to) {
      const realFrom = await assertWritable(from);
      const realTo = await assertWritable(to);
      await rename(realFrom, realTo);
    },

    async readFile(path) {
      try {
        return await readFile(path, 'utf8');
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },

    async readlink(path) {
      try {
        return await readlink(path);
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },

    async exists(path) {
      try {
        await lstat(path);
        return true;
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
    },

    async list(dir) {
      try {
        return (await readdir(dir)).sort();
      } catch (error) {
        if (isMissing(error)) return [];
        throw error;
      }
    },

    async stat(path) {
      try {
        const found = await lstat(path);
        const type = found.isSymbolicLink() ? 'symlink' : found.isDirectory() ? 'dir' : found.isFile() ? 'file' : 'other';
        return { type, mtimeMs: found.mtimeMs };
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },

    async realpath(path) {
      try {
        return await realpath(path);
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
  };
}
