import type { EarlierRecord, HostRecord } from '../../core/earlierRecord.js';
import type { MadeReleases } from '../../core/driver.js';
import { RewindError } from '../../core/errors.js';
import type { Files } from '../../core/ports.js';
import type { Target } from '../../core/target.js';
import { reportedRuns } from '../reports/reportedRuns.js';
import { reportsRoot } from '../reports/writeRollbackReports.js';
import { onHosts } from '../targets.js';

/** What finding the record needs: the environment's targets and this machine's reports dir. */
export interface RecordIo {
  app: string;
  envName: string;
  targets: readonly Target[];
  concurrency: number;
  /** This machine's files: the reports dir is read through them. */
  files: Files;
  stateDir: string;
}

/**
 * Ask every target's driver what rewind made there (a driver without that
 * capability adds nothing), and read the environment's runs from the reports
 * dir. Read-only. A host that cannot be asked is listed as unreadable.
 */
export async function findEarlierRecord(io: RecordIo): Promise<EarlierRecord> {
  const asked = io.targets.filter((t) => t.driver.madeReleases !== undefined);
  const [outcomes, runs] = await Promise.all([
    onHosts(asked, io.concurrency, async (t): Promise<{ made: MadeReleases; running: string | null }> => {
      const made = await (t.driver.madeReleases as () => Promise<MadeReleases>)();
      // What runs decides which release is live after a rebuild; asked only when there is something to rebuild.
      const running = made.releases.length > 0 ? (await t.driver.inspect()).version : null;
      return { made, running };
    }),
    reportedRuns(io.files, io.stateDir, io.app, io.envName),
  ]);
  const hosts: HostRecord[] = [];
  const unreadable: EarlierRecord['unreadable'] = [];
  for (const o of outcomes) {
    if (o.ok && o.value) hosts.push({ host: o.host, where: o.value.made.where, releases: o.value.made.releases, running: o.value.running });
    else unreadable.push({ host: o.host, error: o.error ?? new RewindError('INTERNAL', `${o.host} could not be asked`) });
  }
  return { hosts, unreadable, reportsDir: reportsRoot(io.stateDir), runs };
}
