/**
 * The `archive` driver as the registry sees it: one instance, on this
 * machine. Remote hosts are refused at load (CONFIG_INVALID at `hosts`): the
 * tarballs are checked, packed and unpacked here with node-tar, and a host
 * over SSH would need all of that done there instead.
 *
 * Write roots: the live dir, `<path>.staging` and `<path>.previous` beside
 * it, and the store. node-tar writes only under a dir asked of the guard
 * first (a staging dir, a temporary tarball's name in the store).
 */
import { randomBytes } from 'node:crypto';
import { join, resolve, sep } from 'node:path';
import type { DriverHost, DriverModule } from '../../core/driver.js';
import { RewindError } from '../../core/errors.js';
import { expandItem } from '../../core/template.js';
import { createArchiveDriver } from './index.js';
import { layoutOf, type Layout } from './layout.js';
import { archiveSchema, type ArchiveConfig } from './schema.js';

export const archiveDriver: DriverModule<ArchiveConfig> = {
  kind: 'archive',
  scope: 'host',
  summary: 'a directory deployed from, and restored to, verified tarballs, swapped in with renames',
  schema: archiveSchema,
  needs: 'path, store, source',
  writeRoots: (config, host) => {
    const layout = archiveLayout(config, host);
    return [layout.live, layout.previous, layout.stagingRoot, layout.store];
  },
  writtenPaths: (config, host) => {
    const layout = archiveLayout(config, host);
    return [{ key: 'path', path: layout.live }, { key: 'store', path: layout.store }];
  },
  create: (config, io) => createArchiveDriver({
    app: io.app,
    env: io.env,
    address: io.host.address,
    config,
    layout: archiveLayout(config, io.host),
    configDir: io.configDir,
    scratchDir: join(io.stateDir, 'archive', io.env),
    files: io.files,
    exec: io.exec,
    smoke: io.smoke ?? [],
    clock: io.clock,
    random: () => randomBytes(4).toString('hex'),
    self: io.self,
  }, io.local.files),
};

/** The layout on `host`: this machine only; `{host}` is its address, relative paths are the config file's. */
function archiveLayout(config: ArchiveConfig, host: DriverHost): Layout {
  if (host.remote) {
    throw new RewindError(
      'CONFIG_INVALID',
      `the archive driver works on this machine only: hosts must be [local] (got ${host.name}); ` +
        'run rewind on the host that holds archive.path',
      { field: 'hosts' },
    );
  }
  const path = resolve(host.base, expandItem(config.path, { host: host.address }));
  const store = resolve(host.base, expandItem(config.store, { host: host.address }));
  if (path === store || inside(store, path) || inside(path, store)) {
    throw new RewindError(
      'CONFIG_INVALID',
      `archive.store ${store} and archive.path ${path} must be separate directories: the swap moves path as a whole`,
      { field: 'archive.store' },
    );
  }
  return layoutOf(path, store);
}

function inside(path: string, root: string): boolean {
  return path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}
