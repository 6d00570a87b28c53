/**
 * Reading the `current` symlink: which release it names, if any. Reads only,
 * so they go straight to node:fs.
 */
import { readlinkSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { isSafeName } from '../../core/names.js';
import type { Layout } from './layout.js';

/** The absolute dir `current` points at now, or '' when there is no such symlink. */
export function currentTargetSync(layout: Layout): string {
  try {
    return resolve(layout.root, readlinkSync(layout.current));
  } catch {
    return '';
  }
}

/**
 * The version a resolved link target names when it is a dir directly inside
 * releases/, whether the link was written relative or absolute, through the
 * configured path or its real one.
 */
export async function versionInReleases(layout: Layout, target: string): Promise<string | null> {
  const name = basename(target);
  if (!isSafeName(name)) return null;
  const parent = dirname(target);
  if (parent === layout.releasesDir) return name;
  const realReleases = await realpath(layout.releasesDir).catch(() => undefined);
  return realReleases !== undefined && parent === realReleases ? name : null;
}
