/**
 * `.rewind-release.json` is written last, after the export and every build
 * command succeeded. Its presence is what makes a release "intact": a dir
 * without it is a leftover of an interrupted build and is never switched to.
 */
import { join } from 'node:path';
import { commitTime } from '../../core/commitTime.js';
import { isSafeName } from '../../core/names.js';
import type { Files } from '../../core/ports.js';
import { MANIFEST_FILE, type Layout } from './layout.js';

export interface ReleaseManifest {
  version: string;
  sha: string | null;
  createdAt: string;
  /** Where it was made from, for people reading the disk. */
  source: string;
  /** Whether CHECKSUMS_FILE was written with it (older rewinds did not). */
  checksums?: boolean;
  /** The commit's time, when the source told it: a deploy that reuses the release still knows it. */
  committedAt?: string;
}

export function parseManifest(text: string, version: string): ReleaseManifest | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const record = data as Record<string, unknown>;
  if (record.version !== version) return undefined;
  const sha = typeof record.sha === 'string' && record.sha !== '' ? record.sha : null;
  const source = typeof record.source === 'string' ? record.source : '';
  // createdAt only orders releases for pruning, which falls back to the dir's mtime.
  const createdAt = typeof record.createdAt === 'string' ? record.createdAt : '';
  const committedAt = typeof record.committedAt === 'string' ? commitTime(record.committedAt) : null;
  return {
    version, sha, createdAt, source, ...(record.checksums === true ? { checksums: true } : {}), ...(committedAt ? { committedAt } : {}),
  };
}

export async function readManifest(files: Files, layout: Layout, version: string): Promise<ReleaseManifest | undefined> {
  let text: string | undefined;
  try {
    text = await files.readFile(layout.manifest(version));
  } catch {
    // A manifest that cannot be read (a directory, no permission) is not intact.
    return undefined;
  }
  return text === undefined ? undefined : parseManifest(text, version);
}

export async function writeManifest(files: Files, layout: Layout, manifest: ReleaseManifest): Promise<void> {
  await files.writeFileAtomic(layout.manifest(manifest.version), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** The version a manifest in any dir claims, for reporting a `current` that points somewhere odd. */
export async function peekVersion(files: Files, dir: string): Promise<string | null> {
  const text = await files.readFile(join(dir, MANIFEST_FILE)).catch(() => undefined);
  if (text === undefined) return null;
  try {
    const data = JSON.parse(text) as { version?: unknown };
    return typeof data.version === 'string' && isSafeName(data.version) ? data.version : null;
  } catch {
    return null;
  }
}
