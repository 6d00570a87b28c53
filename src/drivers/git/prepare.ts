/**
 * Making a version ready: fetch tags, find the tag's commit, and (with
 * preflight) prove it builds. The checkout itself is not touched: its HEAD,
 * index and files stay exactly as they were, so preparing is safe while the
 * current version serves.
 */
import type { PreparedRelease } from '../../core/driver.js';
import { RewindError } from '../../core/errors.js';
import type { GitDriverContext } from './context.js';
import { fetchTags } from './fetch.js';
import { preflightBuild } from './preflight.js';
import { artifactOf, checkoutProblem, commitTimeOf, tagCommit } from './repo.js';

export async function prepareVersion(ctx: GitDriverContext, version: string): Promise<PreparedRelease> {
  const problem = await checkoutProblem(ctx);
  if (problem !== null) {
    throw new RewindError('SOURCE_NOT_FOUND', `cannot prepare ${version}: ${problem}`, { version, path: ctx.path });
  }
  const fetched = await fetchTags(ctx);
  const sha = await tagCommit(ctx, version);
  if (sha === null) {
    const note = fetched.status === 'failed'
      ? ` (fetching ${fetched.remote} failed: ${fetched.why})`
      : fetched.status === 'skipped'
        ? ` (not fetched: ${fetched.why})`
        : ` (after fetching ${fetched.remote})`;
    throw new RewindError('SOURCE_NOT_FOUND', `git tag "${version}" was not found in the checkout ${ctx.path}${note}`, {
      version,
      tag: version,
      path: ctx.path,
      fetch: fetched,
    });
  }
  if (ctx.config.preflight) await preflightBuild(ctx, version, sha);
  return { version, sha, committedAt: await commitTimeOf(ctx, sha), artifact: artifactOf(ctx, sha), reused: false };
}
