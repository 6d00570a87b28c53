/**
 * Uncommitted changes in the checkout. A forced checkout would discard
 * them, so they stop a switch unless allow_dirty says otherwise, and even
 * then they are saved as a stash entry first (`git stash list` shows it,
 * `git stash apply` brings it back): a hotfix edited on the server at 3 a.m.
 * is never lost to a rollback.
 */
import { RewindError } from '../../core/errors.js';
import type { GitDriverContext } from './context.js';
import { describeFailure, failureDetails, failureOf } from './failures.js';
import { git, modifiedFiles } from './repo.js';

const SHOWN = 5;

export function listFiles(files: readonly string[]): string {
  const shown = files.slice(0, SHOWN).join(', ');
  return files.length > SHOWN ? `${shown} and ${files.length - SHOWN} more` : shown;
}

/** Refuses a dirty tree, or (allow_dirty) stashes its changes; returns the stash commit, if one was made. */
export async function guardDirtyTree(ctx: GitDriverContext, version: string): Promise<string | null> {
  const modified = await modifiedFiles(ctx);
  if (modified.length === 0) return null;
  if (!ctx.config.allow_dirty) {
    throw new RewindError(
      'STEP_FAILED',
      `refusing to switch ${ctx.path} to ${version}: it has uncommitted changes to ` +
        `${modified.length === 1 ? 'a tracked file' : `${modified.length} tracked files`} (${listFiles(modified)}); ` +
        'commit or stash them, or set allow_dirty: true',
      { version, path: ctx.path, modified },
    );
  }
  return stashChanges(ctx, version, modified);
}

async function stashChanges(ctx: GitDriverContext, version: string, modified: readonly string[]): Promise<string> {
  // A stash is a commit: a host without a git identity would refuse to make one.
  const identity = ['-c', 'user.name=rewind', '-c', 'user.email=rewind@localhost'];
  const message = `rewind: uncommitted changes found before switching to ${version}`;
  // `stash create` leaves the working tree alone; `stash store` makes the entry visible.
  const created = await git(ctx, [...identity, 'stash', 'create', message]);
  const sha = created.stdout.trim();
  if (created.code !== 0 || sha === '') {
    const failure = failureOf(created);
    throw new RewindError(
      'STEP_FAILED',
      `refusing to switch ${ctx.path} to ${version}: its uncommitted changes (${listFiles(modified)}) ` +
        `could not be saved first: ${describeFailure(failure)}`,
      {
        version,
        modified,
        ...failureDetails(failure),
      },
    );
  }
  const stored = await git(ctx, [...identity, 'stash', 'store', '--message', message, sha]);
  if (stored.code !== 0) {
    const failure = failureOf(stored);
    throw new RewindError(
      'STEP_FAILED',
      `refusing to switch ${ctx.path} to ${version}: its uncommitted changes could not be saved as a stash entry ` +
        `(commit ${sha}): ${describeFailure(failure)}`,
      {
        version,
        modified,
        stash: sha,
        ...failureDetails(failure),
      },
    );
  }
  return sha;
}
