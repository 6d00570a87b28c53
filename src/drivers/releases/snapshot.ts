/**
 * What the releases driver keeps of the live release before a rollback
 * leaves it, for the post-mortem: where `current` pointed, the release's
 * manifest (version, sha, when and from what it was made) and the checksums
 * it was made with, so that whoever investigates can run `sha256sum -c` on
 * the host and see whether a file was changed after the release was made.
 * Only reads on the host: cheap enough to run before every rollback.
 */
import { join } from 'node:path';
import type { Files } from '../../core/ports.js';
import { CHECKSUMS_FILE } from './checksum.js';
import { currentTarget, versionInReleases } from './current.js';
import { MANIFEST_FILE, type Layout } from './layout.js';

export async function snapshotLive(hostFiles: Files, layout: Layout, localFiles: Files, dir: string): Promise<string[]> {
  const target = await currentTarget(hostFiles, layout);
  const version = target === '' ? null : await versionInReleases(hostFiles, layout, target);
  const read = (name: string) =>
    target === '' ? Promise.resolve(undefined) : hostFiles.readFile(join(target, name)).catch(() => undefined);
  const [manifest, checksums] = await Promise.all([read(MANIFEST_FILE), read(CHECKSUMS_FILE)]);
  await localFiles.mkdir(dir);
  const written: string[] = [];
  const summary = {
    current: target === '' ? null : target,
    version,
    manifest: manifest === undefined ? null : parsedOrText(manifest),
    checksums: checksums === undefined ? null : { file: CHECKSUMS_FILE, entries: checksums.split('\n').filter((l) => l !== '').length },
  };
  const releaseFile = join(dir, 'release.json');
  await localFiles.writeFileAtomic(releaseFile, `${JSON.stringify(summary, null, 2)}\n`);
  written.push(releaseFile);
  if (checksums !== undefined) {
    const checksumFile = join(dir, 'checksums.sha256');
    await localFiles.writeFileAtomic(checksumFile, checksums);
    written.push(checksumFile);
  }
  return written;
}

function parsedOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
