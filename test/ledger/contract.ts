/**
 * The behaviour every Ledger store must have. A store's test file calls
 * `ledgerContract('name', factory)`; the factory returns a fresh, empty
 * ledger for each test. The suite closes what the factory returns.
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import type { Ledger } from '../../src/core/ports.js';
import type { PhaseRollbackEntry, PhaseStatus } from '../../src/core/pipeline/phases.js';
import type { AuditEvent } from '../../src/core/run.js';
import { GENESIS_HASH, auditHash, findChainBreak } from '../../src/core/auditHash.js';
import { release, run } from './fixtures.js';
import { queryContract } from './queryContract.js';

export type LedgerFactory = (t: TestContext) => Promise<Ledger>;

export function rejectsWith(code: string, pattern?: RegExp) {
  return (error: unknown): boolean => {
    assert.equal((error as { code?: string }).code, code, `expected ${code}, got ${String(error)}`);
    if (pattern) assert.match((error as Error).message, pattern);
    return true;
  };
}

export function ledgerContract(name: string, factory: LedgerFactory): void {
  const open = async (t: TestContext): Promise<Ledger> => {
    const ledger = await factory(t);
    t.after(() => ledger.close());
    return ledger;
  };

  describe(`Ledger contract: ${name}`, () => {
    queryContract(open);

    test('a release round-trips; an unknown id is undefined', async (t) => {
      const ledger = await open(t);
      const r = release('r1', { migrations: ['001_users', '002_orders'], verifiedAt: '2025-01-01T10:05:00.000Z', sha: null });
      await ledger.insertRelease(r);
      assert.deepEqual(await ledger.getRelease('r1'), r);
      assert.equal(await ledger.getRelease('nope'), undefined);
    });

    test('a duplicate release id is a LEDGER_ERROR', async (t) => {
      const ledger = await open(t);
      await ledger.insertRelease(release('r1'));
      await assert.rejects(ledger.insertRelease(release('r1')), rejectsWith('LEDGER_ERROR', /insertRelease/));
    });

    test('releases list newest first by insert order, filtered by app and env, with a limit', async (t) => {
      const ledger = await open(t);
      // Same timestamp on purpose: only the insert order can tell them apart.
      for (const id of ['a', 'b', 'c']) await ledger.insertRelease(release(id));
      await ledger.insertRelease(release('staging1', { env: 'staging' }));
      await ledger.insertRelease(release('other1', { app: 'blog' }));
      await ledger.insertRelease(release('d'));

      const ids = async (query: Parameters<Ledger['listReleases']>[0]) => (await ledger.listReleases(query)).map((r) => r.id);
      assert.deepEqual(await ids({ app: 'shop', env: 'production' }), ['d', 'c', 'b', 'a']);
      assert.deepEqual(await ids({ app: 'shop', env: 'production', limit: 2 }), ['d', 'c']);
      assert.deepEqual(await ids({ app: 'shop', env: 'staging' }), ['staging1']);
      assert.deepEqual(await ids({ app: 'blog', env: 'production' }), ['other1']);
      assert.deepEqual(await ids({ app: 'shop', env: 'nowhere' }), []);
      assert.deepEqual((await ledger.listReleases({ app: 'shop', env: 'production', limit: 1 }))[0], release('d'));
    });

    test('updateRelease changes only the patched fields', async (t) => {
      const ledger = await open(t);
      await ledger.insertRelease(release('r1', { status: 'deploying' }));
      await ledger.updateRelease('r1', { status: 'failed', markedBadAt: '2025-01-01T10:09:00.000Z', migrations: ['003_x'] });
      assert.deepEqual(await ledger.getRelease('r1'), release('r1', {
        status: 'failed', markedBadAt: '2025-01-01T10:09:00.000Z', migrations: ['003_x'],
      }));
      await ledger.updateRelease('r1', { sha: null, artifact: 'img:1' });
      const after = await ledger.getRelease('r1');
      assert.equal(after?.sha, null);
      assert.equal(after?.artifact, 'img:1');
      assert.equal(after?.status, 'failed');
      await assert.rejects(ledger.updateRelease('missing', { status: 'live' }), rejectsWith('RELEASE_NOT_FOUND', /missing/));
      await assert.rejects(ledger.updateRelease('missing', {}), rejectsWith('RELEASE_NOT_FOUND'));
    });

    test('markLive supersedes the live and verified releases of that app+env only', async (t) => {
      const ledger = await open(t);
      await ledger.insertRelease(release('old-verified', { status: 'verified' }));
      await ledger.insertRelease(release('old-live', { status: 'live' }));
      await ledger.insertRelease(release('old-verified-2', { status: 'verified' }));
      await ledger.insertRelease(release('failed', { status: 'failed' }));
      await ledger.insertRelease(release('rolled', { status: 'rolled_back' }));
      await ledger.insertRelease(release('staging-live', { env: 'staging', status: 'live' }));
      await ledger.insertRelease(release('blog-verified', { app: 'blog', status: 'verified' }));
      await ledger.insertRelease(release('new', { status: 'deploying' }));

      await ledger.markLive('new', 'live', '2025-01-02T00:00:00.000Z');
      const status = async (id: string) => (await ledger.getRelease(id))?.status;
      assert.equal((await ledger.getRelease('new'))?.activatedAt, '2025-01-02T00:00:00.000Z');
      assert.equal(await status('new'), 'live');
      assert.equal(await status('old-verified'), 'superseded');
      assert.equal(await status('old-live'), 'superseded');
      assert.equal(await status('old-verified-2'), 'superseded');
      // One audit entry per release changed, in insert order whatever the status each had, the new one last.
      const changed = (await ledger.listAudit()).slice(0, 4).reverse().map((e) => [e.detail.release_id, e.detail.previous_status]);
      assert.deepEqual(changed, [['old-verified', 'verified'], ['old-live', 'live'], ['old-verified-2', 'verified'], ['new', 'deploying']]);
      assert.equal(await status('failed'), 'failed');
      assert.equal(await status('rolled'), 'rolled_back');
      assert.equal(await status('staging-live'), 'live');
      assert.equal(await status('blog-verified'), 'verified');

      await ledger.markLive('new', 'verified');
      assert.equal(await status('new'), 'verified');
      assert.equal((await ledger.getRelease('new'))?.activatedAt, '2025-01-02T00:00:00.000Z', 'markLive without a time keeps the activation time');
      assert.equal((await ledger.listReleases({ app: 'shop', env: 'production' })).filter((r) => r.status === 'verified' || r.status === 'live').length, 1);
      await assert.rejects(ledger.markLive('ghost', 'live'), rejectsWith('RELEASE_NOT_FOUND', /ghost/));
    });

    test('fillReleases inserts oldest first, all or none, only while the app+env has no releases; rebuiltAt round-trips', async (t) => {
      const ledger = await open(t);
      await ledger.insertRelease(release('blog1', { app: 'blog' }));
      const rebuilt = (id: string, overrides: Partial<Parameters<Ledger['insertRelease']>[0]> = {}) =>
        release(id, { rebuiltAt: '2025-02-01T00:00:00.000Z', ...overrides });
      assert.equal(await ledger.fillReleases('shop', 'production', [rebuilt('v1'), rebuilt('v2', { status: 'verified' })]), true);
      assert.deepEqual(await ledger.listReleases({ app: 'shop', env: 'production' }), [rebuilt('v2', { status: 'verified' }), rebuilt('v1')]);

      // The environment holds releases now: nothing more goes in, not even a part.
      assert.equal(await ledger.fillReleases('shop', 'production', [rebuilt('v3')]), false);
      assert.equal(await ledger.getRelease('v3'), undefined);
      // A failing insert takes the whole batch with it.
      await assert.rejects(ledger.fillReleases('shop', 'staging', [rebuilt('s1', { env: 'staging' }), rebuilt('v1', { env: 'staging' })]));
      assert.equal(await ledger.getRelease('s1'), undefined);
      await assert.rejects(ledger.fillReleases('shop', 'staging', [rebuilt('x1')]), rejectsWith('INTERNAL', /x1 of shop production/));
    });

    test('committedAt round-trips when set, by insert and by updateRelease, and is absent when unknown', async (t) => {
      const ledger = await open(t);
      const at = '2025-01-01T09:30:00.000Z';
      await ledger.insertRelease(release('known', { committedAt: at }));
      await ledger.insertRelease(release('unknown'));
      await ledger.insertRelease(release('later'));
      assert.deepEqual(await ledger.getRelease('known'), release('known', { committedAt: at }));
      assert.deepEqual(await ledger.getRelease('unknown'), release('unknown'));
      assert.equal('committedAt' in ((await ledger.getRelease('unknown')) ?? {}), false);
      // The make step learns the sha and its commit time once the release exists.
      await ledger.updateRelease('later', { sha: 'abc1234', committedAt: '2025-01-01T09:45:00.000Z' });
      assert.equal((await ledger.getRelease('later'))?.committedAt, '2025-01-01T09:45:00.000Z');
      assert.deepEqual((await ledger.listReleases({ app: 'shop', env: 'production' })).map((r) => r.committedAt ?? null),
        ['2025-01-01T09:45:00.000Z', null, at]);
    });

    test('runs insert, update, get and list newest first', async (t) => {
      const ledger = await open(t);
      const first = run('run1');
      await ledger.insertRun(first);
      await ledger.insertRun(run('run2', { kind: 'deploy', plan: null }));
      await ledger.insertRun(run('run3', { env: 'staging' }));
      await ledger.insertRun(run('run4', { kind: 'drill' }));
      assert.deepEqual(await ledger.getRun('run1'), first);
      assert.equal((await ledger.getRun('run2'))?.plan, null);
      assert.equal(await ledger.getRun('nope'), undefined);

      await ledger.updateRun('run1', {
        status: 'succeeded', approvedBy: 'carol@example.com', startedAt: '2025-01-01T11:01:00.000Z',
        finishedAt: '2025-01-01T11:02:00.000Z', plan: { steps: ['switch'] },
      });
      assert.deepEqual(await ledger.getRun('run1'), run('run1', {
        status: 'succeeded', approvedBy: 'carol@example.com', startedAt: '2025-01-01T11:01:00.000Z',
        finishedAt: '2025-01-01T11:02:00.000Z', plan: { steps: ['switch'] },
      }));
      await ledger.updateRun('run2', { status: 'failed', error: 'health check failed' });
      assert.equal((await ledger.getRun('run2'))?.error, 'health check failed');

      const ids = async (query: Parameters<Ledger['listRuns']>[0]) => (await ledger.listRuns(query)).map((r) => r.id);
      assert.deepEqual(await ids({ app: 'shop', env: 'production' }), ['run4', 'run2', 'run1']);
      assert.deepEqual(await ids({ app: 'shop', env: 'production', limit: 1 }), ['run4']);
      assert.deepEqual(await ids({ app: 'shop', env: 'staging' }), ['run3']);
      await assert.rejects(ledger.updateRun('ghost', { status: 'failed' }), rejectsWith('RUN_NOT_FOUND', /ghost/));
    });

    test('steps start, finish and list in index order', async (t) => {
      const ledger = await open(t);
      await ledger.insertRun(run('run1'));
      await ledger.insertRun(run('run2'));
      await ledger.startStep('run1', 1, 'switch', '2025-01-01T11:00:02.000Z');
      await ledger.startStep('run1', 0, 'snapshot', '2025-01-01T11:00:01.000Z');
      await ledger.startStep('run2', 0, 'elsewhere', '2025-01-01T11:00:01.000Z');
      await ledger.finishStep('run1', 0, { status: 'succeeded', at: '2025-01-01T11:00:01.500Z', durationMs: 500, output: 'saved', error: null });

      assert.deepEqual(await ledger.listSteps('run1'), [
        { runId: 'run1', index: 0, name: 'snapshot', status: 'succeeded', startedAt: '2025-01-01T11:00:01.000Z', finishedAt: '2025-01-01T11:00:01.500Z', durationMs: 500, output: 'saved', error: null },
        { runId: 'run1', index: 1, name: 'switch', status: 'running', startedAt: '2025-01-01T11:00:02.000Z', finishedAt: null, durationMs: null, output: '', error: null },
      ]);

      await ledger.finishStep('run1', 1, { status: 'failed', at: '2025-01-01T11:00:03.000Z', durationMs: 1000, output: '', error: 'symlink busy' });
      const failed = (await ledger.listSteps('run1'))[1];
      assert.equal(failed?.status, 'failed');
      assert.equal(failed?.error, 'symlink busy');

      // A resumed run starts the step again: the journal shows the new attempt.
      await ledger.startStep('run1', 1, 'switch', '2025-01-01T12:00:00.000Z');
      const again = (await ledger.listSteps('run1'))[1];
      assert.equal(again?.status, 'running');
      assert.equal(again?.startedAt, '2025-01-01T12:00:00.000Z');
      assert.equal(again?.error, null);

      assert.deepEqual((await ledger.listSteps('run2')).map((s) => s.name), ['elsewhere']);
      await assert.rejects(
        ledger.finishStep('run1', 7, { status: 'succeeded', at: 'x', durationMs: 1, output: '', error: null }),
        rejectsWith('LEDGER_ERROR', /never started/),
      );
    });

    test('audit entries chain by hash, seq increases, list is newest first', async (t) => {
      const ledger = await open(t);
      const events = [
        { at: '2025-01-01T11:00:00.000Z', actor: 'bob', action: 'rollback.planned', app: 'shop', env: 'production', runId: 'run1', outcome: 'ok', detail: { risk: 'high', b: 1, a: [1, { z: 1, y: 2 }] } },
        { at: '2025-01-01T11:00:01.000Z', actor: 'bob', action: 'rollback.approved', app: 'shop', env: 'production', runId: 'run1', outcome: 'auto-approved', detail: {} },
        { at: '2025-01-01T11:00:02.000Z', actor: 'ci', action: 'record', app: 'shop', env: null, runId: null, outcome: 'ok', detail: { version: '1.0.0' } },
      ];
      const appended: AuditEvent[] = [];
      for (const event of events) appended.push(await ledger.appendAudit(event));

      assert.deepEqual(appended.map((e) => e.seq), [1, 2, 3]);
      assert.equal(appended[0]?.prevHash, GENESIS_HASH);
      for (let i = 0; i < appended.length; i += 1) {
        const entry = appended[i]!;
        assert.match(entry.hash, /^[0-9a-f]{64}$/);
        if (i > 0) assert.equal(entry.prevHash, appended[i - 1]!.hash);
        assert.equal(entry.hash, auditHash(entry.prevHash, events[i]!));
        assert.deepEqual({ ...entry, seq: undefined, prevHash: undefined, hash: undefined }, { ...events[i], seq: undefined, prevHash: undefined, hash: undefined });
      }
      // Key order must not matter to the hash.
      const reordered = { ...events[0]!, detail: { a: [1, { y: 2, z: 1 }], b: 1, risk: 'high' } };
      assert.equal(auditHash(GENESIS_HASH, reordered), appended[0]!.hash);
      assert.notEqual(auditHash(GENESIS_HASH, { ...events[0]!, outcome: 'failed' }), appended[0]!.hash);

      const listed = await ledger.listAudit();
      assert.deepEqual(listed, [...appended].reverse());
      assert.equal(findChainBreak(listed), undefined);
    });

    test('concurrent appends on one ledger keep one unbroken chain', async (t) => {
      const ledger = await open(t);
      const results = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          ledger.appendAudit({ at: `2025-01-01T00:00:${String(i).padStart(2, '0')}.000Z`, actor: 'x', action: 'a', app: 'shop', env: 'production', runId: null, outcome: 'ok', detail: { i } }),
        ),
      );
      assert.deepEqual(results.map((e) => e.seq).sort((a, b) => a - b), Array.from({ length: 25 }, (_, i) => i + 1));
      const listed = await ledger.listAudit();
      assert.equal(listed.length, 25);
      assert.equal(findChainBreak(listed), undefined);
    });

    test('an audit detail is stored as JSON: undefined dropped, dates as strings', async (t) => {
      const ledger = await open(t);
      const entry = await ledger.appendAudit({
        at: '2025-01-01T00:00:00.000Z', actor: 'x', action: 'a', app: 'shop', env: 'production', runId: null, outcome: 'ok',
        detail: { gone: undefined, when: new Date('2025-02-03T04:05:06.000Z') },
      });
      assert.deepEqual(entry.detail, { when: '2025-02-03T04:05:06.000Z' });
      const [stored] = await ledger.listAudit();
      assert.deepEqual(stored, entry);
      assert.equal(findChainBreak([stored!]), undefined);
    });

    test('a lock is taken once; the holder is named; it can be renewed, taken over when named stale, and released', async (t) => {
      const ledger = await open(t);
      const holder = (runId: string, pid: number) => ({ runId, user: 'alice@example.com', host: 'web1', pid, since: '2025-01-01T10:00:00.000Z', expiresAt: '2025-01-01T10:01:00.000Z' });
      assert.deepEqual(await ledger.acquireLock('shop:production', holder('run-a', 11)), { taken: true, generation: 1 });
      assert.deepEqual(await ledger.acquireLock('shop:production', holder('run-b', 22)), { taken: false, holder: { ...holder('run-a', 11), generation: 1 } });
      assert.deepEqual(await ledger.acquireLock('shop:staging', holder('run-b', 22)), { taken: true, generation: 1 }, 'another environment is another lock');
      assert.equal(await ledger.renewLock('shop:production', 'run-a', '2025-01-01T10:02:00.000Z'), true);
      assert.equal(await ledger.renewLock('shop:production', 'run-b', '2025-01-01T10:02:00.000Z'), false);
      assert.equal((await ledger.getLock('shop:production'))?.expiresAt, '2025-01-01T10:02:00.000Z');
      assert.deepEqual(
        await ledger.acquireLock('shop:production', holder('run-c', 33), 'run-x'),
        { taken: false, holder: { ...holder('run-a', 11), expiresAt: '2025-01-01T10:02:00.000Z', generation: 1 } },
        'replacing names the wrong run: refused',
      );
      assert.deepEqual(await ledger.acquireLock('shop:production', holder('run-c', 33), 'run-a'), { taken: true, generation: 2 });
      await ledger.releaseLock('shop:production', 'run-a');
      assert.equal((await ledger.getLock('shop:production'))?.runId, 'run-c', 'a former holder cannot release the new holder\'s lock');
      await ledger.releaseLock('shop:production', 'run-c');
      assert.equal(await ledger.getLock('shop:production'), undefined);
      assert.equal(await ledger.renewLock('shop:production', 'run-c', '2025-01-01T10:03:00.000Z'), false, 'a released lock cannot be renewed');
    });

    test('every acquisition of a lock has a greater generation: take, release, take again, take-over, handover and back', async (t) => {
      const ledger = await open(t);
      const key = 'shop:production';
      const holder = (runId: string) => ({ runId, user: 'alice@example.com', host: 'web1', pid: 1, since: '2025-01-01T10:00:00.000Z', expiresAt: '2025-01-01T10:01:00.000Z' });
      const generation = async (taking: Promise<Awaited<ReturnType<Ledger['acquireLock']>>>): Promise<number> => {
        const got = await taking;
        assert.equal(got.taken, true, JSON.stringify(got));
        return got.taken ? got.generation : -1;
      };
      const seen = [await generation(ledger.acquireLock(key, holder('run-a')))];
      await ledger.releaseLock(key, 'run-a');
      seen.push(await generation(ledger.acquireLock(key, holder('run-a'))));
      assert.equal((await ledger.getLock(key))?.generation, seen[1]);
      seen.push(await generation(ledger.acquireLock(key, holder('run-b'), 'run-a')));
      // A handover to a child and back names the acquisition it replaces.
      seen.push(await generation(ledger.acquireLock(key, holder('child'), { runId: 'run-b', generation: seen[2]! })));
      seen.push(await generation(ledger.acquireLock(key, holder('run-b'), { runId: 'child', generation: seen[3]! })));
      await ledger.releaseLock(key, 'run-b', seen[4]);
      seen.push(await generation(ledger.acquireLock(key, holder('run-c'))));
      assert.deepEqual(seen, [1, 2, 3, 4, 5, 6]);

      // A tenure that is not the current acquisition replaces nothing, even of the same run.
      const stale = await ledger.acquireLock(key, holder('run-d'), { runId: 'run-c', generation: 5 });
      assert.equal(stale.taken, false);
      assert.equal(stale.taken ? null : stale.holder.generation, 6);
      assert.equal(await ledger.renewLock(key, 'run-c', '2025-01-01T10:05:00.000Z', 5), false, 'renewing an earlier generation is refused');
      await ledger.releaseLock(key, 'run-c', 5);
      assert.equal((await ledger.getLock(key))?.runId, 'run-c', 'releasing an earlier generation releases nothing');
      assert.equal(await ledger.renewLock(key, 'run-c', '2025-01-01T10:05:00.000Z', 6), true);
    });

    test('a fenced write after a take-over throws LOCK_LOST and writes nothing', async (t) => {
      const ledger = await open(t);
      const key = 'shop:production';
      const holder = (runId: string) => ({ runId, user: 'alice@example.com', host: 'web1', pid: 1, since: '2025-01-01T10:00:00.000Z', expiresAt: '2025-01-01T10:01:00.000Z' });
      await ledger.insertRelease(release('r1', { status: 'live' }));
      await ledger.insertRun(run('run-a', { status: 'running' }));
      await ledger.startStep('run-a', 0, 'switch', '2025-01-01T11:00:00.000Z', 'switch:1');
      await ledger.changePhases({ app: 'shop', at: 'then', by: 'alice', statuses: [{ phase: 'P1', expected: null, next: 'in_progress' }] });
      const taken = await ledger.acquireLock(key, holder('run-a'));
      assert.ok(taken.taken);
      const a = ledger.fenced({ key, runId: 'run-a', generation: () => taken.generation });
      assert.deepEqual(await ledger.acquireLock(key, holder('run-b'), 'run-a'), { taken: true, generation: taken.generation + 1 });

      const before = await Promise.all([ledger.listReleases({ app: 'shop', env: 'production' }), ledger.listRuns({ app: 'shop', env: 'production' }), ledger.listSteps('run-a'), ledger.listAudit(), ledger.listPhaseStatuses('shop')]);
      const at = '2025-01-01T12:00:00.000Z';
      const writes: Record<string, () => Promise<unknown>> = {
        insertRelease: () => a.insertRelease(release('r2')),
        updateRelease: () => a.updateRelease('r1', { status: 'failed', markedBadAt: at }),
        markLive: () => a.markLive('r1', 'verified', at),
        insertRun: () => a.insertRun(run('run-x')),
        updateRun: () => a.updateRun('run-a', { status: 'failed', finishedAt: at, error: 'verify failed' }),
        startStep: () => a.startStep('run-a', 1, 'verify', at, 'verify:1'),
        finishStep: () => a.finishStep('run-a', 0, { status: 'failed', at, durationMs: 5, output: '', error: 'boom' }),
        appendAudit: () => a.appendAudit({ at, actor: 'a', action: 'rollback.failed', app: 'shop', env: 'production', runId: 'run-a', outcome: 'failure', detail: {} }),
        changePhases: () => a.changePhases({ app: 'shop', at, by: 'a', statuses: [{ phase: 'P1', expected: 'in_progress', next: 'done' }] }),
      };
      for (const [name, write] of Object.entries(writes)) {
        await assert.rejects(write(), rejectsWith('LOCK_LOST', new RegExp(`run-a lost its lock on shop:production: run run-b holds it now.*${name} was refused`)), name);
      }
      const after = await Promise.all([ledger.listReleases({ app: 'shop', env: 'production' }), ledger.listRuns({ app: 'shop', env: 'production' }), ledger.listSteps('run-a'), ledger.listAudit(), ledger.listPhaseStatuses('shop')]);
      assert.deepEqual(after, before, 'nothing was written');

      // Reads and the lock itself are not fenced: the holder that lost can see so, and its release frees nothing of run-b's.
      assert.equal((await a.getRun('run-a'))?.status, 'running');
      assert.equal((await a.getLock(key))?.runId, 'run-b');
      assert.equal(await a.renewLock(key, 'run-a', at), false);
      await a.releaseLock(key, 'run-a', taken.generation);
      assert.equal((await ledger.getLock(key))?.runId, 'run-b');
      // Once free, the fence still refuses: only the acquisition it names may write.
      await ledger.releaseLock(key, 'run-b');
      await assert.rejects(a.updateRun('run-a', { status: 'failed' }), rejectsWith('LOCK_LOST', /nobody holds it now/));
    });

    test('a fenced write with the right generation works, and follows the generation as it changes', async (t) => {
      const ledger = await open(t);
      const key = 'shop:production';
      const holder = (runId: string) => ({ runId, user: 'alice@example.com', host: 'web1', pid: 1, since: '2025-01-01T10:00:00.000Z', expiresAt: '2025-01-01T10:01:00.000Z' });
      const taken = await ledger.acquireLock(key, holder('run-a'));
      assert.ok(taken.taken);
      let generation = taken.generation;
      const a = ledger.fenced({ key, runId: 'run-a', generation: () => generation });
      await a.insertRelease(release('r1', { status: 'deploying' }));
      await a.insertRun(run('run-a'));
      await a.updateRun('run-a', { status: 'running', startedAt: '2025-01-01T11:00:00.000Z' });
      await a.startStep('run-a', 0, 'switch', '2025-01-01T11:00:01.000Z', 'switch:1');
      await a.finishStep('run-a', 0, { status: 'succeeded', at: '2025-01-01T11:00:02.000Z', durationMs: 1000, output: 'switched', error: null });
      await a.markLive('r1', 'live', '2025-01-01T11:00:02.000Z');
      await a.updateRelease('r1', { status: 'verified', verifiedAt: '2025-01-01T11:00:03.000Z' });
      // After the release.state entries of the insert, the markLive and the update.
      assert.equal((await a.appendAudit({ at: 'now', actor: 'a', action: 'deploy.succeeded', app: 'shop', env: 'production', runId: 'run-a', outcome: 'success', detail: {} })).seq, 4);
      await a.changePhases({ app: 'shop', at: 'now', by: 'a', statuses: [{ phase: 'P1', expected: null, next: 'in_progress' }] });
      assert.equal((await ledger.getRelease('r1'))?.status, 'verified');
      assert.equal((await ledger.listSteps('run-a'))[0]?.status, 'succeeded');

      // Handed to a child and back: the old generation is refused, the new one writes.
      const child = await ledger.acquireLock(key, holder('child'), { runId: 'run-a', generation });
      assert.ok(child.taken);
      await assert.rejects(a.updateRun('run-a', { status: 'failed' }), rejectsWith('LOCK_LOST', /run child holds it now/));
      const back = await ledger.acquireLock(key, holder('run-a'), { runId: 'child', generation: child.generation });
      assert.ok(back.taken);
      await assert.rejects(a.updateRun('run-a', { status: 'failed' }), rejectsWith('LOCK_LOST', /taken again for this run elsewhere/));
      generation = back.generation;
      await a.updateRun('run-a', { status: 'succeeded', finishedAt: '2025-01-01T11:01:00.000Z' });
      assert.equal((await ledger.getRun('run-a'))?.status, 'succeeded');
    });

    test('pipeline phase statuses: set, guarded by what the caller expects, per app', async (t) => {
      const ledger = await open(t);
      assert.deepEqual(await ledger.listPhaseStatuses('shop'), []);
      const at = '2025-01-01T12:00:00.000Z';
      await ledger.changePhases({ app: 'shop', at, by: 'alice', statuses: [{ phase: 'P1', expected: null, next: 'done' }, { phase: 'P2', expected: null, next: 'in_progress' }] });
      await ledger.changePhases({ app: 'blog', at, by: 'bob', statuses: [{ phase: 'P1', expected: null, next: 'in_progress' }] });
      assert.deepEqual(await ledger.listPhaseStatuses('shop'), [
        { phase: 'P1', status: 'done', updatedAt: at, updatedBy: 'alice' },
        { phase: 'P2', status: 'in_progress', updatedAt: at, updatedBy: 'alice' },
      ]);
      assert.deepEqual((await ledger.listPhaseStatuses('blog')).map((row) => row.status), ['in_progress']);

      // One stale expectation refuses the whole change: P2 stays as it was, and P3 gets no row.
      await assert.rejects(
        ledger.changePhases({ app: 'shop', at: 'later', by: 'carol', statuses: [{ phase: 'P3', expected: null, next: 'in_progress' }, { phase: 'P2', expected: 'done', next: 'ROLLED_BACK' }] }),
        rejectsWith('PHASE_CHANGED', /P2/),
      );
      await ledger.changePhases({ app: 'shop', at: 'later', by: 'carol', statuses: [{ phase: 'P2', expected: 'in_progress', next: 'done' }, { phase: 'P3', expected: null, next: 'in_progress' }] });
      assert.deepEqual((await ledger.listPhaseStatuses('shop')).map((row) => [row.phase, row.status, row.updatedBy]), [['P1', 'done', 'alice'], ['P2', 'done', 'carol'], ['P3', 'in_progress', 'carol']]);
    });

    test('pipeline rollbacks round-trip, list newest first per app, and go in with their statuses or not at all', async (t) => {
      const ledger = await open(t);
      const rollback = (id: string, overrides: Partial<PhaseRollbackEntry> = {}): PhaseRollbackEntry => ({
        id, fromPhase: 'P3', toPhase: 'P1', phases: ['P2', 'P3'], reason: 'the requirements were wrong', trigger: 'gate',
        revisionTargets: ['scope', 'users'], artifacts: [{ path: '.pipeline/P2/a.md', sha256: 'ab'.repeat(32) }],
        escalationOverride: false, actor: 'alice', at: '2025-01-01T12:00:00.000Z', ...overrides,
      });
      const statuses = (expected: PhaseStatus | null) => [{ phase: 'P3', expected, next: 'ROLLED_BACK' as const }];
      await ledger.changePhases({ app: 'shop', at: 'x', by: 'alice', statuses: statuses(null), rollback: rollback('r1') });
      await ledger.changePhases({ app: 'blog', at: 'x', by: 'alice', statuses: statuses(null), rollback: rollback('b1') });
      await ledger.changePhases({ app: 'shop', at: 'x', by: 'alice', statuses: statuses('ROLLED_BACK'), rollback: rollback('r2', { escalationOverride: true, revisionTargets: [], artifacts: [] }) });
      assert.deepEqual(await ledger.listPhaseRollbacks('shop'), [rollback('r2', { escalationOverride: true, revisionTargets: [], artifacts: [] }), rollback('r1')]);
      assert.deepEqual((await ledger.listPhaseRollbacks('blog')).map((r) => r.id), ['b1']);

      await assert.rejects(ledger.changePhases({ app: 'shop', at: 'x', by: 'alice', statuses: statuses('done'), rollback: rollback('r3') }), rejectsWith('PHASE_CHANGED'));
      assert.deepEqual((await ledger.listPhaseRollbacks('shop')).map((r) => r.id), ['r2', 'r1'], 'a refused change records no rollback');
    });
  });
}
