/**
 * Before a switch replaces content that no tarball of the store holds, that
 * content is packed into the store with its `.sha256`, and a sorted manifest
 * of its files goes to the run's report dir: the post-mortem keeps exactly
 * what was served. A rollback keeps the broken version it replaces
 * (`<version>-broken-<time>.tar.gz`); the first switch over a dir rewind did
 * not deploy keeps what was there (`unmanaged-<time>.tar.gz`).
 */
import { basename, join } from 'node:path';
import { RewindError, isRewindError } from '../../core/errors.js';
import type { Files } from '../../core/ports.js';
import { shortSha } from './artifact.js';
import type { ArchiveContext } from './context.js';
import { manifestOf } from './manifest.js';
import { packTree } from './pack.js';
import { walkTree } from './tree.js';
import { storeProblem } from './writable.js';

export interface Backup {
  tarball: string;
  sha256: string;
  /** Where its manifest went; null without a report dir to put it in. */
  manifest: string | null;
  files: number;
}

export interface BackupPlace {
  tarball: string;
  /** The run's report dir on this machine, and its files. */
  reportDir?: string;
  reportFiles: Files;
}

export async function backUpLive(ctx: ArchiveContext, place: BackupPlace): Promise<Backup> {
  const { layout } = ctx;
  const { tarball, reportDir, reportFiles } = place;
  const stop = (why: string) =>
    new RewindError('STEP_FAILED', `the backup of ${layout.live} before the switch failed: ${why}; nothing was switched`, { tarball });
  const problem = await storeProblem(ctx.files, layout.store);
  if (problem !== undefined) throw stop(problem);
  try {
    const sha256 = await packTree(ctx, layout.live, await walkTree(layout.live), tarball);
    const { text, files } = await manifestOf(layout.live);
    let manifest: string | null = null;
    if (reportDir !== undefined) {
      manifest = join(reportDir, `${basename(tarball, '.tar.gz')}.manifest.tsv`);
      await reportFiles.mkdir(reportDir);
      await reportFiles.writeFileAtomic(manifest, text);
    }
    return { tarball, sha256, manifest, files };
  } catch (error) {
    throw stop(isRewindError(error) ? error.message : String(error));
  }
}

export function backupLine(backup: Backup): string {
  return `backed up to ${backup.tarball} (sha256 ${shortSha(backup.sha256)}, ${backup.files} files)`;
}
