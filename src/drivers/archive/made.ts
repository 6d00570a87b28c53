/** The versions the store holds, by its own record (tarball and `.sha256`): how a lost ledger is noticed and rebuilt. */
import type { MadeReleases } from '../../core/driver.js';
import { formatArtifact } from './artifact.js';
import type { ArchiveContext } from './context.js';
import { storedVersions } from './prune.js';

export async function madeArchives(ctx: Pick<ArchiveContext, 'files' | 'layout'>): Promise<MadeReleases> {
  const stored = await storedVersions(ctx);
  return {
    where: ctx.layout.store,
    releases: stored.map((s) => ({ version: s.version, sha: null, madeAt: null, artifact: formatArtifact(s) })),
  };
}
