/**
 * The `archive` driver: a directory (a workflow, a static site, a config
 * tree) deployed from, and restored to, verified tarballs in a store. A
 * release is `<store>/<version>.tar.gz` with its sha256, recorded on the
 * release in the ledger; a rollback restores only a tarball whose bytes still
 * have that sha256 and whose every entry stays inside the live dir (see
 * swap.ts for the staged swap, backup.ts for the broken version's backup).
 */
import type { Driver } from '../../core/driver.js';
import { RewindError } from '../../core/errors.js';
import { assertSafeName, isSafeName } from '../../core/names.js';
import type { Files } from '../../core/ports.js';
import { parseArtifact } from './artifact.js';
import { assessRestore } from './assess.js';
import type { ArchiveContext } from './context.js';
import { inspectLive } from './inspect.js';
import { checkArchive } from './integrity.js';
import { madeArchives } from './made.js';
import { prepareArchive } from './prepare.js';
import { pruneArchive } from './prune.js';
import { readSidecar } from './sha.js';
import { switchArchive } from './swap.js';

export type { ArchiveContext } from './context.js';

/** `reportFiles`: this machine's files, where a backup's manifest goes (the run's report dir). */
export function createArchiveDriver(ctx: ArchiveContext, reportFiles: Files = ctx.files): Driver {
  const { layout } = ctx;
  return {
    kind: 'archive',

    inspect: () => inspectLive(ctx.files, layout),

    async prepare(version, options) {
      assertSafeName(version, 'version');
      return prepareArchive(ctx, version, options);
    },

    /**
     * Present: the tarball has the sha256 the ledger recorded and nothing in it
     * leads outside the live dir. A recorded tarball that is missing or fails
     * either check cannot be made again (its bytes were what was verified):
     * TARGET_GONE, and the plan stops before anything changes.
     */
    async isPresent(version, artifact) {
      if (!isSafeName(version)) return false;
      const recorded = parseArtifact(artifact);
      const tarball = recorded?.tarball ?? layout.tarball(version);
      const sha256 = recorded?.sha256 ?? (await readSidecar(ctx.files, tarball));
      if (sha256 === undefined) return false;
      const integrity = await checkArchive(ctx.files, version, { tarball, sha256 }, layout.live);
      if (integrity.ok) return true;
      if (!recorded) return false;
      throw new RewindError('TARGET_GONE', integrity.message, { version, tarball, why: integrity.why });
    },

    async activate(version, run) {
      assertSafeName(version, 'version');
      return switchArchive(ctx, version, run, reportFiles);
    },

    async describeActivate(version) {
      assertSafeName(version, 'version');
      const live = await inspectLive(ctx.files, layout);
      // A drill is a rollback's: its backup comes first.
      const kept = live.version === null ? 'unmanaged-<time>.tar.gz' : `${live.version}-broken-<time>.tar.gz`;
      return `would back up ${layout.live} to ${layout.store}/${kept}, ` +
        `unpack ${layout.tarball(version)} into ${layout.staging(version)}, validate it` +
        `${ctx.smoke.length > 0 ? ` with ${ctx.smoke.length} smoke command${ctx.smoke.length === 1 ? '' : 's'}` : ''} ` +
        `and swap it in for ${layout.live}, keeping ${live.version ?? 'what it holds'} as ${layout.previous}`;
    },

    prune: (protect) => pruneArchive(ctx, protect),

    madeReleases: () => madeArchives(ctx),

    assess: (version, artifact) => assessRestore(ctx, version, artifact),

    async vars(version) {
      assertSafeName(version, 'version');
      return { version, release_dir: layout.live, previous_release_dir: layout.previous, env: ctx.env, app: ctx.app, host: ctx.address };
    },
  };
}
