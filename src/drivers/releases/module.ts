/**
 * The `releases` driver as the registry sees it. On this machine a release
 * is made in place from its source; on a remote host it is built here once,
 * packed, shipped (over SFTP, or over exec where the host has none) and
 * unpacked there (the host never builds).
 */
import { isAbsolute, join, resolve } from 'node:path';
import type { Driver, DriverHost, DriverIo, DriverModule } from '../../core/driver.js';
import { RewindError } from '../../core/errors.js';
import { expandItem } from '../../core/template.js';
import { createReleasesDriver } from './index.js';
import { releasesSchema, type ReleasesConfig } from './schema.js';
import { createShippedDriver, type Packs } from './shipped.js';

/** Where a shipped release's tarball waits on the host while it is unpacked. */
const INCOMING = '.rewind-incoming';

export const releasesDriver: DriverModule<ReleasesConfig> = {
  kind: 'releases',
  scope: 'host',
  summary: 'release dirs and a current symlink, switched atomically',
  schema: releasesSchema,
  needs: 'path, source',
  writeRoots: (config, host) => [releasesPath(config, host)],
  writtenPaths: (config, host) => [{ key: 'path', path: releasesPath(config, host) }],
  create: (config, io) => (io.host.remote ? shippedTo(config, io) : builtHere(config, io)),
  // Both slots share releases/ and shared/; each has its own link.
  slots: true,
  starter: (app) => `    # How versions are switched: releases (a releases/<version>/ dir per version and a current symlink).
    driver: releases
    # Where it runs: local (this machine).
    hosts: [local]
    # Settings of the releases driver.
    releases:
      # Holds releases/<version>/, shared/ and the current symlink; absolute or relative to this file.
      path: /srv/${app}
      # Releases kept on disk; pruning never removes the live or the last known good release.
      keep: 5
      # Where a release comes from: { git: ., ref: "{version}" } | { dir: ./build } | { tarball: ./dist/{version}.tgz }.
      source: { git: ., ref: "{version}" }
      # Commands run inside the new release dir before it goes live, in order.
      build: [["npm", "ci", "--omit=dev"]]
      # Files and dirs kept in shared/ and linked into every release, e.g. [.env, uploads].
      shared: []
`,
};

/** releases.path on `host`: `{host}` is its address; relative paths only on this machine. */
function releasesPath(config: ReleasesConfig, host: DriverHost): string {
  const path = expandItem(config.path, { host: host.address });
  if (host.remote && !isAbsolute(path)) {
    throw new RewindError('CONFIG_INVALID', `releases.path must be absolute for remote hosts (got ${JSON.stringify(config.path)})`, {
      field: 'releases.path',
    });
  }
  return resolve(host.base, path);
}

function builtHere(config: ReleasesConfig, io: DriverIo): Driver {
  return createReleasesDriver({
    app: io.app, env: io.env, path: releasesPath(config, io.host), configDir: io.configDir, config, exec: io.exec, files: io.files,
    localFiles: io.local.files, currentName: currentName(io),
  });
}

/** `current`, or a blue/green slot's own link beside it. */
function currentName(io: DriverIo): string {
  return io.slot ? `current-${io.slot.name}` : 'current';
}

function shippedTo(config: ReleasesConfig, io: DriverIo): Driver {
  const path = releasesPath(config, io.host);
  const upload = io.upload;
  if (!upload) throw new RewindError('INTERNAL', `the releases driver on ${io.host.name} needs a way to upload releases`);
  // The host unpacks the tarball it was sent, links its shared entries and never builds.
  const incoming = join(path, INCOMING, '{version}.tar');
  const host = createReleasesDriver({
    app: io.app, env: io.env, path, configDir: path,
    config: { ...config, source: { tarball: incoming, strip_components: 0 }, build: [] }, exec: io.exec, files: io.files,
    localFiles: io.local.files, currentName: currentName(io),
  });
  // One staging dir and one pack per version for the whole fleet: every host gets the same bytes.
  const stagingPath = join(io.stateDir, 'build', io.env);
  const staging = sharedOnce(io, 'releases:staging', () => createReleasesDriver({
    app: io.app, env: io.env, path: stagingPath, configDir: io.configDir,
    config: { ...config, shared: [], keep: 2 }, exec: io.local.exec, files: io.local.files,
  }));
  const packs = sharedOnce<Packs>(io, 'releases:packs', () => new Map());
  return createShippedDriver({
    host,
    hostFiles: io.files,
    incoming: (version) => join(path, INCOMING, `${version}.tar`),
    shipping: { staging, localExec: io.local.exec, localFiles: io.local.files, packDir: join(stagingPath, 'packs'), upload },
    packs,
  });
}

function sharedOnce<T>(io: DriverIo, key: string, make: () => T): T {
  if (!io.shared.has(key)) io.shared.set(key, make());
  return io.shared.get(key) as T;
}
