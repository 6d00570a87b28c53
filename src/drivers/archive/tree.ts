/**
 * Walking a directory tree on this machine, in a stable order (byte order of
 * the paths), without following symlinks: the one walk behind what a deploy
 * packs, what a backup packs and the manifest of a backup.
 */
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';

export interface TreeEntry {
  /** From the root, `/`-separated: `agents/a.md`. */
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'other';
  size: number;
  /** A symlink's target, as written. */
  target?: string;
}

/** Every entry under `root` (not the root itself); `skip` leaves an entry out, and a dir's whole subtree with it. */
export async function walkTree(root: string, skip: (path: string, name: string) => boolean = () => false): Promise<TreeEntry[]> {
  const found: TreeEntry[] = [];
  const visit = async (rel: string): Promise<void> => {
    const names = (await readdir(rel === '' ? root : join(root, rel))).sort(byBytes);
    for (const name of names) {
      const path = rel === '' ? name : `${rel}/${name}`;
      if (skip(path, name)) continue;
      const stat = await lstat(join(root, path));
      const type = stat.isSymbolicLink() ? 'symlink' : stat.isDirectory() ? 'dir' : stat.isFile() ? 'file' : 'other';
      const entry: TreeEntry = { path, type, size: type === 'file' ? stat.size : 0 };
      if (type === 'symlink') entry.target = await readlink(join(root, path));
      found.push(entry);
      if (type === 'dir') await visit(path);
    }
  };
  await visit('');
  return found;
}

function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
