/**
 * The manifest of a backup, for the post-mortem: every entry of the tree,
 * sorted by path, one per line, tab-separated: `path  sha256  size` for a
 * file, `path  symlink:<target>  -` for a link, `path/  dir  -` for a dir.
 */
import { join } from 'node:path';
import { sha256File } from './sha.js';
import { walkTree } from './tree.js';

export async function manifestOf(root: string): Promise<{ text: string; files: number }> {
  const lines: string[] = [];
  let files = 0;
  for (const entry of await walkTree(root)) {
    if (entry.type === 'file') {
      lines.push(`${entry.path}\t${await sha256File(join(root, entry.path))}\t${entry.size}`);
      files += 1;
    } else if (entry.type === 'symlink') lines.push(`${entry.path}\tsymlink:${entry.target ?? ''}\t-`);
    else if (entry.type === 'dir') lines.push(`${entry.path}/\tdir\t-`);
    else lines.push(`${entry.path}\tother\t-`);
  }
  return { text: lines.length === 0 ? '' : `${lines.join('\n')}\n`, files };
}
