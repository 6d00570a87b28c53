import { RewindError } from '../core/errors.js';
import { lockKey } from '../core/lock.js';
import type { Release } from '../core/release.js';
import type { Run } from '../core/run.js';
import type { EnvDeps } from './deps.js';
import { releaseHere } from './ledgerLookups.js';
import { familyOf, isCarriedOut } from './unsettledRuns.js';

export interface History {
  releases: Release[];
  runs: Run[];
  /** The cursors of the next (older) page of each list; null when this page reached its oldest entry. */
  next: { releases: string | null; runs: string | null };
}

export interface HistoryPage {
  /** At most this many of each list (default HISTORY_PAGE). */
  limit?: number;
  /**
   * Cursors, each a release or run id as `history` lists them: the list it belongs to starts after
   * it (older). With any cursor, a list without one is left out: paging goes on where `next` says.
   */
  before?: readonly string[];
}

/** A page of history by default: a ledger of years is read a page at a time, never whole. */
export const HISTORY_PAGE = 50;
export const HISTORY_MAX_PAGE = 10_000;

type Deps = Pick<EnvDeps, 'ledger' | 'app' | 'envName' | 'clock' | 'self'>;

/**
 * Releases and runs of this environment, newest first, a page of each. A run the ledger says is
 * `running` but whose process no longer holds the environment's lock is shown as `interrupted`:
 * `rewind resume` continues it. A number is the page's size (the library's older form).
 */
export async function history(deps: Deps, page: HistoryPage | number = {}): Promise<History> {
  const { limit = HISTORY_PAGE, before = [] } = typeof page === 'number' ? { limit: page } : page;
  if (!Number.isInteger(limit) || limit < 1 || limit > HISTORY_MAX_PAGE) {
    throw new RewindError('USAGE', `--limit ${limit}: expected a whole number from 1 to ${HISTORY_MAX_PAGE}`);
  }
  const cursors = await cursorsOf(deps, before);
  const scope = { app: deps.app, env: deps.envName };
  // One more than asked for says whether there is an older page, without counting the ledger.
  const paging = before.length > 0;
  const [releases, runs, lock] = await Promise.all([
    paging && !cursors.releases ? [] : deps.ledger.listReleases({ ...scope, limit: limit + 1, before: cursors.releases }),
    paging && !cursors.runs ? [] : deps.ledger.listRuns({ ...scope, limit: limit + 1, before: cursors.runs }),
    deps.ledger.getLock(lockKey(deps.app, deps.envName)),
  ]);
  const shownRuns = runs.slice(0, limit);
  const interrupted = async (run: Run) => run.status === 'running' && !isCarriedOut(run, await familyOf(deps, run), lock, deps);
  const shown = await Promise.all(shownRuns.map(async (run): Promise<Run> =>
    ((await interrupted(run)) ? { ...run, status: 'interrupted' } : run)));
  return {
    releases: releases.slice(0, limit),
    runs: shown,
    next: {
      releases: releases.length > limit ? (releases[limit - 1] as Release).id : null,
      runs: runs.length > limit ? (runs[limit - 1] as Run).id : null,
    },
  };
}

/** Each `--before` id names a release or a run of this environment, and each list takes one at most. */
async function cursorsOf(deps: Deps, ids: readonly string[]): Promise<{ releases?: string; runs?: string }> {
  const cursors: { releases?: string; runs?: string } = {};
  for (const id of ids) {
    const run = await deps.ledger.getRun(id);
    const list = (await releaseHere(deps, id)) ? 'releases' : run && run.app === deps.app && run.env === deps.envName ? 'runs' : undefined;
    if (list === undefined) {
      throw new RewindError('USAGE',
        `--before ${id}: no release or run with that id in ${deps.envName}; expected an id \`rewind history\` lists`);
    }
    if (cursors[list] !== undefined) {
      throw new RewindError('USAGE', `--before ${id}: the ${list} already start before ${cursors[list]}; give one cursor per list`);
    }
    cursors[list] = id;
  }
  return cursors;
}
