/**
 * Questions asked of the checkout with git itself, always as
 * `git -C <path> ...` through the Exec, so the same code serves a checkout
 * on a remote host.
 */
import { COMMIT_TIME_FORMAT, commitTime } from '../../core/commitTime.js';
import { RewindError } from '../../core/errors.js';
import type { CommandOptions, CommandResult } from '../../core/ports.js';
import type { GitDriverContext } from './context.js';
import { reasonLine } from '../../core/reasonLine.js';

/**
 * Never wait for a password prompt no one will answer; and never take the
 * index lock just to look (status would otherwise refresh the index, a
 * write that can collide with a deploy running elsewhere).
 */
const GIT_ENV = { GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' };

export function git(ctx: GitDriverContext, args: readonly string[], options: Omit<CommandOptions, 'env'> = {}): Promise<CommandResult> {
  return ctx.exec.run(['git', '-C', ctx.path, ...args], { ...options, env: GIT_ENV });
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * Why `path` cannot be used as the app's checkout, or null when it can. A
 * directory inside some other repository is refused too: a checkout there
 * would switch the whole enclosing repository.
 */
export async function checkoutProblem(ctx: GitDriverContext): Promise<string | null> {
  const found = await ctx.files.stat(ctx.path);
  if (found === undefined) return `${ctx.path} does not exist`;
  if (found.type !== 'dir' && found.type !== 'symlink') return `${ctx.path} is not a directory`;
  const top = await git(ctx, ['rev-parse', '--show-toplevel']);
  if (top.code !== 0) {
    const said = reasonLine(top.stderr);
    return `${ctx.path} is not a git checkout${said === '' ? '' : ` (${said})`}`;
  }
  const topLevel = top.stdout.trim();
  const real = (await ctx.files.realpath(ctx.path)) ?? ctx.path;
  if (topLevel !== real && topLevel !== ctx.path) return `${ctx.path} is not the top of a git checkout: it lies inside ${topLevel}`;
  return null;
}

/** The commit HEAD names, or null in a repository without commits. */
export async function headSha(ctx: GitDriverContext): Promise<string | null> {
  return commitOf(ctx, 'HEAD');
}

/** The commit a tag names (annotated tags peeled), or null when there is no such tag. */
export async function tagCommit(ctx: GitDriverContext, tag: string): Promise<string | null> {
  return commitOf(ctx, `refs/tags/${tag}`);
}

/** When the commit was made (committer date, UTC), or null when git cannot say. */
export async function commitTimeOf(ctx: GitDriverContext, sha: string): Promise<string | null> {
  const shown = await git(ctx, ['show', '-s', COMMIT_TIME_FORMAT, sha]);
  return shown.code === 0 ? commitTime(shown.stdout) : null;
}

async function commitOf(ctx: GitDriverContext, ref: string): Promise<string | null> {
  const found = await git(ctx, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  const sha = found.stdout.trim();
  return found.code === 0 && SHA.test(sha) ? sha : null;
}

export async function tagsAt(ctx: GitDriverContext, sha: string): Promise<string[]> {
  const listed = await git(ctx, ['tag', '--list', '--points-at', sha]);
  if (listed.code !== 0) return [];
  return listed.stdout.split('\n').map((line) => line.trim()).filter((line) => line !== '');
}

/**
 * Tracked files with uncommitted changes (staged or not). Untracked files
 * do not count: build output and node_modules are untracked by design.
 */
export async function modifiedFiles(ctx: GitDriverContext): Promise<string[]> {
  const status = await git(ctx, ['status', '--porcelain', '--untracked-files=no']);
  if (status.code !== 0) {
    throw new RewindError(
      'STEP_FAILED',
      `cannot tell whether ${ctx.path} has uncommitted changes: \`git status\` exited ${status.code}: ${reasonLine(status.stderr)}`,
      { path: ctx.path, stderr: status.stderr },
    );
  }
  return status.stdout
    .split('\n')
    .filter((line) => line.length > 3)
    .map((line) => line.slice(3));
}

export function short(sha: string): string {
  return sha.slice(0, 7);
}

/** How a checkout at a commit is named in reports: `/srv/shop@1a2b3c4`. */
export function artifactOf(ctx: GitDriverContext, sha: string): string {
  return `${ctx.path}@${short(sha)}`;
}
