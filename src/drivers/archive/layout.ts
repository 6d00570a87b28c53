/**
 * Where the archive driver keeps things. Beside `path`: `<path>.staging/`
 * (a version is unpacked and validated there) and `<path>.previous` (what
 * was live before the last swap, until that run is verified); both are on
 * the same file system as `path`, so the swap is two renames. In the store:
 * `<version>.tar.gz`, its `.sha256` (sha256sum's format) and the backups of
 * broken versions, `<version>-broken-<time>.tar.gz`.
 */
import { join } from 'node:path';

/** In the live dir (and so moved with it by the swap): which version it holds, from which tarball. */
export const MARKER_FILE = '.rewind-archive.json';

export interface Layout {
  live: string;
  previous: string;
  stagingRoot: string;
  store: string;
  staging(version: string): string;
  tarball(version: string): string;
  /** Where a rollback keeps the broken version it replaces. */
  backup(version: string, at: Date): string;
  /** Where the first switch keeps what the live dir held before rewind managed it. */
  unmanaged(at: Date): string;
}

export function layoutOf(path: string, store: string): Layout {
  const stagingRoot = `${path}.staging`;
  return {
    live: path,
    previous: `${path}.previous`,
    stagingRoot,
    store,
    staging: (version) => join(stagingRoot, version),
    tarball: (version) => join(store, `${version}.tar.gz`),
    backup: (version, at) => join(store, `${version}-broken-${timeStamp(at)}.tar.gz`),
    unmanaged: (at) => join(store, `unmanaged-${timeStamp(at)}.tar.gz`),
  };
}

/** `20261203T071754.123Z`: sorts by time, and has no `:` (a path separator for some tools). */
export function timeStamp(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '');
}

/** A backup's file name (it ends in its time), which pruning and a lost ledger's rebuild never take for a version's. */
export const BACKUP_NAME = /^(.+)-(\d{8}T\d{6}\.\d{3}Z)\.tar\.gz$/;

/** The `.sha256` beside a tarball. */
export function sidecarOf(tarball: string): string {
  return `${tarball}.sha256`;
}
