/**
 * Which entries of a tarball may be restored: every one must land inside the
 * extraction root. Refused: absolute paths, `..` anywhere in a path, a
 * symlink whose target leads outside the root (resolved through the
 * archive's own symlinks, as the kernel would), a hard link to anything
 * outside, an entry written through a symlink, and anything but files,
 * directories and links (devices, FIFOs). Pure: the list in, the problems out.
 * node-tar checks most of this again while extracting; this is what lets the
 * plan say so before anything changes.
 */
import { posix } from 'node:path';

export interface ArchiveEntry {
  /** As the archive names it: `./agents/a.md`, `agents/`. */
  path: string;
  /** node-tar's type name: File, Directory, SymbolicLink, Link, ... */
  type: string;
  linkpath?: string;
}

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);
const DIR_TYPES = new Set(['Directory', 'GNUDumpDir']);
/** Symlinks followed per resolution before it counts as a loop (the kernel's own limit). */
const MAX_HOPS = 40;

/** An entry's path as parts below the root, or a problem with it. */
export function pathParts(raw: string): string[] | string {
  if (raw.startsWith('/')) return 'is an absolute path';
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) return 'climbs out with ".."';
  return parts;
}

export function entryProblems(entries: readonly ArchiveEntry[]): string[] {
  const links = new Map<string, string>();
  for (const entry of entries) {
    const parts = pathParts(entry.path);
    if (entry.type === 'SymbolicLink' && typeof parts !== 'string') links.set(parts.join('/'), entry.linkpath ?? '');
  }
  const problems: string[] = [];
  for (const entry of entries) {
    const problem = entryProblem(entry, links);
    if (problem !== undefined) problems.push(problem);
  }
  return problems;
}

function entryProblem(entry: ArchiveEntry, links: ReadonlyMap<string, string>): string | undefined {
  const shown = JSON.stringify(entry.path);
  const parts = pathParts(entry.path);
  if (typeof parts === 'string') return `entry ${shown} ${parts}`;
  if (parts.length === 0 && !DIR_TYPES.has(entry.type)) return `entry ${shown} would replace the root itself`;
  for (let depth = 1; depth < parts.length; depth += 1) {
    const through = parts.slice(0, depth).join('/');
    if (links.has(through)) return `entry ${shown} would be written through the symlink ${JSON.stringify(through)}`;
  }
  if (FILE_TYPES.has(entry.type) || DIR_TYPES.has(entry.type)) return undefined;
  const target = entry.linkpath ?? '';
  if (entry.type === 'SymbolicLink') {
    if (target === '' || target.startsWith('/')) return `symlink ${shown} points outside the root (-> ${target || 'nothing'})`;
    if (!resolvesInside(parts.slice(0, -1), target, links)) return `symlink ${shown} points outside the root (-> ${target})`;
    return undefined;
  }
  if (entry.type === 'Link') {
    // A hard link's target is named from the archive's root.
    const linked = pathParts(target);
    if (typeof linked === 'string' || linked.length === 0) return `hard link ${shown} points outside the root (-> ${target})`;
    return undefined;
  }
  return `entry ${shown} is a ${entry.type}: only files, directories and links are restored`;
}

/**
 * Does `target`, read from the dir `from`, stay inside the root? Each part is
 * applied in turn; a part that is one of the archive's symlinks is replaced
 * by its target, so `a -> .` then `b -> a/..` is caught as the kernel sees it.
 */
export function resolvesInside(from: readonly string[], target: string, links: ReadonlyMap<string, string>): boolean {
  const at = [...from];
  const pending = target.split('/');
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (at.length === 0) return false;
      at.pop();
      continue;
    }
    at.push(part);
    const link = links.get(at.join('/'));
    if (link === undefined) continue;
    hops += 1;
    if (hops > MAX_HOPS || link === '' || posix.isAbsolute(link)) return false;
    at.pop();
    pending.unshift(...link.split('/'));
  }
  return true;
}

/** One line for many problems: the first, and how many more. */
export function summarizeProblems(problems: readonly string[]): string {
  const [first, ...more] = problems;
  return more.length === 0 ? (first ?? '') : `${first} (and ${more.length} more)`;
}
