/**
 * Where a path really lands, the way the kernel will resolve it when it is
 * written: symlinks in the directories followed, `..` applied after them.
 */
import { lstat, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, sep } from 'node:path';

/** Make absolute WITHOUT normalising: `link/..` must be resolved by the kernel, not by string surgery. */
export function absoluteRaw(path: string): string {
  const absolute = isAbsolute(path) ? path : `${process.cwd()}${sep}${path}`;
  // A trailing slash would make the kernel follow a final symlink; the
  // operations act on the stripped path instead, so judge that.
  const stripped = absolute.replace(/\/+$/, '');
  return stripped === '' ? '/' : stripped;
}

/** Real path of the deepest existing ancestor, plus the not-yet-existing rest. */
export async function realpathDeep(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  const parent = dirname(path);
  if (parent === path) return path;
  return join(await realpathDeep(parent), basename(path));
}

/**
 * The real location of the entry a write would create, replace or remove:
 * the parent fully resolved, the final name kept as it is (not followed), so
 * swapping or deleting a symlink is judged by where the link itself lives.
 */
export async function entryLocation(path: string): Promise<string> {
  const absolute = absoluteRaw(path);
  const name = basename(absolute);
  if (name === '' || name === '.' || name === '..') return realpathDeep(absolute);
  return join(await realpathDeep(dirname(absolute)), name);
}

/** Where writing through `location` ends up when it is a symlink (dangling ones included); undefined otherwise. */
export async function symlinkDestination(location: string): Promise<string | undefined> {
  let current = location;
  for (let hops = 0; hops < 40; hops += 1) {
    let isLink: boolean;
    try {
      isLink = (await lstat(current)).isSymbolicLink();
    } catch (error) {
      if (!isMissing(error)) throw error;
      return hops === 0 ? undefined : realpathDeep(current);
    }
    if (!isLink) return hops === 0 ? undefined : realpath(current);
    const target = await readlink(current);
    current = await entryLocation(isAbsolute(target) ? target : `${dirname(current)}${sep}${target}`);
  }
  // A loop: writing through it fails anyway; judge the last hop.
  return current;
}

export function isInside(path: string, root: string): boolean {
  if (path === root) return true;
  const prefix = root.endsWith(sep) ? root : `${root}${sep}`;
  return path.startsWith(prefix);
}

export function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
