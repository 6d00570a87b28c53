/**
 * For a rollback's plan, before approval: the store must take the backup of
 * the broken version (else the plan stops: TARGET_BLOCKED, nothing saved),
 * and the plan says what the switch will do with the live dir.
 */
import type { TargetAssessment } from '../../core/driver.js';
import { RewindError } from '../../core/errors.js';
import { parseArtifact, shortSha } from './artifact.js';
import type { ArchiveContext } from './context.js';
import { inspectLive } from './inspect.js';
import { storeProblem } from './writable.js';

export async function assessRestore(ctx: ArchiveContext, version: string, artifact: string | null): Promise<TargetAssessment> {
  const { layout } = ctx;
  const problem = await storeProblem(ctx.files, layout.store);
  if (problem !== undefined) {
    throw new RewindError('TARGET_BLOCKED', `the live content cannot be backed up before the rollback: ${problem}; nothing was saved`, {
      store: layout.store,
    });
  }
  const live = await inspectLive(ctx.files, layout);
  const recorded = parseArtifact(artifact);
  const kept = live.version === null ? 'unmanaged-<time>.tar.gz' : `${live.version}-broken-<time>.tar.gz`;
  const notes = [
    `before the switch, ${layout.live} (${live.version ?? 'content rewind did not deploy'}) is packed to ` +
      `${layout.store}/${kept}, with a manifest in the run's report dir`,
  ];
  if (recorded) {
    notes.push(`${version} is restored from ${recorded.tarball} (sha256 ${shortSha(recorded.sha256)}, checked; every entry stays inside ` +
      `${layout.live}), validated in ${layout.staging(version)} and swapped in; ${layout.previous} keeps what it replaces`);
  }
  return { notes, risks: [] };
}
