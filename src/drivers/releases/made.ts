/**
 * The releases on this host that rewind made: every releases/<version>/ dir
 * whose manifest is there and names that version. rewind writes the manifest
 * last, after a build succeeded, and nothing else writes that file name, so
 * it is rewind's own record of the release, kept on the target: what a lost
 * ledger is noticed and rebuilt from. Read-only.
 */
import type { MadeRelease, MadeReleases } from '../../core/driver.js';
import { isSafeName } from '../../core/names.js';
import type { Files } from '../../core/ports.js';
import type { Layout } from './layout.js';
import { readManifest } from './manifest.js';

export async function madeReleases(files: Files, layout: Layout): Promise<MadeReleases> {
  const releases: MadeRelease[] = [];
  for (const name of await files.list(layout.releasesDir)) {
    if (!isSafeName(name) || (await files.stat(layout.releaseDir(name)))?.type !== 'dir') continue;
    const manifest = await readManifest(files, layout, name);
    if (manifest === undefined) continue;
    releases.push({ version: name, sha: manifest.sha, madeAt: manifest.createdAt || null, artifact: layout.releaseDir(name) });
  }
  return { where: layout.releasesDir, releases };
}
