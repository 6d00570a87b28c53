/**
 * What a deploy packs from its source: `include` and `exclude`, kept simple.
 *
 * - `exclude`: a pattern without `/` matches an entry's name at any depth
 *   (`.git`, `node_modules`, `*.log`); one with `/` matches its path from the
 *   source root (`config/local.yaml`, `build/**`). An excluded dir is not
 *   walked.
 * - `include` (default: everything): a pattern matches a path from the source
 *   root, and a matched dir brings everything under it (`agents`,
 *   `templates/*.md`, `**\/*.yaml`). The dirs on the way to what is included
 *   are packed too, with nothing else in them.
 *
 * `*` and `?` stay within one path part; `**` spans any number of them.
 * The driver's own marker file is never packed from a source.
 */
import { RewindError } from '../../core/errors.js';
import { MARKER_FILE } from './layout.js';
import { walkTree, type TreeEntry } from './tree.js';

export interface Selection {
  include: readonly string[];
  exclude: readonly string[];
}

export async function selectEntries(root: string, selection: Selection): Promise<TreeEntry[]> {
  const exclude = selection.exclude.map((p) => ({ byName: !stripSlash(p).includes('/'), regex: globRegex(stripSlash(p)) }));
  const include = selection.include.map((p) => globRegex(stripSlash(p)));
  const walked = await walkTree(root, (path, name) =>
    path === MARKER_FILE || exclude.some((e) => e.regex.test(e.byName ? name : path)));
  const odd = walked.find((e) => e.type === 'other');
  if (odd) {
    throw new RewindError('BUILD_FAILED', `${root}/${odd.path} is not a file, directory or symlink (a socket, FIFO or device): ` +
      'leave it out with archive.exclude', { path: odd.path });
  }
  if (include.length === 0) return walked;
  const included = (path: string) => ancestry(path).some((p) => include.some((r) => r.test(p)));
  const picked = new Set(walked.filter((e) => included(e.path)).map((e) => e.path));
  // The dirs leading to what is included, so the tree unpacks with their modes.
  for (const path of [...picked]) for (const parent of ancestry(path).slice(0, -1)) picked.add(parent);
  return walked.filter((e) => picked.has(e.path));
}

/** `a/b/c` -> `a`, `a/b`, `a/b/c`. */
function ancestry(path: string): string[] {
  const parts = path.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

function stripSlash(pattern: string): string {
  return pattern.replace(/^\.\//, '').replace(/\/+$/, '');
}

export function globRegex(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i] as string;
    if (c === '*' && pattern[i + 1] === '*') {
      // `**/` also matches no parts at all: `**/x.yaml` matches `x.yaml`.
      if (pattern[i + 2] === '/') {
        out += '(?:.*/)?';
        i += 2;
      } else {
        out += '.*';
        i += 1;
      }
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}
