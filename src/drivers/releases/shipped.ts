/**
 * A release built once, here, and shipped to a remote host as a tarball:
 * the host unpacks it, links its shared entries and switches, but never
 * builds. Every host of a fleet gets the very same bytes.
 */
import { dirname, join } from 'node:path';
import type { Driver, PreparedRelease } from '../../core/driver.js';
import { isRewindError } from '../../core/errors.js';
import type { Exec, Files } from '../../core/ports.js';
import { commandFailed } from './failures.js';
import { MANIFEST_FILE } from './layout.js';

export interface Shipping {
  /** The releases driver that builds releases on this machine (its path is a staging dir). */
  staging: Driver;
  /** This machine's runner and files, to pack the staged release. */
  localExec: Exec;
  localFiles: Files;
  /** Where packed releases are kept here. */
  packDir: string;
  /** Copy a local file to the host (SFTP, or exec channels where it has no SFTP). */
  upload(localPath: string, remotePath: string): Promise<void>;
}

/** Packs made in this run, by version: a release is built and packed once for every host. */
export type Packs = Map<string, Promise<{ tarball: string; sha: string | null }>>;

export interface ShippedOptions {
  /** The releases driver on the host, whose source is the tarball at `incoming(version)` and whose build is empty. */
  host: Driver;
  hostFiles: Files;
  incoming(version: string): string;
  shipping: Shipping;
  /** Packs made in this run, shared by every host so a release is built and packed once. */
  packs: Packs;
}

export function createShippedDriver(options: ShippedOptions): Driver {
  const { host, hostFiles, shipping } = options;
  return {
    kind: host.kind,
    inspect: () => host.inspect(),
    isPresent: (version) => host.isPresent(version),
    activate: (version) => host.activate(version),
    prune: (protect) => host.prune(protect),
    vars: (version) => host.vars(version),
    // What the host holds: the staging dir here is scratch space, not a target.
    madeReleases: host.madeReleases?.bind(host),
    snapshot: host.snapshot?.bind(host),
    async prepare(version, prepareOptions): Promise<PreparedRelease> {
      if (!prepareOptions?.rebuild) {
        // Already there: reused on its manifest (integrity was checked when the rollback was planned).
        // Not there: its tarball source is missing, which is the cue to ship it.
        try {
          return await host.prepare(version);
        } catch (error) {
          if (!(isRewindError(error) && error.code === 'SOURCE_NOT_FOUND')) throw error;
        }
      }
      let pack = options.packs.get(version);
      if (!pack) {
        pack = packRelease(shipping, version);
        options.packs.set(version, pack);
      }
      const { tarball } = await pack;
      const incoming = options.incoming(version);
      await hostFiles.mkdir(dirname(incoming));
      try {
        await shipping.upload(tarball, incoming);
        return await host.prepare(version, prepareOptions);
      } finally {
        await hostFiles.remove(incoming).catch(() => undefined);
      }
    },
  };
}

/** Build the release here (once) and pack it, without its manifest: the host writes its own, last. */
async function packRelease(shipping: Shipping, version: string): Promise<{ tarball: string; sha: string | null }> {
  const staged = await shipping.staging.prepare(version);
  await shipping.localFiles.mkdir(shipping.packDir);
  const tarball = join(shipping.packDir, `${version}.tar`);
  await shipping.localFiles.assertWritable(tarball);
  const result = await shipping.localExec.run(['tar', '-c', '-f', tarball, `--exclude=./${MANIFEST_FILE}`, '-C', staged.artifact, '.']);
  if (result.code !== 0) throw commandFailed('BUILD_FAILED', `release ${version} could not be packed for shipping`, result);
  return { tarball, sha: staged.sha };
}
