/**
 * Which directories rewind must never be told to write in, and the verdict on
 * one path a config names as a place rewind writes (a release path, a
 * checkout, state.dir, pipeline.dir). Pure: the caller resolves the path
 * (symlinks followed, on this machine) before asking.
 *
 * The list is for Linux (and works as well for the BSDs' layout), in two kinds:
 * - trees: the operating system's own programs, libraries, boot files and
 *   settings, and the kernel's virtual filesystems. Neither the directory nor
 *   anything under it: a deploy has no business in /etc/nginx or /usr/lib.
 *   (On merged-/usr systems /bin, /lib and /sbin are links into /usr; the
 *   resolved path lands in /usr and is refused there.) /usr/local is part of
 *   /usr here: apps belong under /srv or /opt.
 * - shared: directories that hold everybody's things. A directory of one's own
 *   under them is what they are for (/srv/shop, /home/deploy/app, /tmp/x), but
 *   the directory itself is not: pruning releases or a checkout there would
 *   touch what belongs to others.
 * The home directory of the user running rewind counts as shared too, on this
 * machine; a remote host's is not known here.
 */
import { posix } from 'node:path';

export const SYSTEM_TREES: readonly string[] = [
  '/bin', '/boot', '/dev', '/etc', '/lib', '/lib32', '/lib64', '/libx32', '/proc', '/run', '/sbin', '/sys', '/usr',
];

export const SHARED_DIRS: readonly string[] = [
  '/', '/home', '/root', '/opt', '/srv', '/var', '/var/lib', '/var/www', '/var/opt', '/tmp', '/var/tmp', '/mnt', '/media', '/snap',
];

/** One path rewind would write under, as the rules need to see it. */
export interface WritePath {
  /** As written in rewind.yaml, for the message. */
  given: string;
  /** Absolute, `..` applied; on this machine with symlinks followed. */
  path: string;
  /** What would be fine instead: `a directory of its own, such as /srv/shop`. */
  expected: string;
}

/** What only this machine knows; absent for a remote host, where only the system directories are checked. */
export interface LocalFacts {
  /** The home directory of the user running rewind. */
  home?: string;
  /** The directory of rewind.yaml (resolved): neither it nor any parent is a place to write. */
  configDir?: string;
  /** state.dir (resolved), for paths that must not hold it (a release path pruning around it). */
  stateDir?: string;
}

/** Why rewind must not write under `target`, as the rest of a config error line; undefined when it may. */
export function writePathProblem(target: WritePath, local?: LocalFacts): string | undefined {
  const path = posix.normalize(target.path).replace(/(.)\/+$/, '$1');
  const shown = JSON.stringify(target.given) + (samePath(target.given, path) ? '' : ` (${path})`);
  const refuse = (what: string): string => `${shown} ${what}; expected ${target.expected}`;
  if (path === '/') return refuse('is the root directory');
  const tree = SYSTEM_TREES.find((dir) => isInside(path, dir));
  if (tree !== undefined) return refuse(path === tree ? 'is a system directory' : `is under ${tree}, a system directory`);
  if (SHARED_DIRS.includes(path)) return refuse('is a directory shared by the whole machine, not one of its own');
  if (local?.home !== undefined && path === posix.normalize(local.home)) return refuse('is the home directory itself');
  if (local?.configDir !== undefined && isInside(local.configDir, path)) {
    return refuse(path === local.configDir ? 'is the directory of rewind.yaml' : `holds the directory of rewind.yaml (${local.configDir})`);
  }
  if (local?.stateDir !== undefined && isInside(local.stateDir, path)) {
    return refuse(path === local.stateDir ? 'is state.dir' : `holds state.dir (${local.stateDir})`);
  }
  return undefined;
}

/** `path` is `dir` or somewhere under it. */
export function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`);
}

/** Whether showing the resolved path would add nothing: `/srv/shop` and `/srv/shop/`. */
function samePath(given: string, path: string): boolean {
  return given === path || given.replace(/\/+$/, '') === path;
}
