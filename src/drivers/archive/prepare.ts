/**
 * Making a version ready: `<store>/<version>.tar.gz` with its sha256.
 *
 * - A rollback (the ledger recorded the tarball) makes nothing: the recorded
 *   tarball must be there with the recorded sha256, or the version is gone.
 * - A deploy reuses the version's tarball when the store has it intact
 *   (versions do not change: remove the tarball to pack it again), else packs
 *   the source with include/exclude.
 */
import type { PreparedRelease, PrepareOptions } from '../../core/driver.js';
import { RewindError } from '../../core/errors.js';
import { formatArtifact, parseArtifact, shortSha } from './artifact.js';
import type { ArchiveContext } from './context.js';
import { checkArchive } from './integrity.js';
import { packTree } from './pack.js';
import { selectEntries } from './select.js';
import { readSidecar, sha256File } from './sha.js';
import { locateSource } from './source.js';
import { storeProblem } from './writable.js';

export async function prepareArchive(ctx: ArchiveContext, version: string, options: PrepareOptions = {}): Promise<PreparedRelease> {
  const recorded = parseArtifact(options.run?.targetArtifact);
  if (recorded) {
    const integrity = await checkArchive(ctx.files, version, recorded, ctx.layout.live);
    if (!integrity.ok) throw new RewindError('TARGET_GONE', integrity.message, { version, tarball: recorded.tarball });
    return { version, sha: null, artifact: formatArtifact(recorded), reused: true };
  }
  const tarball = ctx.layout.tarball(version);
  if (!options.rebuild && (await ctx.files.stat(tarball))?.type === 'file') {
    const reused = await reuse(ctx, version, tarball);
    if (reused) return reused;
  }
  const problem = await storeProblem(ctx.files, ctx.layout.store);
  if (problem !== undefined) throw new RewindError('BUILD_FAILED', `${version} cannot be packed: ${problem}; nothing was written`);
  const source = await locateSource(ctx, version);
  try {
    const entries = await selectEntries(source.dir, ctx.config);
    if (entries.length === 0) {
      const what = `archive.include and archive.exclude leave nothing of ${source.description} to pack`;
      throw new RewindError('BUILD_FAILED', `${version}: ${what}`);
    }
    const sha256 = await packTree(ctx, source.dir, entries, tarball);
    return { version, sha: null, artifact: formatArtifact({ tarball, sha256 }), reused: false };
  } finally {
    await source.cleanup();
  }
}

/** The store's tarball of `version` when its `.sha256` still holds; undefined when it has none (packed again). */
async function reuse(ctx: ArchiveContext, version: string, tarball: string): Promise<PreparedRelease | undefined> {
  const sidecar = await readSidecar(ctx.files, tarball);
  if (sidecar === undefined) return undefined;
  const actual = await sha256File(tarball);
  if (actual !== sidecar) {
    throw new RewindError(
      'BUILD_FAILED',
      `${tarball} was altered: its sha256 is ${shortSha(actual)}..., its .sha256 says ${shortSha(sidecar)}...; ` +
        'nothing was switched: remove both to pack it again from the source',
      { version, tarball },
    );
  }
  return { version, sha: null, artifact: formatArtifact({ tarball, sha256: actual }), reused: true };
}
