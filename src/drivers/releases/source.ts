/**
 * Where a release's files come from: a git ref, a directory or a tarball.
 * Locating checks the source exists before anything is written; only then
 * is it materialized into the new release dir.
 */
import { resolve } from 'node:path';
import { RewindError } from '../../core/errors.js';
import type { FileStat, Files } from '../../core/ports.js';
import type { SourceConfig } from './schema.js';
import { expandItem, type TemplateVars } from '../../core/template.js';
import { commandFailed } from './failures.js';
import { locateGit, type GitContext } from './gitSource.js';
import type { LocatedSource } from './locatedSource.js';

export type { LocatedSource } from './locatedSource.js';

export interface SourceContext extends GitContext {
  vars: TemplateVars;
}

export async function locateSource(source: SourceConfig, ctx: SourceContext): Promise<LocatedSource> {
  if ('git' in source) {
    return locateGit(expandItem(source.git, ctx.vars), expandItem(source.ref, ctx.vars), ctx);
  }
  if ('dir' in source) {
    const dir = resolve(ctx.configDir, expandItem(source.dir, ctx.vars));
    await requireSource(ctx.files, dir, 'directory', (s) => s.type === 'dir');
    return {
      description: `dir ${dir}`,
      sha: null,
      materialize: (dest) => ctx.files.copyDir(dir, dest),
    };
  }
  const tarball = resolve(ctx.configDir, expandItem(source.tarball, ctx.vars));
  await requireSource(ctx.files, tarball, 'tarball', (s) => s.type === 'file');
  const strip = source.strip_components;
  return {
    description: `tarball ${tarball}`,
    sha: null,
    async materialize(dest) {
      await ctx.files.mkdir(dest);
      // GNU tar and bsdtar both detect gzip/bzip2/xz by content when reading a file.
      const argv = ['tar', '-x', '-f', tarball, '-C', dest, '--no-same-owner'];
      if (strip > 0) argv.push(`--strip-components=${strip}`);
      const result = await ctx.exec.run(argv);
      if (result.code !== 0) throw commandFailed('BUILD_FAILED', `release ${ctx.version} could not be unpacked`, result);
    },
  };
}

/** Checked on the host the driver works on (through its Files), following symlinks. */
async function requireSource(files: Files, path: string, kind: string, ok: (s: FileStat) => boolean): Promise<void> {
  const real = await files.realpath(path).catch(() => undefined);
  const found = real === undefined ? undefined : await files.stat(real);
  if (found === undefined) {
    throw new RewindError('SOURCE_NOT_FOUND', `source ${kind} ${path} does not exist`, { path });
  }
  if (!ok(found)) {
    throw new RewindError('SOURCE_NOT_FOUND', `source ${kind} ${path} is not a ${kind === 'tarball' ? 'file' : 'directory'}`, { path });
  }
}
