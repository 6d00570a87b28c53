/**
 * Reading a tarball's entries without writing anything (node-tar's list, strict:
 * a truncated or corrupt archive is an error, not a shorter list).
 */
import * as tar from 'tar';
import type { ArchiveEntry } from './entries.js';

export async function listEntries(file: string): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = [];
  await tar.t({
    file,
    strict: true,
    onReadEntry: (entry) => {
      entries.push({ path: entry.path, type: entry.type, ...(entry.linkpath ? { linkpath: entry.linkpath } : {}) });
    },
  });
  return entries;
}

/** What the archive library said, as the end of one line. */
export function tarSaid(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.trim() || 'no reason given';
}
