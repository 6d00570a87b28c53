/**
 * Switching `current`: a new symlink is made beside it and renamed over it.
 * rename(2) replaces the old link in one step, so a reader always finds
 * either the old release or the new one, never nothing.
 */
import { RewindError } from '../../core/errors.js';
import type { DriverContext } from './context.js';
import { MANIFEST_FILE, tempName } from './layout.js';
import { readManifest } from './manifest.js';

export async function activateRelease(ctx: DriverContext, version: string): Promise<void> {
  const { files, layout } = ctx;
  if ((await readManifest(files, layout, version)) === undefined) {
    throw new RewindError(
      'RELEASE_NOT_FOUND',
      `release ${version} is not present on this host: ${layout.releaseDir(version)} has no intact ${MANIFEST_FILE}; prepare it first`,
      {
        version,
        releaseDir: layout.releaseDir(version),
      },
    );
  }
  const existing = await files.stat(layout.current);
  if (existing !== undefined && existing.type !== 'symlink') {
    const kind = existing.type === 'dir' ? 'a directory' : 'a file';
    throw new RewindError(
      'STEP_FAILED',
      `${layout.current} is ${kind}, not a symlink; refusing to replace it: move it aside and run again`,
      {
        path: layout.current,
      },
    );
  }
  const temp = tempName(layout.current, ctx.random());
  await files.symlink(layout.linkTarget(version), temp);
  try {
    await files.rename(temp, layout.current);
  } catch (error) {
    await files.remove(temp).catch(() => undefined);
    throw error;
  }
}
