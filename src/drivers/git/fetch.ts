/**
 * Bringing the checkout's tags up to date before a deploy or rollback.
 * `--force` lets a tag that was moved upstream move here too (git refuses
 * to clobber tags otherwise).
 *
 * A fetch that fails does not stop the run: a rollback goes to a tag that
 * was deployed from this checkout before, so it is already here, and an
 * outage of the git host must not block getting production back. The
 * failure is kept so that a tag that is then missing can say why.
 */
import type { GitDriverContext } from './context.js';
import { describeFailure, failureOf, startFailure } from './failures.js';
import { git } from './repo.js';

export type FetchOutcome =
  | { status: 'fetched'; remote: string }
  | { status: 'skipped'; why: string }
  | { status: 'failed'; remote: string; why: string };

export async function fetchTags(ctx: GitDriverContext): Promise<FetchOutcome> {
  const remote = ctx.config.remote;
  if (remote === false) return { status: 'skipped', why: 'remote: false' };
  const remotes = await git(ctx, ['remote']);
  const known = remotes.code === 0 ? remotes.stdout.split('\n').map((line) => line.trim()) : [];
  if (!known.includes(remote)) return { status: 'skipped', why: `the checkout has no remote "${remote}"` };

  // Fetching writes refs and objects under .git.
  await ctx.files.assertWritable(ctx.path);
  const argv = ['fetch', '--tags', '--force', '--quiet', '--', remote];
  try {
    const result = await git(ctx, argv, { timeoutMs: ctx.commandTimeoutMs });
    if (result.code === 0) return { status: 'fetched', remote };
    return { status: 'failed', remote, why: describeFailure(failureOf(result)) };
  } catch (error) {
    return { status: 'failed', remote, why: describeFailure(startFailure(['git', '-C', ctx.path, ...argv], error)) };
  }
}
