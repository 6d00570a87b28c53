/**
 * The switch: unpack the version's checked tarball into
 * `<path>.staging/<version>`, write its marker, validate it there, then swap
 * it in with two renames: `path` -> `<path>.previous`, staging -> `path`.
 * A reader finds the old tree or the new one, never a mix; between the two
 * renames `path` is briefly absent. `.previous` stays until the run is
 * verified (prune removes it); an older one is removed just before the swap.
 *
 * Re-running it converges (a resume after kill -9): `path` missing with
 * `.previous` beside it is a swap stopped between its renames; it is
 * finished when the staged version is complete (its marker is written last,
 * before the first rename), else `.previous` is put back and the switch
 * runs again from the tarball. `path` already holding the version is done.
 */
import type { RunContext } from '../../core/driver.js';
import type { Files } from '../../core/ports.js';
import { RewindError } from '../../core/errors.js';
import { formatArtifact, parseArtifact, shortSha, type RecordedArchive } from './artifact.js';
import { backUpLive, backupLine, type Backup } from './backup.js';
import type { ArchiveContext } from './context.js';
import { extractInto } from './extract.js';
import { checkArchive } from './integrity.js';
import { readMarker, validMarker, writeMarker } from './marker.js';
import { readSidecar } from './sha.js';
import { validateStaged } from './validate.js';

export async function switchArchive(
  ctx: ArchiveContext, version: string, run: RunContext | undefined, reportFiles = ctx.files,
): Promise<string> {
  const { layout, files } = ctx;
  const recorded = parseArtifact(run?.targetArtifact) ?? (await storedArtifact(ctx, version));
  const artifact = formatArtifact(recorded);
  const finished = await finishStoppedSwap(ctx, version, artifact);
  if (finished !== undefined) return finished;

  const liveKind = (await files.stat(layout.live))?.type;
  if (liveKind !== undefined && liveKind !== 'dir') {
    throw new RewindError('STEP_FAILED', `${layout.live} is a ${liveKind}, not a directory; refusing to replace it: move it aside`, {
      path: layout.live,
    });
  }
  const live = liveKind === 'dir' ? validMarker(await readMarker(files, layout.live)) : undefined;
  if (live?.version === version && live.artifact === artifact) return `${layout.live} already holds ${version} (${describe(recorded)})`;
  const liveVersion = live?.version ?? null;

  const integrity = await checkArchive(files, version, recorded, layout.live);
  if (!integrity.ok) throw new RewindError('STEP_FAILED', `${integrity.message}; nothing was changed`, { version });
  const backup = await backUpFirst(ctx, { run, liveVersion, unmanaged: live === undefined && liveKind === 'dir', reportFiles });

  const staged = layout.staging(version);
  await files.remove(staged);
  await extractInto(files, recorded.tarball, staged, integrity.entries);
  await writeMarker(files, staged, { version, artifact, staged_at: ctx.clock.now().toISOString() });
  let validated: string;
  try {
    validated = await validateStaged(ctx, version, staged, liveVersion, run);
  } catch (error) {
    await removeStaged(ctx, staged).catch(() => undefined);
    throw error;
  }
  await swapIn(ctx, staged, liveKind === 'dir', liveVersion);
  await removeStaged(ctx, staged);
  return [
    `${layout.live} holds ${version} (${describe(recorded)})`,
    ...(validated ? [validated] : []),
    ...(liveKind === 'dir' ? [`what it held (${liveVersion ?? 'unknown'}) is kept as ${layout.previous} until verified`] : []),
    ...(backup ? [backupLine(backup)] : []),
  ].join('; ');
}

/**
 * What goes to the store before the swap: a rollback's broken version, and
 * a live dir rewind did not deploy (its content is in no tarball; a verified
 * deploy's prune would remove it with `.previous`). An empty dir needs none.
 */
async function backUpFirst(
  ctx: ArchiveContext,
  facts: { run: RunContext | undefined; liveVersion: string | null; unmanaged: boolean; reportFiles: Files },
): Promise<Backup | undefined> {
  const { layout, files, clock } = ctx;
  const { run, liveVersion, unmanaged, reportFiles } = facts;
  if (unmanaged) {
    if ((await files.list(layout.live)).length === 0) return undefined;
    return backUpLive(ctx, { tarball: layout.unmanaged(clock.now()), reportDir: run?.reportDir, reportFiles });
  }
  if (run?.kind !== 'rollback' || run.reportDir === undefined || liveVersion === null) return undefined;
  return backUpLive(ctx, { tarball: layout.backup(liveVersion, clock.now()), reportDir: run.reportDir, reportFiles });
}

/** Without a record (a release made before it was recorded), the `.sha256` the store keeps beside the tarball. */
async function storedArtifact(ctx: ArchiveContext, version: string): Promise<RecordedArchive> {
  const tarball = ctx.layout.tarball(version);
  const sha256 = await readSidecar(ctx.files, tarball);
  if (sha256 === undefined) {
    throw new RewindError('STEP_FAILED', `${version} is not in the store: ${tarball} and its .sha256 are missing; prepare it first`, {
      version,
    });
  }
  return { tarball, sha256 };
}

/** A run stopped between the two renames; returns the step's line once finished, undefined when there was none to finish. */
async function finishStoppedSwap(ctx: ArchiveContext, version: string, artifact: string): Promise<string | undefined> {
  const { layout, files } = ctx;
  if ((await files.exists(layout.live)) || !(await files.exists(layout.previous))) return undefined;
  const staged = validMarker(await readMarker(files, layout.staging(version)));
  if (staged?.version === version && staged.artifact === artifact) {
    await files.rename(layout.staging(version), layout.live);
    await removeStaged(ctx, layout.staging(version));
    return `finished the swap a stopped run began: ${layout.live} holds ${version}; what it held is kept as ${layout.previous}`;
  }
  // Stopped with the live content moved aside and no complete staged version: put it back and switch as usual.
  await files.rename(layout.previous, layout.live);
  return undefined;
}

async function swapIn(ctx: ArchiveContext, staged: string, hadLive: boolean, liveVersion: string | null): Promise<void> {
  const { layout, files } = ctx;
  // What an earlier run kept: that run is over, and its version is in the store.
  await files.remove(layout.previous);
  if (hadLive) await files.rename(layout.live, layout.previous);
  try {
    await files.rename(staged, layout.live);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    if (!hadLive) throw new RewindError('STEP_FAILED', `${staged} could not be moved to ${layout.live}: ${why}`);
    await files.rename(layout.previous, layout.live);
    throw new RewindError('STEP_FAILED', `${staged} could not be moved to ${layout.live}: ${why}; ` +
      `${layout.live} holds ${liveVersion ?? 'what it held'} again`);
  }
}

/** A staged dir (gone already after a swap), and `<path>.staging` itself once nothing else is staged. */
async function removeStaged(ctx: ArchiveContext, staged: string): Promise<void> {
  await ctx.files.remove(staged);
  if ((await ctx.files.list(ctx.layout.stagingRoot)).length === 0) await ctx.files.remove(ctx.layout.stagingRoot);
}

function describe(recorded: RecordedArchive): string {
  return `${recorded.tarball}, sha256 ${shortSha(recorded.sha256)}`;
}
