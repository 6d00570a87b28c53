/**
 * Shared entries (.env, uploads) live once in shared/ and are linked into
 * every release, so data survives switching versions. The first release
 * that ships an entry seeds shared/ with its copy.
 */
import { posix, dirname, join, relative } from 'node:path';
import { RewindError } from '../../core/errors.js';
import type { Files } from '../../core/ports.js';
import type { Layout } from './layout.js';

/** A shared entry as a clean relative path, or a config error naming it. */
export function checkSharedEntry(entry: string): string {
  const cleaned = posix.normalize(entry).replace(/\/+$/, '');
  const parts = cleaned.split('/');
  if (entry.trim() === '' || posix.isAbsolute(cleaned) || cleaned === '.' || parts.includes('..') || entry.split('/').includes('..')) {
    throw new RewindError(
      'CONFIG_INVALID',
      `releases.shared entry ${JSON.stringify(entry)} is not allowed: ` +
        `expected a relative path inside the release without '..', such as ".env" or "public/uploads"`,
      { field: 'releases.shared', entry },
    );
  }
  return cleaned;
}

export async function linkShared(files: Files, layout: Layout, releaseDir: string, entries: readonly string[]): Promise<void> {
  for (const entry of entries) {
    const shared = join(layout.sharedDir, entry);
    const inRelease = join(releaseDir, entry);
    await files.mkdir(dirname(shared));
    await files.mkdir(dirname(inRelease));
    if (await files.exists(shared)) {
      await files.remove(inRelease);
    } else if (await files.exists(inRelease)) {
      await files.rename(inRelease, shared);
    } else {
      await files.mkdir(shared);
    }
    // Relative, like `current`, so the tree still works when moved.
    await files.symlink(relative(dirname(inRelease), shared), inRelease);
  }
}
