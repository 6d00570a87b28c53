/**
 * Making a release: export the source into releases/<version>/, write
 * REVISION, link shared entries, run the build, and only then write the
 * manifest. Any failure removes the dir, so nothing half-made can be
 * switched to.
 */
import { join } from 'node:path';
import type { PreparedRelease } from '../../core/driver.js';
import { RewindError, isRewindError, type ErrorCode } from '../../core/errors.js';
import type { TemplateVars } from '../../core/template.js';
import { runBuild } from './build.js';
import type { DriverContext } from './context.js';
import { currentTarget, versionInReleases } from './current.js';
import { MANIFEST_FILE, REVISION_FILE } from './layout.js';
import { writeChecksums } from './checksum.js';
import { readManifest, writeManifest } from './manifest.js';
import { checkSharedEntry, linkShared } from './shared.js';
import { locateSource } from './source.js';

/** Errors that already say precisely what is wrong; anything else becomes BUILD_FAILED. */
const KEPT_CODES: readonly ErrorCode[] = ['BUILD_FAILED', 'SOURCE_NOT_FOUND', 'WRITE_REFUSED', 'CONFIG_INVALID', 'UNSAFE_NAME'];

/** With `rebuild`, a release whose manifest is there is made again (its files were found damaged). */
export async function prepareRelease(ctx: DriverContext, version: string, rebuild = false): Promise<PreparedRelease> {
  const { files, layout } = ctx;
  const dir = layout.releaseDir(version);
  const intact = rebuild ? undefined : await readManifest(files, layout, version);
  if (intact !== undefined) return { version, sha: intact.sha, committedAt: intact.committedAt ?? null, artifact: dir, reused: true };

  const shared = ctx.config.shared.map(checkSharedEntry);
  const live = await currentTarget(files, layout);
  if (live !== '' && (await versionInReleases(files, layout, live)) === version) {
    // Rebuilding in place would delete what is being served right now.
    throw new RewindError(
      'STEP_FAILED',
      `release ${version} is live (current points at it) but has no intact ${MANIFEST_FILE}; ` +
        'refusing to rebuild it in place: switch current elsewhere first',
      {
        version,
        releaseDir: dir,
      },
    );
  }
  const vars: TemplateVars = {
    version,
    env: ctx.env,
    app: ctx.app,
    release_dir: dir,
    previous_release_dir: live,
  };
  // Before anything is written: a missing ref or file is a usage error, not a broken release.
  const source = await locateSource(ctx.config.source, { ...ctx, version, vars });

  await files.mkdir(layout.releasesDir);
  await ctx.builds.mark(version);
  try {
    // A dir without a manifest is what an interrupted build leaves behind.
    await files.remove(dir);
    await source.materialize(dir);
    const sha = source.sha ?? (await revisionIn(files, dir));
    // A REVISION shipped with the files names a commit whose time this source does not know.
    const committedAt = source.sha !== null ? (source.committedAt ?? null) : null;
    if (sha !== null) await files.writeFile(join(dir, REVISION_FILE), `${sha}\n`);
    await linkShared(files, layout, dir, shared);
    await runBuild(ctx.config.build, {
      exec: ctx.exec,
      version,
      releaseDir: dir,
      vars: { ...vars, sha: sha ?? '' },
      timeoutMs: ctx.buildTimeoutMs,
    });
    await writeChecksums(ctx.exec, files, dir);
    await writeManifest(files, layout, {
      version,
      sha,
      createdAt: ctx.clock.now().toISOString(),
      source: source.description,
      checksums: true,
      ...(committedAt ? { committedAt } : {}),
    });
    return { version, sha, committedAt, artifact: dir, reused: false };
  } catch (error) {
    const cleanup = await files.remove(dir).then(
      () => null,
      (cleanupError: unknown) => (cleanupError instanceof Error ? cleanupError.message : String(cleanupError)),
    );
    throw asPrepareFailure(version, error, cleanup);
  } finally {
    await ctx.builds.unmark(version);
  }
}

/** A REVISION shipped by the source (a CI-built dir or tarball) names its commit. */
async function revisionIn(files: DriverContext['files'], dir: string): Promise<string | null> {
  const text = await files.readFile(join(dir, REVISION_FILE)).catch(() => undefined);
  const first = text?.split(/\r?\n/)[0]?.trim() ?? '';
  return /^[0-9A-Za-z._-]{1,128}$/.test(first) ? first : null;
}

function asPrepareFailure(version: string, error: unknown, cleanupFailure: string | null): RewindError {
  const note = cleanupFailure === null ? {} : { cleanupFailed: cleanupFailure };
  if (isRewindError(error) && KEPT_CODES.includes(error.code)) {
    return cleanupFailure === null
      ? error
      : new RewindError(error.code, error.message, { ...error.details, ...note }, { cause: error.cause });
  }
  const why = error instanceof Error ? error.message : String(error);
  return new RewindError('BUILD_FAILED', `release ${version} could not be made: ${why}`, { version, ...note }, { cause: error });
}
