import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kysely, PostgresDialect } from 'kysely';
import { walkChain } from '../../src/core/auditChain.js';
import { auditKey } from '../../src/core/auditHash.js';
import { checkReleases } from '../../src/core/releaseAudit.js';
import { migrateLedger } from '../../src/ledger/migrate.js';
import { createPool, openPostgresLedger } from '../../src/ledger/postgres.js';
import { releaseToRow } from '../../src/ledger/rows.js';
import { postgresSkip, withTempDatabase } from '../helpers/postgres.js';
import { release } from '../ledger/fixtures.js';

const skip = await postgresSkip();

test('postgres: releases already there are adopted by migration 009, and release changes are keyed entries', { skip }, async (t) => {
  const { url } = await withTempDatabase(t);
  const old = new Kysely<any>({ dialect: new PostgresDialect({ pool: () => createPool(url, { poolSize: 1 }) }) });
  await migrateLedger(old, 'test', '007_lock_generation');
  await old.insertInto('releases').values(releaseToRow(release('r-old', { status: 'verified', verifiedAt: 't' }), 1)).execute();
  await old.destroy();

  const key = auditKey('a-postgres-audit-key-123');
  const ledger = await openPostgresLedger(url, { audit: { key, actor: 'alice@example.com', now: () => new Date('2025-02-01T00:00:00.000Z') } });
  t.after(() => ledger.close());
  await ledger.insertRelease(release('r-new', { status: 'deploying' }));
  await ledger.markLive('r-new', 'live', '2025-02-01T00:00:01.000Z');
  const events = await ledger.listAudit();
  assert.deepEqual([...events].reverse().map((e) => [e.seq, e.detail.release_id, e.outcome, e.keyId ?? null, e.actor]), [
    [1, 'r-old', 'verified', null, 'rewind'],
    [2, 'r-new', 'deploying', key.id, 'alice@example.com'],
    [3, 'r-old', 'superseded', key.id, 'alice@example.com'],
    [4, 'r-new', 'live', key.id, 'alice@example.com'],
  ]);
  assert.deepEqual(await ledger.auditHead(), { seq: 4, hash: events[0]!.hash });
  assert.equal(walkChain(events, key).firstBad, null);
  assert.equal(walkChain(events, key).unchecked, null);
  assert.deepEqual(walkChain(events).unchecked, { count: 3, first: 2, last: 4, keyIds: [key.id] });
  assert.deepEqual(checkReleases(events, await ledger.listAllReleases()), []);
});
