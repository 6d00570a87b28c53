/**
 * The marker in the live dir (`.rewind-archive.json`): which version it
 * holds and from which tarball. It is written into the staging dir before
 * the swap, so it moves with the content: the live dir, `.previous` and a
 * staged version each say what they are, whenever a run is stopped.
 */
import { join } from 'node:path';
import { isSafeName } from '../../core/names.js';
import type { Files } from '../../core/ports.js';
import { MARKER_FILE } from './layout.js';

export interface Marker {
  version: string;
  /** As recorded on the release: `<tarball> sha256:<hex>`. */
  artifact: string;
  staged_at: string;
}

/** The marker of `dir`; undefined when it has none, 'invalid' when it cannot be read as one. */
export async function readMarker(files: Files, dir: string): Promise<Marker | 'invalid' | undefined> {
  const text = await files.readFile(join(dir, MARKER_FILE));
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as Partial<Marker>;
    if (typeof parsed.version === 'string' && isSafeName(parsed.version) && typeof parsed.artifact === 'string') {
      return { version: parsed.version, artifact: parsed.artifact, staged_at: String(parsed.staged_at ?? '') };
    }
  } catch {
    // Not JSON: said as 'invalid' below.
  }
  return 'invalid';
}

export async function writeMarker(files: Files, dir: string, marker: Marker): Promise<void> {
  await files.writeFileAtomic(join(dir, MARKER_FILE), `${JSON.stringify(marker, null, 2)}\n`);
}

/** The marker when it names a version, else undefined. */
export function validMarker(found: Marker | 'invalid' | undefined): Marker | undefined {
  return found === 'invalid' ? undefined : found;
}
