/**
 * Is a version's tarball fit to restore? Its sha256 must equal the one
 * recorded, and every entry must land inside the extraction root. Read-only:
 * the verdict comes before anything changes, and says what is wrong and how
 * to recover in one line.
 */
import type { Files } from '../../core/ports.js';
import { shortSha, type RecordedArchive } from './artifact.js';
import { entryProblems, summarizeProblems, type ArchiveEntry } from './entries.js';
import { listEntries, tarSaid } from './scan.js';
import { sha256File } from './sha.js';

export type Integrity =
  | { ok: true; entries: ArchiveEntry[] }
  | { ok: false; why: 'missing' | 'altered' | 'unreadable' | 'unsafe'; message: string };

export async function checkArchive(files: Files, version: string, recorded: RecordedArchive, root: string): Promise<Integrity> {
  const { tarball, sha256 } = recorded;
  const found = await files.stat(tarball);
  const recover = `put back the tarball recorded for ${version} (\`sha256sum\` must print ${sha256}), ` +
    'or choose another target with --target-version';
  if (found === undefined || found.type !== 'file') {
    return { ok: false, why: 'missing', message: `${tarball} is missing from the store: ${version} cannot be restored; ${recover}` };
  }
  const actual = await sha256File(tarball);
  if (actual !== sha256) {
    return {
      ok: false,
      why: 'altered',
      message: `${tarball} was altered since ${version} was recorded: its sha256 is ${shortSha(actual)}..., ` +
        `the ledger recorded ${shortSha(sha256)}...; ${recover}`,
    };
  }
  let entries: ArchiveEntry[];
  try {
    entries = await listEntries(tarball);
  } catch (error) {
    return { ok: false, why: 'unreadable', message: `${tarball} cannot be read as a .tar.gz (${tarSaid(error)}); ${recover}` };
  }
  const problems = entryProblems(entries);
  if (problems.length > 0) {
    return {
      ok: false,
      why: 'unsafe',
      message: `${tarball} would write outside ${root}: ${summarizeProblems(problems)}; it is never unpacked: ${recover}`,
    };
  }
  return { ok: true, entries };
}
