/**
 * What the git driver keeps of the checkout before a rollback moves it, for
 * the post-mortem: the commit and tag it was on, and every uncommitted change
 * (a hotfix edited on the server is what a post-mortem most often misses),
 * with the diff of tracked files. Only reads on the host.
 */
import { join } from 'node:path';
import type { Files } from '../../core/ports.js';
import type { GitDriverContext } from './context.js';
import { git } from './repo.js';

/** A diff bigger than this is cut: the snapshot runs under the diagnostics' bound, and the point is to see what changed. */
const DIFF_LIMIT = 256 * 1024;

export async function snapshotCheckout(ctx: GitDriverContext, localFiles: Files, dir: string): Promise<string[]> {
  const said = async (args: string[]) => {
    const result = await git(ctx, args).catch(() => undefined);
    return result?.code === 0 ? result.stdout : null;
  };
  const [head, describe, status, diff] = await Promise.all([
    said(['rev-parse', 'HEAD']),
    said(['describe', '--tags', '--always', '--dirty']),
    said(['status', '--porcelain', '--untracked-files=normal']),
    said(['diff', 'HEAD']),
  ]);
  await localFiles.mkdir(dir);
  const summary = {
    checkout: ctx.path,
    head: head?.trim() ?? null,
    describe: describe?.trim() ?? null,
    changes: status === null ? null : status.split('\n').filter((l) => l.length > 3),
  };
  const checkoutFile = join(dir, 'checkout.json');
  await localFiles.writeFileAtomic(checkoutFile, `${JSON.stringify(summary, null, 2)}\n`);
  if (!diff) return [checkoutFile];
  const diffFile = join(dir, 'uncommitted.diff');
  const cut = diff.length > DIFF_LIMIT ? `${diff.slice(0, DIFF_LIMIT)}\n[cut at ${DIFF_LIMIT} bytes of ${diff.length}]\n` : diff;
  await localFiles.writeFileAtomic(diffFile, cut);
  return [checkoutFile, diffFile];
}
