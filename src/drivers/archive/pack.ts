/**
 * Packing a tree into `<name>.tar.gz` in the store: written under a
 * temporary name beside it (asked of the write guard first, since node-tar
 * writes the file itself), its entries checked as a restore would check
 * them, hashed, then renamed into place, and its `.sha256` written beside it.
 * A tarball is never seen half-written under its real name.
 */
import { basename, dirname, join } from 'node:path';
import * as tar from 'tar';
import { RewindError } from '../../core/errors.js';
import type { Files } from '../../core/ports.js';
import { entryProblems, summarizeProblems } from './entries.js';
import { listEntries, tarSaid } from './scan.js';
import { sha256File, writeSidecar } from './sha.js';
import type { TreeEntry } from './tree.js';

export interface PackContext {
  files: Files;
  random(): string;
}

/** Packs `entries` of `root` into `tarball`; returns its sha256. */
export async function packTree(ctx: PackContext, root: string, entries: readonly TreeEntry[], tarball: string): Promise<string> {
  const temp = join(dirname(tarball), `.${basename(tarball)}.tmp-${process.pid}-${ctx.random()}`);
  await ctx.files.mkdir(dirname(tarball));
  await ctx.files.assertWritable(temp);
  let sha: string;
  try {
    // `./` first: node-tar reads a path that starts with `@` as an archive to append.
    const paths = entries.length === 0 ? ['.'] : entries.map((e) => `./${e.path}`);
    await tar.c({ file: temp, cwd: root, gzip: true, portable: true, noDirRecurse: true, strict: true }, paths);
    const problems = entryProblems(await listEntries(temp));
    if (problems.length > 0) {
      throw new RewindError('BUILD_FAILED', `${root} cannot be packed into ${tarball}: ${summarizeProblems(problems)}; ` +
        'a restore would refuse it: remove the link or leave it out with archive.exclude', { root, problems });
    }
    sha = await sha256File(temp);
    await ctx.files.rename(temp, tarball);
  } catch (error) {
    await ctx.files.remove(temp).catch(() => undefined);
    if (error instanceof RewindError) throw error;
    throw new RewindError('BUILD_FAILED', `${root} could not be packed into ${tarball}: ${tarSaid(error)}`, { root }, { cause: error });
  }
  await writeSidecar(ctx.files, tarball, sha);
  return sha;
}
