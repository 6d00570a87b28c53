/**
 * The indexed queries of a ledger of years (live release, rollback candidates, a release by its
 * build, filtered and paged lists), as every store must answer them. Called from ledgerContract,
 * so it runs on SQLite and PostgreSQL alike.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { Ledger } from '../../src/core/ports.js';
import { release, run } from './fixtures.js';
import { sameAnswersAsTheScan } from './queryProperty.js';

const SCOPE = { app: 'shop', env: 'production' } as const;
const T = (minute: number) => `2025-01-01T10:${String(minute).padStart(2, '0')}:00.000Z`;

export function queryContract(open: (t: TestContext) => Promise<Ledger>): void {
  const ids = (list: readonly { id: string }[]) => list.map((r) => r.id);

  test('the live release is the latest activated; a tie goes to the newer release; other environments do not count', async (t) => {
    const ledger = await open(t);
    assert.equal(await ledger.liveRelease(SCOPE), undefined, 'an empty ledger has none');
    await ledger.insertRelease(release('a', { version: 'v1', activatedAt: T(5) }));
    await ledger.insertRelease(release('b', { version: 'v2', activatedAt: T(9) }));
    await ledger.insertRelease(release('c', { version: 'v3', activatedAt: null }));
    await ledger.insertRelease(release('d', { version: 'v1', activatedAt: T(9) }));
    await ledger.insertRelease(release('e', { version: 'v1', activatedAt: T(7) }));
    await ledger.insertRelease(release('staging', { env: 'staging', activatedAt: T(59) }));
    assert.equal((await ledger.liveRelease(SCOPE))?.id, 'd', 'b and d were activated at the same moment: d is newer');
    assert.equal((await ledger.liveRelease({ ...SCOPE, version: 'v1' }))?.id, 'd');
    assert.equal((await ledger.liveRelease({ ...SCOPE, version: 'v2' }))?.id, 'b');
    assert.equal(await ledger.liveRelease({ ...SCOPE, version: 'v3' }), undefined, 'never activated');
    await ledger.markLive('a', 'live', T(30));
    assert.equal((await ledger.liveRelease(SCOPE))?.id, 'a', 'a rollback re-activates an old release');
    assert.deepEqual(await ledger.liveRelease(SCOPE), await ledger.getRelease('a'));
  });

  test('rollback candidates: verified and never bad, older than the cursor, not of the excepted version, newest first', async (t) => {
    const ledger = await open(t);
    // One timestamp for all: only the insert order tells them apart.
    await ledger.insertRelease(release('g1', { version: 'v1', verifiedAt: T(1) }));
    await ledger.insertRelease(release('unverified', { version: 'v2' }));
    await ledger.insertRelease(release('failed', { version: 'v3', verifiedAt: T(1), status: 'failed' }));
    await ledger.insertRelease(release('rolled', { version: 'v4', verifiedAt: T(1), status: 'rolled_back' }));
    await ledger.insertRelease(release('marked', { version: 'v5', verifiedAt: T(1), markedBadAt: T(2), status: 'superseded' }));
    await ledger.insertRelease(release('g2', { version: 'v6', verifiedAt: T(1), status: 'superseded' }));
    await ledger.insertRelease(release('g3', { version: 'v7', verifiedAt: T(1) }));
    await ledger.insertRelease(release('g4', { version: 'v7', verifiedAt: T(1) }));
    await ledger.insertRelease(release('other-env', { env: 'staging', verifiedAt: T(1) }));
    const candidates = async (query: Partial<Parameters<Ledger['rollbackCandidates']>[0]>) =>
      ids(await ledger.rollbackCandidates({ ...SCOPE, limit: 10, ...query }));
    assert.deepEqual(await candidates({}), ['g4', 'g3', 'g2', 'g1']);
    assert.deepEqual(await candidates({ limit: 2 }), ['g4', 'g3']);
    assert.deepEqual(await candidates({ before: 'g4' }), ['g3', 'g2', 'g1']);
    assert.deepEqual(await candidates({ before: 'g4', exceptVersion: 'v7' }), ['g2', 'g1']);
    assert.deepEqual(await candidates({ before: 'g2', limit: 1 }), ['g1']);
    assert.deepEqual(await candidates({ before: 'g1' }), []);
    assert.deepEqual(await candidates({ before: 'no-such-release' }), [], 'a cursor the environment lacks lists nothing');
    assert.deepEqual(await candidates({ before: 'other-env' }), [], "another environment's release is no cursor here");
    await ledger.updateRelease('g3', { status: 'failed', markedBadAt: T(3) });
    assert.deepEqual(await candidates({ before: 'g4' }), ['g2', 'g1'], 'marking a release bad takes it out');
  });

  test('releases of a build: by version, or by a sha the build starts as (abbreviated either way, any case)', async (t) => {
    const ledger = await open(t);
    const full = '0123456789abcdef0123456789abcdef01234567';
    await ledger.insertRelease(release('old', { version: 'v1', sha: full }));
    await ledger.insertRelease(release('short', { version: 'v2', sha: '0123456' }));
    await ledger.insertRelease(release('other', { version: 'v3', sha: 'fedcba9876543210' }));
    await ledger.insertRelease(release('named', { version: '0123456789abcdef', sha: null }));
    await ledger.insertRelease(release('again', { version: 'v1', sha: full.toUpperCase() }));
    await ledger.insertRelease(release('elsewhere', { env: 'staging', version: 'v1', sha: full }));
    const of = async (build: string, limit = 10) => ids(await ledger.releasesOfBuild({ ...SCOPE, build, limit }));
    assert.deepEqual(await of('v1'), ['again', 'old']);
    assert.deepEqual(await of(full), ['again', 'short', 'old']);
    assert.deepEqual(await of(' 0123456789AB\n'), ['again', 'short', 'old'], 'trimmed, any case');
    assert.deepEqual(await of('0123456789abcdef'), ['again', 'named', 'short', 'old'], 'a version that looks like a sha too');
    assert.deepEqual(await of(full, 2), ['again', 'short']);
    assert.deepEqual(await of('fedcba9'), ['other']);
    assert.deepEqual(await of('v9'), []);
    assert.deepEqual(await of(''), []);
  });

  test('lists filter by cursor, version and status (several at once), newest first, with a limit', async (t) => {
    const ledger = await open(t);
    const statuses = ['superseded', 'deploying', 'failed', 'superseded', 'deploying', 'verified'] as const;
    for (const [i, status] of statuses.entries()) await ledger.insertRelease(release(`r${i}`, { status, version: `v${i % 2}` }));
    await ledger.insertRelease(release('s0', { env: 'staging', status: 'deploying' }));
    const list = async (query: Partial<Parameters<Ledger['listReleases']>[0]>) => ids(await ledger.listReleases({ ...SCOPE, ...query }));
    assert.deepEqual(await list({ before: 'r4' }), ['r3', 'r2', 'r1', 'r0']);
    assert.deepEqual(await list({ before: 'r4', limit: 2 }), ['r3', 'r2']);
    assert.deepEqual(await list({ after: 'r1', before: 'r5' }), ['r4', 'r3', 'r2']);
    assert.deepEqual(await list({ before: 'nope' }), []);
    assert.deepEqual(await list({ version: 'v1' }), ['r5', 'r3', 'r1']);
    assert.deepEqual(await list({ version: 'v1', limit: 1 }), ['r5']);
    assert.deepEqual(await list({ statuses: ['deploying'] }), ['r4', 'r1']);
    assert.deepEqual(await list({ statuses: ['deploying', 'failed', 'deploying'] }), ['r4', 'r2', 'r1']);
    assert.deepEqual(await list({ statuses: ['deploying', 'superseded'], limit: 3 }), ['r4', 'r3', 'r1']);
    assert.deepEqual(await list({ statuses: ['deploying', 'superseded'], before: 'r3' }), ['r1', 'r0']);
    assert.deepEqual(await list({ statuses: [] }), []);

    await ledger.insertRun(run('u1', { status: 'succeeded', kind: 'deploy', fromReleaseId: null, toReleaseId: 'r0' }));
    await ledger.insertRun(run('u2', { status: 'running', kind: 'deploy', fromReleaseId: 'r0', toReleaseId: 'r1' }));
    await ledger.insertRun(run('u3', { status: 'paused', kind: 'rollback', fromReleaseId: 'r1', toReleaseId: 'r0' }));
    await ledger.insertRun(run('u4', { status: 'running', env: 'staging', fromReleaseId: 'r1' }));
    const runs = async (query: Partial<Parameters<Ledger['listRuns']>[0]>) => ids(await ledger.listRuns({ ...SCOPE, ...query }));
    assert.deepEqual(await runs({ statuses: ['running', 'paused'] }), ['u3', 'u2']);
    assert.deepEqual(await runs({ statuses: ['running', 'paused'], limit: 1 }), ['u3']);
    assert.deepEqual(await runs({ before: 'u3' }), ['u2', 'u1']);
    assert.deepEqual(await runs({ before: 'u4' }), [], "another environment's run is no cursor here");
    assert.deepEqual(await runs({ fromReleaseId: 'r1' }), ['u3']);
    assert.deepEqual(await runs({ toReleaseId: 'r0' }), ['u3', 'u1']);
    assert.deepEqual(await runs({ toReleaseId: 'r0', statuses: ['succeeded'] }), ['u1']);
  });

  test('on random histories the queries answer what the scan of every release answered', async (t) => {
    await sameAnswersAsTheScan(await open(t), 0x5eed);
  });
}
