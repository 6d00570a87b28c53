import { recordDetail, type EarlierRecord } from '../../core/earlierRecord.js';
import { RewindError } from '../../core/errors.js';
import { rebuildReleases, type Rebuild } from '../../core/rebuildReleases.js';
import { audit } from '../audit.js';
import type { EnvDeps } from '../deps.js';
import { findEarlierRecord } from './findEarlierRecord.js';

export interface RebuildResult extends Rebuild {
  /** What it was rebuilt from. */
  record: EarlierRecord;
}

/**
 * `rewind ledger rebuild`: re-create a lost ledger's releases of this
 * environment from the releases rewind made that the targets still hold and
 * the runs the reports tell of (see core/rebuildReleases for the rules), each
 * marked as rebuilt; audited. All or nothing: refused, writing nothing, when
 * the ledger already holds releases of the environment, when a host cannot be
 * read, or when there is nothing to rebuild from.
 */
export async function rebuildLedger(deps: EnvDeps, ledgerLabel: string): Promise<RebuildResult> {
  const where = `${deps.app} ${deps.envName}`;
  const held = await deps.ledger.listReleases({ app: deps.app, env: deps.envName });
  if (held.length > 0) throw alreadyHeld(ledgerLabel, where, held.length);
  const record = await findEarlierRecord({ ...deps, concurrency: deps.fleet.concurrency });
  const unreadable = record.unreadable[0];
  if (unreadable) {
    throw new RewindError(
      unreadable.error.code,
      `ledger rebuild: ${unreadable.host} could not be read (${unreadable.error.message}): a rebuild needs every host; nothing was written`,
      { host: unreadable.host },
    );
  }
  const rebuild = rebuildReleases(record, { app: deps.app, env: deps.envName, now: deps.clock.now(), random: deps.random });
  if (rebuild.releases.length === 0) throw nothingToRebuild(deps, record);
  const filled = await deps.ledger.fillReleases(deps.app, deps.envName, rebuild.releases.map((r) => r.release));
  if (!filled) throw alreadyHeld(ledgerLabel, where, null);
  await audit(deps, 'ledger.rebuilt', 'success', {
    ledger: ledgerLabel,
    releases: rebuild.releases.map((r) => ({ version: r.release.version, status: r.release.status })),
    live: rebuild.live,
    from: recordDetail(record),
  });
  return { ...rebuild, record };
}

function alreadyHeld(ledger: string, where: string, count: number | null): RewindError {
  const what = count === null ? 'releases' : `${count} release${count === 1 ? '' : 's'}`;
  return new RewindError(
    'LEDGER_REBUILD_REFUSED',
    `ledger rebuild: the ledger ${ledger} already holds ${what} of ${where}: a rebuild only fills a ledger that lost them; ` +
      'nothing was written',
    { ledger },
  );
}

function nothingToRebuild(deps: EnvDeps, record: EarlierRecord): RewindError {
  const asked = record.hosts.length > 0;
  const why = asked
    ? `no host holds a release made by rewind (${[...new Set(record.hosts.map((h) => h.where))].join(', ')})`
    : `the ${deps.driverKind} driver keeps no record of rewind's releases on its targets`;
  return new RewindError(
    'LEDGER_REBUILD_REFUSED',
    `ledger rebuild: ${why}: nothing to rebuild ${deps.app} ${deps.envName} from; nothing was written ` +
      '(pass --new-ledger to a command to start a new history)',
    { found: recordDetail(record) },
  );
}
