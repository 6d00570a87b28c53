/**
 * Unpacking a checked tarball into a new dir (a version's staging dir). The
 * entries were checked before (entries.ts); node-tar runs with its own
 * protections on (no absolute paths, no `..`, nothing through a symlink) and
 * strict, so anything it would only warn about fails the unpack. An entry it
 * meets that the check did not see (the file changed since) stops it too.
 * On any failure the dir is removed: nothing half-unpacked is left.
 */
import * as tar from 'tar';
import { RewindError, type ErrorCode } from '../../core/errors.js';
import type { Files } from '../../core/ports.js';
import type { ArchiveEntry } from './entries.js';
import { tarSaid } from './scan.js';

export async function extractInto(
  files: Files, file: string, dest: string, checked: readonly ArchiveEntry[], code: ErrorCode = 'STEP_FAILED',
): Promise<void> {
  // node-tar writes the files itself, so the guard is asked about the one dir it writes under first.
  const real = await files.assertWritable(dest);
  if (await files.exists(dest)) throw new RewindError('INTERNAL', `${dest} exists: a version is unpacked into a new dir only`);
  await files.mkdir(dest);
  const known = new Set(checked.map(entryKey));
  let unexpected: string | undefined;
  try {
    await tar.x({
      file,
      cwd: real,
      strict: true,
      preservePaths: false,
      preserveOwner: false,
      filter: (path, entry) => {
        const seen = 'type' in entry ? entryKey({ path: entry.path, type: entry.type, linkpath: entry.linkpath }) : '';
        if (known.has(seen)) return true;
        unexpected ??= path;
        return false;
      },
    });
    if (unexpected !== undefined) throw new Error(`entry ${JSON.stringify(unexpected)} was not in the archive when it was checked`);
  } catch (error) {
    await files.remove(dest).catch(() => undefined);
    throw new RewindError(code, `${file} could not be unpacked into ${dest}: ${tarSaid(error)}`, { file, dest }, { cause: error });
  }
}

function entryKey(entry: ArchiveEntry): string {
  return `${entry.type}\u0000${entry.path}\u0000${entry.linkpath ?? ''}`;
}
