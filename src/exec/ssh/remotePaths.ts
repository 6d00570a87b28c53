/**
 * realPaths.ts for a remote host: where a path really lands, resolved by the
 * server (its realpath follows symlinks and applies `..` after them, as the
 * kernel does), never by string surgery on this side.
 */
import { posix } from 'node:path';
import { isRemoteMissing, type RemoteFileOps } from './remoteOps.js';

export interface RemotePaths {
  /** Absolute WITHOUT normalising; relative paths are taken from the login directory, as ssh(1) does. */
  absoluteRaw(path: string): Promise<string>;
  /** Real path of the deepest existing ancestor, plus the not-yet-existing rest. */
  realpathDeep(path: string): Promise<string>;
  /** Parent resolved, final name kept: where a write would create, replace or remove an entry. */
  entryLocation(path: string): Promise<string>;
  /** Where writing through `location` ends up when it is a symlink; undefined otherwise. */
  symlinkDestination(location: string): Promise<string | undefined>;
}

/**
 * Each realpath it asks for is kept for as long as this object lives: one
 * check, whose parent and root are often the same directory. Make a new one
 * per check: a root may be replaced between checks.
 */
export function remotePaths(ops: RemoteFileOps): RemotePaths {
  let home: Promise<string> | undefined;
  const resolved = new Map<string, Promise<string>>();
  const realpath = (path: string): Promise<string> => {
    let found = resolved.get(path);
    if (found === undefined) {
      found = ops.realpath(path);
      resolved.set(path, found);
    }
    return found;
  };

  const absoluteRaw = async (path: string): Promise<string> => {
    let absolute = path;
    if (!path.startsWith('/')) {
      home ??= realpath('.');
      absolute = `${await home}/${path}`;
    }
    // A trailing slash would make the server follow a final symlink; judge the stripped path.
    const stripped = absolute.replace(/\/+$/, '');
    return stripped === '' ? '/' : stripped;
  };

  const realpathDeep = async (path: string): Promise<string> => {
    try {
      return await realpath(path);
    } catch (error) {
      if (!isRemoteMissing(error)) throw error;
    }
    const parent = posix.dirname(path);
    if (parent === path) return path;
    return posix.join(await realpathDeep(parent), posix.basename(path));
  };

  const entryLocation = async (path: string): Promise<string> => {
    const absolute = await absoluteRaw(path);
    const name = posix.basename(absolute);
    if (name === '' || name === '.' || name === '..') return realpathDeep(absolute);
    return posix.join(await realpathDeep(posix.dirname(absolute)), name);
  };

  const symlinkDestination = async (location: string): Promise<string | undefined> => {
    let current = location;
    for (let hops = 0; hops < 40; hops += 1) {
      let isLink: boolean;
      try {
        isLink = (await ops.lstat(current)).isSymbolicLink();
      } catch (error) {
        if (!isRemoteMissing(error)) throw error;
        return hops === 0 ? undefined : realpathDeep(current);
      }
      if (!isLink) return hops === 0 ? undefined : realpath(current);
      const target = await ops.readlink(current);
      current = await entryLocation(target.startsWith('/') ? target : `${posix.dirname(current)}/${target}`);
    }
    // A loop: writing through it fails anyway; judge the last hop.
    return current;
  };

  return { absoluteRaw, realpathDeep, entryLocation, symlinkDestination };
}

export function isInsideRemote(path: string, root: string): boolean {
  if (path === root) return true;
  const prefix = root.endsWith('/') ? root : `${root}/`;
  return path.startsWith(prefix);
}
