/**
 * The preflight: build the target tag in a scratch worktree before the
 * checkout is touched, so a target that does not build (the runbook's
 * "both current and previous are broken", severity 1) is found while the
 * running version is still in place. The worktree shares the checkout's
 * object store, so it costs no clone; it is always removed afterwards.
 */
import { VERSION_BROKEN } from '../../core/driver.js';
import { RewindError } from '../../core/errors.js';
import { runCommands, versionEnv } from './commands.js';
import type { GitDriverContext } from './context.js';
import { describeFailure, failureDetails, failureOf } from './failures.js';
import { git, short } from './repo.js';
import { preflightDir, preflightRoot } from './scratch.js';
import { reasonLine } from '../../core/reasonLine.js';

export async function preflightBuild(ctx: GitDriverContext, version: string, sha: string): Promise<void> {
  const dir = preflightDir(ctx.path, version);
  await ctx.files.assertWritable(dir);
  // One left by a run that died mid-build would make `worktree add` refuse.
  await removeWorktree(ctx, dir);
  await ctx.files.mkdir(preflightRoot(ctx.path));

  const added = await git(ctx, ['worktree', 'add', '--detach', dir, sha]);
  if (added.code !== 0) {
    await removeWorktree(ctx, dir).catch(() => undefined);
    const failure = failureOf(added);
    throw new RewindError(
      'STEP_FAILED',
      `preflight: a scratch worktree for ${version} could not be made at ${dir}: ${describeFailure(failure)}`,
      {
        version,
        sha,
        dir,
        ...failureDetails(failure),
      },
    );
  }

  let failed;
  try {
    failed = await runCommands([...ctx.config.install, ...ctx.config.build], {
      exec: ctx.exec,
      cwd: dir,
      vars: { version, sha, release_dir: dir, previous_release_dir: ctx.path, env: ctx.env, app: ctx.app },
      env: { ...versionEnv(version, sha, dir), REWIND_PREFLIGHT: '1' },
      timeoutMs: ctx.commandTimeoutMs,
    });
  } finally {
    // Never mask the build's own outcome: a leftover is removed by the next preflight.
    await removeWorktree(ctx, dir).catch(() => undefined);
  }
  if (failed !== null) {
    throw new RewindError('BUILD_FAILED', `preflight: ${version} does not build: ${describeFailure(failed)}`, {
      preflight: true,
      // The version itself is broken, not the place it was made in: see VERSION_BROKEN in core/driver.
      [VERSION_BROKEN]: true,
      version,
      sha,
      shortSha: short(sha),
      ...failureDetails(failed),
    });
  }
}

/**
 * Unregister and delete a scratch worktree, whatever state it is in:
 * registered or not, its directory present or not, locked or not.
 */
async function removeWorktree(ctx: GitDriverContext, dir: string): Promise<void> {
  if (await ctx.files.exists(dir)) {
    // Twice --force: also a worktree that is locked or has changes.
    await git(ctx, ['worktree', 'remove', '--force', '--force', dir]);
    await ctx.files.remove(dir);
  }
  const pruned = await git(ctx, ['worktree', 'prune']);
  if (pruned.code !== 0) {
    throw new RewindError('STEP_FAILED', `preflight: \`git worktree prune\` failed in ${ctx.path}: ${reasonLine(pruned.stderr)}`, {
      dir,
      stderr: pruned.stderr,
    });
  }
  const root = preflightRoot(ctx.path);
  if ((await ctx.files.exists(root)) && (await ctx.files.list(root)).length === 0) await ctx.files.remove(root);
}
