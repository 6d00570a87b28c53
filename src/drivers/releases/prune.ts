/**
 * Removing old releases: the newest `keep` stay, and so do every protected
 * version (the caller passes the last known good) and whatever `current`
 * points at, whatever their age. Leftovers of interrupted builds go too,
 * unless a build is still running.
 */
import { join } from 'node:path';
import { isSafeName } from '../../core/names.js';
import type { DriverContext } from './context.js';
import { inspectCurrent } from './inspect.js';
import { readManifest } from './manifest.js';
import { isAlive } from './pids.js';

interface Candidate {
  version: string;
  time: number;
}

export async function pruneReleases(ctx: DriverContext, protect: readonly string[]): Promise<string[]> {
  const { files, layout } = ctx;
  const kept = new Set(protect);
  const live = await inspectCurrent(files, layout);
  if (live.version !== null) kept.add(live.version);

  const intact: Candidate[] = [];
  const leftovers: string[] = [];
  for (const name of await files.list(layout.releasesDir)) {
    if (!isSafeName(name)) continue;
    const dir = layout.releaseDir(name);
    const found = await files.stat(dir);
    // Only real dirs are ours to delete; a stray file or link is left alone.
    if (found === undefined || found.type !== 'dir') continue;
    const manifest = await readManifest(files, layout, name);
    if (manifest === undefined) leftovers.push(name);
    else intact.push({ version: name, time: orderTime(manifest.createdAt, found.mtimeMs) });
  }

  intact.sort((a, b) => b.time - a.time || (a.version < b.version ? 1 : -1));
  const removed: string[] = [];
  for (const [index, release] of intact.entries()) {
    if (index < ctx.keep || kept.has(release.version)) continue;
    await files.remove(layout.releaseDir(release.version));
    removed.push(release.version);
  }
  for (const version of leftovers) {
    if (kept.has(version) || (await ctx.builds.isBeingBuilt(version))) continue;
    await files.remove(layout.releaseDir(version));
    removed.push(version);
  }
  await removeStaleTemporaries(ctx);
  return removed;
}

function orderTime(createdAt: string, mtimeMs: number): number {
  const parsed = Date.parse(createdAt);
  return Number.isNaN(parsed) ? mtimeMs : parsed;
}

/** Build markers and `current.tmp-<pid>-*` links left by processes that died mid-step. */
async function removeStaleTemporaries(ctx: DriverContext): Promise<void> {
  const { files, layout } = ctx;
  for (const name of await files.list(layout.releasesDir)) {
    const marker = /^\.(.+)\.building$/.exec(name);
    if (marker !== null && !(await ctx.builds.isBeingBuilt(marker[1] as string))) {
      await files.remove(join(layout.releasesDir, name));
    }
  }
  for (const name of await files.list(layout.root)) {
    const temp = /^current\.tmp-(\d+)-/.exec(name);
    if (temp !== null && Number(temp[1]) !== process.pid && !isAlive(Number(temp[1]))) {
      await files.remove(join(layout.root, name));
    }
  }
}
