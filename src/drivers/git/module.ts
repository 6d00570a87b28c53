/** The `git` driver as the registry sees it: one checkout per host, moved to a tag in place. */
import { isAbsolute, resolve } from 'node:path';
import type { DriverHost, DriverModule } from '../../core/driver.js';
import { RewindError } from '../../core/errors.js';
import { expandItem } from '../../core/template.js';
import { createGitDriver, gitWriteRoots } from './index.js';
import { gitSchema, type GitConfig } from './schema.js';

export const gitDriver: DriverModule<GitConfig> = {
  kind: 'git',
  scope: 'host',
  summary: 'a checkout moved to the tag in place: the slow path',
  schema: gitSchema,
  needs: 'path of the checkout',
  writeRoots: (config, host) => gitWriteRoots(checkoutPath(config, host)),
  // The preflight worktrees go beside the checkout (<path>.rewind-preflight): a checkout that passes passes them too.
  writtenPaths: (config, host) => [{ key: 'path', path: checkoutPath(config, host) }],
  create: (config, io) => createGitDriver({
    app: io.app, env: io.env, config: { ...config, path: checkoutPath(config, io.host) }, exec: io.exec, files: io.files,
    localFiles: io.local.files,
  }),
};

/** git.path on `host`: `{host}` is its address; relative paths only on this machine. */
function checkoutPath(config: GitConfig, host: DriverHost): string {
  const path = expandItem(config.path, { host: host.address });
  if (host.remote && !isAbsolute(path)) {
    throw new RewindError('CONFIG_INVALID', `git.path must be absolute for remote hosts (got ${JSON.stringify(config.path)})`, {
      field: 'git.path',
    });
  }
  return resolve(host.base, path);
}
