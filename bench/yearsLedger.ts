/**
 * A ledger of years for bench/ledgerYears.ts: one environment whose history is
 * written straight into the SQLite file (one transaction, prepared inserts),
 * then finished by two real deploys through the CLI, so that what is live, the
 * last known good, `current` and the release dirs are exactly what rewind
 * itself leaves.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openSqliteLedger } from '../src/ledger/sqlite.js';
import { describe, rewindCli } from './cli.js';
import { pastDeploys, yearsConfig } from './yearsHistory.js';

/** Fifty deploys a day: the history's timestamps go back from a day ago at this pace. */
const DEPLOY_EVERY_MS = (24 * 3600_000) / 50;

/** A project in `dir` whose production ledger holds `releases` releases (and a deploy run each), the newest two deployed for real. */
export async function makeYearsProject(dir: string, releases: number): Promise<void> {
  await mkdir(join(dir, '.rewind'), { recursive: true });
  await writeFile(join(dir, 'rewind.yaml'), yearsConfig(['production']));
  const ledger = await openSqliteLedger(join(dir, '.rewind', 'ledger.sqlite'));
  await ledger.close();
  writeHistory(join(dir, '.rewind', 'ledger.sqlite'), Math.max(0, releases - 2));
  for (const version of ['v-prev', 'v-live']) {
    await mkdir(join(dir, 'build', version), { recursive: true });
    await writeFile(join(dir, 'build', version, 'index.js'), `console.log(${JSON.stringify(version)});\n`);
    const deployed = await rewindCli(dir, ['deploy', version], 300_000);
    if (deployed.code !== 0) throw new Error(`bench: deploy ${version} failed: ${describe(deployed)}`);
  }
}

/** `count` releases and their deploy runs (and a rollback run for each failed one), oldest first, in one transaction. */
function writeHistory(file: string, count: number): void {
  const db = new BetterSqlite3(file);
  try {
    const release = db.prepare(`insert into releases (id, app, env, version, sha, artifact, status, deployed_by, deployed_at,
      verified_at, marked_bad_at, activated_at, migrations, source, seq) values (?, 'shop', 'production', ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', 'rewind', ?)`);
    const run = db.prepare(`insert into runs (id, app, env, kind, status, from_version, to_version, from_release_id, to_release_id,
      requested_by, approved_by, reason, trigger, plan, created_at, started_at, finished_at, error, seq)
      values (?, 'shop', 'production', ?, 'succeeded', ?, ?, ?, ?, 'ci@example.com', null, null, ?, ?, ?, ?, ?, null, ?)`);
    let runSeq = 0;
    db.transaction(() => {
      for (const { index: i, at: startMs, version, sha, failed } of pastDeploys(count, DEPLOY_EVERY_MS, Date.now() - 24 * 3600_000)) {
        const at = new Date(startMs).toISOString();
        const done = new Date(startMs + 40_000).toISOString();
        const id = `rel-${i}`;
        release.run(id, version, sha, `/srv/releases/${version}`, failed ? 'rolled_back' : 'superseded', 'ci@example.com', at,
          failed ? null : done, failed ? done : null, at, i + 1);
        const plan = JSON.stringify({ kind: 'deploy', version, releaseId: id, previousReleaseId: i > 0 ? `rel-${i - 1}` : null,
          autoRollback: true, steps: ['prepare', 'switch', 'reload', 'verify', 'prune'].map((kind) => ({ id: `${kind}:${version}`, kind })) });
        run.run(`deploy-${i}`, 'deploy', i > 0 ? `v${i - 1}` : null, version, i > 0 ? `rel-${i - 1}` : null, id, 'manual', plan, at, at, done,
          ++runSeq);
        if (failed) {
          run.run(`rollback-${i}`, 'rollback', version, `v${i - 1}`, id, `rel-${i - 1}`, 'deploy.verify_failed', '{}', done, done, done,
            ++runSeq);
        }
      }
    })();
  } finally {
    db.close();
  }
}
