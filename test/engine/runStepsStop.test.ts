/**
 * Errors after which a run can no longer record itself (LOCK_LOST,
 * LEDGER_ERROR) stop runSteps at once and are thrown, not journaled as a
 * step's failure: the step they interrupted stays `running`, so the run
 * reads as interrupted and can be resumed.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { RewindError } from '../../src/core/errors.js';
import type { Ledger } from '../../src/core/ports.js';
import { runSteps, type Step } from '../../src/engine/runSteps.js';
import { openSqliteLedger } from '../../src/ledger/sqlite.js';
import { rejectsWith } from '../ledger/contract.js';
import { run } from '../ledger/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

const clock = { now: () => new Date() };
const KEY = 'shop:production';
const holder = (runId: string) => ({
  runId, user: 'alice@example.com', host: 'web1', pid: 1, since: new Date().toISOString(), expiresAt: new Date(Date.now() + 60_000).toISOString(),
});

async function ledgerWithRun(t: TestContext): Promise<Ledger> {
  const ledger = await openSqliteLedger(join(await tempDir(t), 'ledger.sqlite'));
  t.after(() => ledger.close());
  await ledger.insertRun(run('run1', { status: 'running' }));
  return ledger;
}

/** Steps that record that they ran; `third` does what the test says. */
function steps(third: () => Promise<string | void>) {
  const ran: string[] = [];
  const step = (name: string, body: () => Promise<string | void> = async () => `did ${name}`): Step => ({
    id: `${name}:1`, name, run: async () => { ran.push(name); return body(); },
  });
  return { ran, list: [step('first'), step('second'), step('third', third), step('fourth')] };
}

const statuses = async (ledger: Ledger) => (await ledger.listSteps('run1')).map((s) => `${s.name}:${s.status}`);

test('beforeStep runs before each step is journaled; when it throws LOCK_LOST nothing more is journaled or run', async (t) => {
  const ledger = await ledgerWithRun(t);
  const { ran, list } = steps(async () => 'fine');
  let calls = 0;
  const beforeStep = () => {
    calls += 1;
    if (calls === 3) throw new RewindError('LOCK_LOST', 'run run1 lost its lock on production: gone');
  };
  await assert.rejects(runSteps(list, { ledger, clock, events: () => undefined, runId: 'run1', beforeStep }), rejectsWith('LOCK_LOST', /gone/));
  assert.deepEqual(ran, ['first', 'second']);
  assert.deepEqual(await statuses(ledger), ['first:succeeded', 'second:succeeded'], 'the third step was never journaled');
});

for (const code of ['LOCK_LOST', 'LEDGER_ERROR'] as const) {
  test(`${code} thrown inside a step stops the run at once: the step stays running, no later step runs`, async (t) => {
    const ledger = await ledgerWithRun(t);
    const { ran, list } = steps(async () => { throw new RewindError(code, `the ${code} inside`); });
    const events: string[] = [];
    await assert.rejects(
      runSteps(list, { ledger, clock, events: (e) => events.push(e.type), runId: 'run1', onBoundary: (i, when) => events.push(`${when}:${i}`) }),
      rejectsWith(code, new RegExp(`the ${code} inside`)),
    );
    assert.deepEqual(ran, ['first', 'second', 'third']);
    assert.deepEqual(await statuses(ledger), ['first:succeeded', 'second:succeeded', 'third:running']);
    assert.deepEqual(events.slice(-2), ['step.started', 'before:2'], 'no step.finished and no after-boundary for the interrupted step');
  });
}

test('a fenced ledger refusing finishStep (lock taken over mid-step) or startStep stops the run there', async (t) => {
  const ledger = await ledgerWithRun(t);
  const taken = await ledger.acquireLock(KEY, holder('run1'));
  assert.ok(taken.taken);
  const fenced = ledger.fenced({ key: KEY, runId: 'run1', generation: () => taken.generation });
  const { ran, list } = steps(async () => {
    // Another process takes the lock over while this step runs.
    assert.ok((await ledger.acquireLock(KEY, holder('run2'), 'run1')).taken);
  });
  await assert.rejects(runSteps(list, { ledger: fenced, clock, events: () => undefined, runId: 'run1' }), rejectsWith('LOCK_LOST', /finishStep was refused/));
  assert.deepEqual(ran, ['first', 'second', 'third'], 'the fourth step never ran');
  assert.deepEqual(await statuses(ledger), ['first:succeeded', 'second:succeeded', 'third:running'], 'the refused finishStep wrote nothing');

  // Resuming past the taken-over lock is refused at the first write: the step is not even started.
  const again = steps(async () => 'fine');
  await assert.rejects(
    runSteps(again.list.slice(3), { ledger: fenced, clock, events: () => undefined, runId: 'run1', firstIndex: 3 }),
    rejectsWith('LOCK_LOST', /run run2 holds it now.*startStep was refused/),
  );
  assert.deepEqual(again.ran, []);
  assert.equal((await ledger.listSteps('run1')).length, 3);
});

test('a normal step failure is journaled and returned as before, with beforeStep called once per step started', async (t) => {
  const ledger = await ledgerWithRun(t);
  const { ran, list } = steps(async () => { throw new RewindError('STEP_FAILED', 'reload exited 1'); });
  let calls = 0;
  const result = await runSteps(list, { ledger, clock, events: () => undefined, runId: 'run1', beforeStep: () => { calls += 1; } });
  assert.equal(result.ok, false);
  assert.equal(result.error?.code, 'STEP_FAILED');
  assert.equal(result.failedStep, 'third');
  assert.deepEqual(ran, ['first', 'second', 'third']);
  assert.equal(calls, 3);
  assert.deepEqual(await statuses(ledger), ['first:succeeded', 'second:succeeded', 'third:failed']);
  assert.equal((await ledger.listSteps('run1'))[2]?.error, 'reload exited 1');
});

test('an error that is not ours inside a step is still a step failure (INTERNAL), not a stop', async (t) => {
  const ledger = await ledgerWithRun(t);
  const { list } = steps(async () => { throw new Error('ENOENT: no such file'); });
  const result = await runSteps(list, { ledger, clock, events: () => undefined, runId: 'run1' });
  assert.equal(result.ok, false);
  assert.equal(result.error?.code, 'INTERNAL');
  assert.deepEqual(await statuses(ledger), ['first:succeeded', 'second:succeeded', 'third:failed']);
});
