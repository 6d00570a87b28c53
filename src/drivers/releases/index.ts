/**
 * The `releases` driver on the local host: Capistrano-style
 * releases/<version>/ dirs, shared/, and a `current` symlink swapped
 * atomically. It changes files only through the Files it is given (the
 * write guard) and starts processes only through the Exec it is given.
 */
import { randomBytes } from 'node:crypto';
import { isAbsolute } from 'node:path';
import type { ReleasesConfig } from './schema.js';
import type { Driver } from '../../core/driver.js';
import { RewindError } from '../../core/errors.js';
import { assertSafeName, isSafeName } from '../../core/names.js';
import type { Clock, Exec, Files } from '../../core/ports.js';
import { BuildTracker } from './building.js';
import type { DriverContext } from './context.js';
import { currentTarget } from './current.js';
import { inspectCurrent } from './inspect.js';
import { layoutOf } from './layout.js';
import { checksumsHold } from './checksum.js';
import { readManifest } from './manifest.js';
import { madeReleases } from './made.js';
import { prepareRelease } from './prepare.js';
import { pruneReleases } from './prune.js';
import { snapshotLive } from './snapshot.js';
import { activateRelease } from './switch.js';

export interface ReleasesDriverOptions {
  app: string;
  env: string;
  /** Absolute: holds releases/, shared/ and current. */
  path: string;
  /** Relative `dir`, `tarball` and `git` sources are resolved from here. */
  configDir: string;
  config: ReleasesConfig;
  exec: Exec;
  files: Files;
  /** This machine's files, where a snapshot for the post-mortem is written; `files` by default. */
  localFiles?: Files;
  /** Overrides config.keep. */
  keep?: number;
  /** Stamps manifests; the system clock by default. */
  clock?: Clock;
  /** Per build command; none by default. */
  buildTimeoutMs?: number;
  /** The link this instance switches: `current`, or a blue/green slot's `current-<slot>`. */
  currentName?: string;
}

export { MANIFEST_FILE, REVISION_FILE } from './layout.js';
export type { ReleaseManifest } from './manifest.js';

export function createReleasesDriver(options: ReleasesDriverOptions): Driver {
  if (!isAbsolute(options.path)) {
    throw new RewindError(
      'CONFIG_INVALID',
      `releases.path ${JSON.stringify(options.path)} must be resolved to an absolute path before the driver is made`,
      { field: 'releases.path' },
    );
  }
  const layout = layoutOf(options.path, options.currentName);
  const ctx: DriverContext = {
    app: options.app,
    env: options.env,
    configDir: options.configDir,
    config: options.config,
    exec: options.exec,
    files: options.files,
    clock: options.clock ?? { now: () => new Date() },
    layout,
    builds: new BuildTracker(options.files, layout),
    keep: options.keep ?? options.config.keep,
    buildTimeoutMs: options.buildTimeoutMs,
    random: () => randomBytes(4).toString('hex'),
  };

  return {
    kind: 'releases',

    inspect: () => inspectCurrent(ctx.files, layout),

    async prepare(version, options) {
      assertSafeName(version, 'version');
      return ctx.builds.once(version, () => prepareRelease(ctx, version, options?.rebuild === true));
    },

    /** Present and intact: its manifest is there and its files still have the checksum it was made with. */
    async isPresent(version) {
      if (!isSafeName(version)) return false;
      const manifest = await readManifest(ctx.files, layout, version);
      if (manifest === undefined) return false;
      return manifest.checksums !== true || (await checksumsHold(ctx.exec, layout.releaseDir(version)));
    },

    async activate(version) {
      assertSafeName(version, 'version');
      await activateRelease(ctx, version);
    },

    async prune(protect) {
      return pruneReleases(ctx, protect);
    },

    madeReleases: () => madeReleases(ctx.files, layout),

    snapshot: (dir) => snapshotLive(ctx.files, layout, options.localFiles ?? ctx.files, dir),

    async vars(version) {
      assertSafeName(version, 'version');
      return {
        version,
        release_dir: layout.releaseDir(version),
        previous_release_dir: await currentTarget(ctx.files, layout),
        env: ctx.env,
        app: ctx.app,
      };
    },
  };
}
