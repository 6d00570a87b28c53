/**
 * Putting the checkout on one commit and making it runnable: a forced,
 * detached checkout, then install and build in place. Returns what failed
 * instead of throwing, so activate can decide how to recover.
 */
import { runCommands, versionEnv } from './commands.js';
import type { GitDriverContext } from './context.js';
import { failureOf, startFailure, type CommandFailure } from './failures.js';
import { git } from './repo.js';

export async function switchCheckout(ctx: GitDriverContext, version: string, sha: string): Promise<CommandFailure | null> {
  // --force only ever runs after the dirty check: it throws away local changes, and they were refused or saved.
  const args = ['checkout', '--quiet', '--detach', '--force', sha];
  try {
    const checkedOut = await git(ctx, args);
    if (checkedOut.code !== 0) return failureOf(checkedOut);
  } catch (error) {
    return startFailure(['git', '-C', ctx.path, ...args], error);
  }
  return runCommands([...ctx.config.install, ...ctx.config.build], {
    exec: ctx.exec,
    cwd: ctx.path,
    vars: { version, sha, release_dir: ctx.path, previous_release_dir: ctx.path, env: ctx.env, app: ctx.app },
    env: versionEnv(version, sha, ctx.path),
    timeoutMs: ctx.commandTimeoutMs,
  });
}
