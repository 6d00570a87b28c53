/**
 * After a verified deploy: `.previous` and any staging leftovers go (never
 * while a swap is stopped halfway, with `path` missing), and the store keeps
 * the newest `keep` version tarballs, every protected version (the last
 * known good) and the live one. Backups of broken versions are never pruned:
 * they are the post-mortem's, removed by hand.
 */
import { join } from 'node:path';
import { isSafeName } from '../../core/names.js';
import type { ArchiveContext } from './context.js';
import { inspectLive } from './inspect.js';
import { BACKUP_NAME, sidecarOf } from './layout.js';
import { readSidecar } from './sha.js';

export async function pruneArchive(ctx: ArchiveContext, protect: readonly string[]): Promise<string[]> {
  const { files, layout } = ctx;
  const live = await inspectLive(files, layout);
  if ((await files.stat(layout.live))?.type === 'dir') {
    await files.remove(layout.previous);
    await files.remove(layout.stagingRoot);
  }
  const kept = new Set(protect);
  if (live.version !== null) kept.add(live.version);
  const stored = await storedVersions(ctx);
  stored.sort((a, b) => b.mtimeMs - a.mtimeMs || (a.version < b.version ? 1 : -1));
  const removed: string[] = [];
  for (const [index, entry] of stored.entries()) {
    if (index < ctx.config.keep || kept.has(entry.version)) continue;
    await files.remove(entry.tarball);
    await files.remove(sidecarOf(entry.tarball));
    removed.push(entry.version);
  }
  await removeDeadTemporaries(ctx);
  return removed;
}

export interface StoredVersion {
  version: string;
  tarball: string;
  sha256: string;
  mtimeMs: number;
}

/** The version tarballs in the store that have their `.sha256` (not backups, not temporaries). */
export async function storedVersions(ctx: Pick<ArchiveContext, 'files' | 'layout'>): Promise<StoredVersion[]> {
  const { files, layout } = ctx;
  const found: StoredVersion[] = [];
  for (const name of await files.list(layout.store)) {
    const version = /^(.+)\.tar\.gz$/.exec(name)?.[1];
    if (version === undefined || !isSafeName(version) || BACKUP_NAME.test(name)) continue;
    const tarball = join(layout.store, name);
    const stat = await files.stat(tarball);
    const sha256 = await readSidecar(files, tarball);
    if (stat?.type === 'file' && sha256 !== undefined) found.push({ version, tarball, sha256, mtimeMs: stat.mtimeMs });
  }
  return found;
}

/** `.<name>.tar.gz.tmp-<pid>-*` left by a process that died while packing. */
async function removeDeadTemporaries(ctx: ArchiveContext): Promise<void> {
  for (const name of await ctx.files.list(ctx.layout.store)) {
    const pid = Number(/^\..+\.tmp-(\d+)-[0-9a-f]+$/.exec(name)?.[1] ?? Number.NaN);
    const dead = ctx.self !== undefined && pid !== ctx.self.pid && !ctx.self.isAlive(pid);
    if (Number.isInteger(pid) && dead) await ctx.files.remove(join(ctx.layout.store, name));
  }
}
