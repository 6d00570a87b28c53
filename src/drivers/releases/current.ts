/**
 * Reading the `current` symlink: which release it names, if any. Reads go
 * through the host's Files, so the same code serves a remote host.
 */
import { basename, dirname, resolve } from 'node:path';
import { isSafeName } from '../../core/names.js';
import type { Files } from '../../core/ports.js';
import type { Layout } from './layout.js';

/** The absolute dir `current` points at now, or '' when there is no such symlink. */
export async function currentTarget(files: Files, layout: Layout): Promise<string> {
  const target = await files.readlink(layout.current).catch(() => undefined);
  return target === undefined ? '' : resolve(layout.root, target);
}

/**
 * The version a resolved link target names when it is a dir directly inside
 * releases/, whether the link was written relative or absolute, through the
 * configured path or its real one.
 */
export async function versionInReleases(files: Files, layout: Layout, target: string): Promise<string | null> {
  const name = basename(target);
  if (!isSafeName(name)) return null;
  const parent = dirname(target);
  if (parent === layout.releasesDir) return name;
  const realReleases = await files.realpath(layout.releasesDir).catch(() => undefined);
  return realReleases !== undefined && parent === realReleases ? name : null;
}
