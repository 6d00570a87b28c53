/**
 * Where things live under a releases path: releases/<version>/, shared/ and
 * the symlink `current`, whose target is kept relative (`releases/<version>`)
 * so the whole tree can be moved or mounted elsewhere and still work.
 */
import { join } from 'node:path';

export const MANIFEST_FILE = '.rewind-release.json';
export const REVISION_FILE = 'REVISION';

export interface Layout {
  root: string;
  releasesDir: string;
  sharedDir: string;
  current: string;
  releaseDir(version: string): string;
  manifest(version: string): string;
  /** The relative link target `current` gets for a version. */
  linkTarget(version: string): string;
  /** Marks a release being built, so a concurrent prune leaves it alone. Versions never start with '.', so it cannot clash. */
  buildingMarker(version: string): string;
}

/** `current`; a blue/green slot has a link of its own beside it: `current-blue`, `current-green`. */
export function layoutOf(root: string, currentName = 'current'): Layout {
  const releasesDir = join(root, 'releases');
  return {
    root,
    releasesDir,
    sharedDir: join(root, 'shared'),
    current: join(root, currentName),
    releaseDir: (version) => join(releasesDir, version),
    manifest: (version) => join(releasesDir, version, MANIFEST_FILE),
    linkTarget: (version) => `releases/${version}`,
    buildingMarker: (version) => join(releasesDir, `.${version}.building`),
  };
}

/** A name for a temporary entry beside `path`, unique across processes. */
export function tempName(path: string, random: string): string {
  return `${path}.tmp-${process.pid}-${random}`;
}
