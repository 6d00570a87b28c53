/**
 * What the host really runs, read from `current` itself rather than from the
 * ledger, with anything odd spelled out so `status` can report drift.
 */
import { resolve } from 'node:path';
import type { LiveState } from '../../core/driver.js';
import type { Files } from '../../core/ports.js';
import { versionInReleases } from './current.js';
import { MANIFEST_FILE, type Layout } from './layout.js';
import { peekVersion, readManifest } from './manifest.js';

export async function inspectCurrent(files: Files, layout: Layout): Promise<LiveState> {
  const found = await files.stat(layout.current);
  if (found === undefined) return { version: null, artifact: null, problems: [] };

  if (found.type !== 'symlink') {
    const kind = found.type === 'dir' ? 'a directory' : 'a file';
    return {
      version: found.type === 'dir' ? await peekVersion(files, layout.current) : null,
      artifact: layout.current,
      problems: [`${layout.current} is ${kind}, not a symlink: it cannot be switched atomically; move it aside so rewind can manage it`],
    };
  }

  const target = (await files.readlink(layout.current)) ?? '';
  const resolved = resolve(layout.root, target);
  const version = await versionInReleases(files, layout, resolved);
  if (version !== null) {
    const dir = layout.releaseDir(version);
    const problems: string[] = [];
    const isDir = (await files.stat(dir))?.type === 'dir';
    if (!isDir) problems.push(`current points to ${target}, which does not exist (dangling symlink)`);
    else if ((await readManifest(files, layout, version)) === undefined) {
      problems.push(
        `current points to ${target}, which has no intact ${MANIFEST_FILE}: an interrupted build or a release not made by rewind`,
      );
    }
    return { version, artifact: dir, problems };
  }

  const problems = [`current points to ${target}, outside ${layout.releasesDir}`];
  const real = await files.realpath(resolved);
  if (real === undefined) problems.push(`current is dangling: ${resolved} does not exist`);
  return { version: real === undefined ? null : await peekVersion(files, real), artifact: resolved, problems };
}
