import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { GENESIS_HASH, auditHash } from '../../src/core/auditHash.js';
import { migrateLedger } from '../../src/ledger/migrate.js';
import { auditToRow, releaseToRow } from '../../src/ledger/rows.js';
import type { Database } from '../../src/ledger/tables.js';
import { rewind } from '../helpers/cli.js';
import { MINIMAL_CONFIG } from '../helpers/minimalConfig.js';
import { tempDir } from '../helpers/tmp.js';
import { release } from '../ledger/fixtures.js';
import { deployedProject } from './project.js';

test('releases made before release changes were audited are adopted once, at the upgrade, and verify passes from then on', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'rewind.yaml'), MINIMAL_CONFIG);
  await mkdir(join(dir, '.rewind'));
  const file = join(dir, '.rewind', 'ledger.sqlite');
  // A ledger as the previous rewind left it: releases, and an unkeyed chain that says nothing about them.
  const old = new Kysely<Database>({ dialect: new SqliteDialect({ database: new BetterSqlite3(file) }) });
  await migrateLedger(old, file, '007_lock_generation');
  const good = release('r-good', { version: 'v1', status: 'superseded', verifiedAt: '2025-01-01T10:01:00.000Z' });
  const bad = release('r-bad', { version: 'v2', status: 'rolled_back', markedBadAt: '2025-01-01T11:00:00.000Z' });
  for (const [i, r] of [good, bad].entries()) await old.insertInto('releases').values(releaseToRow(r, i + 1)).execute();
  const event = { at: '2025-01-01T11:00:00.000Z', actor: 'alice', action: 'rollback.succeeded', app: 'shop', env: 'production', runId: 'r1', outcome: 'success', detail: {} };
  const { key_id: _none, ...row } = auditToRow({ ...event, seq: 1, prevHash: GENESIS_HASH, hash: auditHash(GENESIS_HASH, event) });
  await (old as Kysely<any>).insertInto('audit').values(row).execute();
  await old.destroy();

  const first = await rewind(dir, ['audit', 'verify']);
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assert.match(first.stdout, /^audit log intact: 3 entries, /);
  assert.match(first.stdout, /2 releases match their audited state/);
  const entries = (await rewind(dir, ['audit', 'export', '--json'])).json().entries;
  assert.deepEqual(entries.slice(1).map((e: any) => [e.action, e.detail.release_id, e.detail.status, e.detail.baseline]), [
    ['release.state', 'r-good', 'superseded', true],
    ['release.state', 'r-bad', 'rolled_back', true],
  ]);

  assert.equal((await rewind(dir, ['record', '--version', 'v3', '--sha', 'abcdef1', '--status', 'verified'])).code, 0);
  const later = await rewind(dir, ['audit', 'verify']);
  assert.equal(later.code, 0, later.stdout);
  assert.match(later.stdout, /3 releases match their audited state/);

  // Adopted, they are covered like any other.
  const raw = new BetterSqlite3(file);
  raw.exec(`UPDATE releases SET status = 'verified', marked_bad_at = NULL WHERE id = 'r-bad'`);
  raw.close();
  const tampered = await rewind(dir, ['audit', 'verify']);
  assert.equal(tampered.code, 1);
  assert.match(tampered.stdout, /^audit log altered: release r-bad \(v2, shop production\): the releases table says status verified, marked_bad_at null; the audit log \(entry 3\) says status rolled_back, marked_bad_at 2025-01-01T11:00:00\.000Z$/m);
});

test('a row changed behind rewind\'s back stays caught after rewind writes it again', async (t) => {
  const project = await deployedProject(t);
  // v2 was rolled back from; made verified and unmarked, the next deploy's markLive supersedes it like any verified release.
  project.tamper(`UPDATE releases SET status = 'verified', marked_bad_at = NULL WHERE version = 'v2'`);
  await mkdir(join(project.dir, 'build', 'v3'));
  await writeFile(join(project.dir, 'build', 'v3', 'index.txt'), 'v3\n');
  assert.equal((await project.cli(['deploy', 'v3'])).code, 0);
  const rows = project.auditRows();
  const rolledBack = rows.filter((r) => r.action === 'release.state' && JSON.parse(r.detail).version === 'v2' && r.outcome === 'rolled_back').at(-1)!;
  const superseded = rows.find((r) => r.action === 'release.state' && JSON.parse(r.detail).version === 'v2' && r.outcome === 'superseded' && r.seq > rolledBack.seq)!;
  const run = await project.cli(['audit', 'verify']);
  assert.equal(run.code, 1, run.stdout);
  assert.match(run.stdout, new RegExp(`^audit log altered: release rel-\\S+ \\(v2, shop production\\): entry ${superseded.seq} found the row changed ` +
    `outside rewind before this change \\(it differed from entry ${rolledBack.seq} in status, marked_bad_at\\)$`, 'm'));
});
