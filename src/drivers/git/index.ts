/**
 * The `git` driver: the app lives in one git checkout and a version is a
 * tag; switching checks the tag out in place, installs and builds. The slow
 * path some teams use, made as safe as it can be: a preflight build of the
 * target in a scratch worktree, local changes refused or saved, and a
 * failed switch put back where it was. It starts processes only through the
 * Exec and changes files only through the Files it is given (git's own
 * writes are checked with the guard first), so it runs on a remote host
 * when handed an SSH Exec and Files.
 */
import { posix } from 'node:path';
import type { GitConfig } from './schema.js';
import type { Driver, PreparedRelease } from '../../core/driver.js';
import { RewindError } from '../../core/errors.js';
import { assertSafeName, isSafeName } from '../../core/names.js';
import type { Clock, Exec, Files } from '../../core/ports.js';
import { activateVersion } from './activate.js';
import type { GitDriverContext } from './context.js';
import { inspectCheckout } from './inspect.js';
import { prepareVersion } from './prepare.js';
import { checkoutProblem, tagCommit } from './repo.js';
import { preflightRoot } from './scratch.js';
import { snapshotCheckout } from './snapshot.js';

export interface GitDriverOptions {
  app: string;
  env: string;
  /** config.path must already be absolute (resolved against the config file). */
  config: GitConfig;
  exec: Exec;
  files: Files;
  /** This machine's files, where a snapshot for the post-mortem is written; `files` by default. */
  localFiles?: Files;
  /** Not needed by this driver; accepted so every driver is made the same way. */
  clock?: Clock;
  /** Per fetch, install and build command; none by default. */
  commandTimeoutMs?: number;
}

export { preflightDir, preflightRoot } from './scratch.js';
export { pickVersionTag } from './tags.js';

/**
 * The directories this driver writes under, for the write guard: the
 * checkout itself and the preflight dir beside it.
 */
export function gitWriteRoots(path: string): string[] {
  const clean = cleanPath(path);
  return [clean, preflightRoot(clean)];
}

export function createGitDriver(options: GitDriverOptions): Driver {
  const path = cleanPath(options.config.path);
  const ctx: GitDriverContext = {
    app: options.app,
    env: options.env,
    path,
    config: { ...options.config, path },
    exec: options.exec,
    files: options.files,
    commandTimeoutMs: options.commandTimeoutMs,
  };
  // Two prepares of one version at once would fight over one scratch worktree: the second joins the first.
  const preparing = new Map<string, Promise<PreparedRelease>>();

  return {
    kind: 'git',

    inspect: () => inspectCheckout(ctx),

    async prepare(version) {
      assertSafeName(version, 'version');
      const running = preparing.get(version);
      if (running !== undefined) return running;
      const work = prepareVersion(ctx, version).finally(() => preparing.delete(version));
      preparing.set(version, work);
      return work;
    },

    async isPresent(version) {
      if (!isSafeName(version)) return false;
      if ((await checkoutProblem(ctx)) !== null) return false;
      return (await tagCommit(ctx, version)) !== null;
    },

    async activate(version) {
      assertSafeName(version, 'version');
      await activateVersion(ctx, version);
    },

    // A checkout holds one version at a time: there is nothing old to remove.
    prune: async () => [],

    snapshot: (dir) => snapshotCheckout(ctx, options.localFiles ?? ctx.files, dir),

    async vars(version) {
      assertSafeName(version, 'version');
      return { version, release_dir: path, previous_release_dir: path, env: ctx.env, app: ctx.app };
    },
  };
}

function cleanPath(path: string): string {
  const clean = posix.normalize(path).replace(/\/+$/, '');
  if (!posix.isAbsolute(path) || clean === '') {
    throw new RewindError(
      'CONFIG_INVALID',
      `git.path ${JSON.stringify(path)} must be an absolute path to a checkout ` +
        '(resolved against the config file) before the driver is made',
      {
        field: 'git.path',
      },
    );
  }
  return clean;
}
