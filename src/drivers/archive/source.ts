/**
 * Where a deploy's files come from: a directory, or a tarball made elsewhere
 * (CI). A tarball is checked like any restore (nothing absolute, no `..`, no
 * link leading out), unpacked into scratch space under state.dir and then
 * packed again with include/exclude, so the store only ever holds tarballs
 * rewind made and checked itself.
 */
import { join, resolve } from 'node:path';
import { RewindError } from '../../core/errors.js';
import { expandItem } from '../../core/template.js';
import type { ArchiveContext } from './context.js';
import { entryProblems, summarizeProblems } from './entries.js';
import { extractInto } from './extract.js';
import { listEntries, tarSaid } from './scan.js';

export interface LocatedSource {
  /** The dir to pack. */
  dir: string;
  description: string;
  /** Removes the scratch copy of a tarball source; nothing for a dir. */
  cleanup(): Promise<void>;
}

export async function locateSource(ctx: ArchiveContext, version: string): Promise<LocatedSource> {
  const { source } = ctx.config;
  if ('dir' in source) {
    const dir = resolve(ctx.configDir, expandItem(source.dir, { version, env: ctx.env, app: ctx.app, host: ctx.address }));
    await requireSource(ctx, dir, 'directory');
    return { dir, description: `dir ${dir}`, cleanup: async () => undefined };
  }
  const tarball = resolve(ctx.configDir, expandItem(source.tarball, { version, env: ctx.env, app: ctx.app, host: ctx.address }));
  await requireSource(ctx, tarball, 'tarball');
  let entries;
  try {
    entries = await listEntries(tarball);
  } catch (error) {
    throw new RewindError('BUILD_FAILED', `source tarball ${tarball} cannot be read (${tarSaid(error)}); nothing was written`, {
      tarball,
    });
  }
  const problems = entryProblems(entries);
  if (problems.length > 0) {
    throw new RewindError('BUILD_FAILED', `source tarball ${tarball} would write outside its root: ${summarizeProblems(problems)}; ` +
      'nothing was unpacked', { tarball, problems });
  }
  const dir = join(ctx.scratchDir, `source-${version}-${process.pid}-${ctx.random()}`);
  await extractInto(ctx.files, tarball, dir, entries, 'BUILD_FAILED');
  return { dir, description: `tarball ${tarball}`, cleanup: () => ctx.files.remove(dir) };
}

async function requireSource(ctx: ArchiveContext, path: string, kind: 'directory' | 'tarball'): Promise<void> {
  const real = await ctx.files.realpath(path);
  const found = real === undefined ? undefined : await ctx.files.stat(real);
  if (found === undefined) throw new RewindError('SOURCE_NOT_FOUND', `source ${kind} ${path} does not exist`, { path });
  if (found.type !== (kind === 'directory' ? 'dir' : 'file')) {
    throw new RewindError('SOURCE_NOT_FOUND', `source ${kind} ${path} is not a ${kind === 'directory' ? 'directory' : 'file'}`, { path });
  }
}
