/**
 * What the checkout really runs, read from git rather than from the ledger:
 * the version is the tag on HEAD, and anything that would make that claim
 * unreliable (no tag, local edits, not a checkout at all) is a problem.
 * Read-only: git is told not to refresh the index while looking.
 */
import type { LiveState } from '../../core/driver.js';
import type { GitDriverContext } from './context.js';
import { listFiles } from './dirty.js';
import { artifactOf, checkoutProblem, headSha, modifiedFiles, short, tagsAt } from './repo.js';
import { pickVersionTag } from './tags.js';

export async function inspectCheckout(ctx: GitDriverContext): Promise<LiveState> {
  const problem = await checkoutProblem(ctx);
  if (problem !== null) return { version: null, artifact: null, problems: [problem] };
  const sha = await headSha(ctx);
  if (sha === null) return { version: null, artifact: null, problems: [`${ctx.path} has no commits yet`] };

  const problems: string[] = [];
  const tags = await tagsAt(ctx, sha);
  const version = pickVersionTag(tags);
  if (tags.length === 0) problems.push(`HEAD is at ${short(sha)}, which no tag names`);
  else if (version === null) problems.push(`HEAD is at ${short(sha)}, whose tags (${tags.join(', ')}) are not usable version names`);

  const modified = await modifiedFiles(ctx).catch((error: unknown) => [`? (${error instanceof Error ? error.message : String(error)})`]);
  if (modified.length > 0) {
    problems.push(
      `the working tree has uncommitted changes to tracked files (${listFiles(modified)}): what runs may not be ${version ?? short(sha)}`,
    );
  }
  return { version, artifact: artifactOf(ctx, sha), problems };
}
