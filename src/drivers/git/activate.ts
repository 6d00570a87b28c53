/**
 * The in-place switch. It is NOT atomic and cannot be: between the checkout
 * and the end of the build the directory holds the new code without its
 * dependencies or build output, and anything that starts in that window
 * sees a half-made app. (A running server keeps the code it loaded until
 * the reload that follows activate.) What it does instead: refuse or save
 * local changes, remember where HEAD was, and on any failure put the
 * checkout back there, rebuild it, and say exactly where it was left.
 */
import { RewindError } from '../../core/errors.js';
import type { GitDriverContext } from './context.js';
import { guardDirtyTree } from './dirty.js';
import { describeFailure, failureDetails, type CommandFailure } from './failures.js';
import { checkoutProblem, headSha, short, tagCommit, tagsAt } from './repo.js';
import { switchCheckout } from './switch.js';
import { pickVersionTag } from './tags.js';

export async function activateVersion(ctx: GitDriverContext, version: string): Promise<void> {
  const problem = await checkoutProblem(ctx);
  if (problem !== null) throw new RewindError('STEP_FAILED', `cannot switch to ${version}: ${problem}`, { version, path: ctx.path });
  await ctx.files.assertWritable(ctx.path);
  const sha = await tagCommit(ctx, version);
  if (sha === null) {
    throw new RewindError(
      'RELEASE_NOT_FOUND',
      `git tag "${version}" is not in the checkout ${ctx.path}; prepare it first (prepare fetches tags)`,
      {
        version,
        path: ctx.path,
      },
    );
  }
  const stash = await guardDirtyTree(ctx, version);
  const previous = await headSha(ctx);
  const failed = await switchCheckout(ctx, version, sha);
  if (failed === null) return;
  throw await restoreAfter(ctx, { version, sha, previous, stash }, failed);
}

interface Attempt {
  version: string;
  sha: string;
  previous: string | null;
  stash: string | null;
}

/** Best effort back to where HEAD was; the error says whether it worked. */
async function restoreAfter(ctx: GitDriverContext, attempt: Attempt, failed: CommandFailure): Promise<RewindError> {
  const saved = attempt.stash === null
    ? ''
    : ` (the uncommitted changes found before are saved as stash ${short(attempt.stash)}: see \`git stash list\`)`;
  const what = `switching ${ctx.path} to ${attempt.version} (${short(attempt.sha)}) failed${saved}: ${describeFailure(failed)}`;
  const details = {
    version: attempt.version,
    sha: attempt.sha,
    path: ctx.path,
    previousSha: attempt.previous,
    stash: attempt.stash,
    ...failureDetails(failed),
  };
  if (attempt.previous === null) {
    return new RewindError(
      'STEP_FAILED',
      `${what}; there was no earlier commit to go back to: ${ctx.path} is left on ${attempt.version}, not working`,
      {
        ...details,
        restored: false,
      },
    );
  }
  const previousVersion = pickVersionTag(await tagsAt(ctx, attempt.previous));
  const name = previousVersion === null ? short(attempt.previous) : `${short(attempt.previous)} (${previousVersion})`;
  const restoreFailed = await switchCheckout(ctx, previousVersion ?? short(attempt.previous), attempt.previous);
  if (restoreFailed === null) {
    return new RewindError('STEP_FAILED', `${what}; the checkout was restored to ${name} and rebuilt`, {
      ...details,
      restored: true,
      restoredTo: attempt.previous,
    });
  }
  return new RewindError(
    'STEP_FAILED',
    `${what}; RESTORING ${name} FAILED TOO: ${describeFailure(restoreFailed)}: ` +
      `${ctx.path} is in an unknown state and needs manual intervention`,
    { ...details, restored: false, restoreTarget: attempt.previous, restoreFailure: failureDetails(restoreFailed) },
  );
}
