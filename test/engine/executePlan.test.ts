import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { PlanStep } from '../../src/core/plan.js';
import { batchPlanSteps, deployPlanSteps, rollbackPlanSteps } from '../../src/core/planSteps.js';
import { executePlan, firstUndone, type StepFactories } from '../../src/engine/executePlan.js';
import { openSqliteLedger } from '../../src/ledger/sqlite.js';
import { run } from '../ledger/fixtures.js';
import { tempDir } from '../helpers/tmp.js';

const clock = { now: () => new Date() };

async function ledgerWithRun(t: TestContext) {
  const ledger = await openSqliteLedger(join(await tempDir(t), 'ledger.sqlite'));
  t.after(() => ledger.close());
  await ledger.insertRun(run('run1'));
  return ledger;
}

/** Factories that record what ran, and fail the step whose id is in `failing`. */
function recording(failing: Set<string>) {
  const ran: string[] = [];
  const step = (s: PlanStep) => ({
    name: s.title,
    run: async () => {
      ran.push(s.id);
      if (failing.has(s.id)) throw new Error(`${s.id} broke`);
      return `did ${s.id}`;
    },
  });
  const factories: StepFactories<unknown> = { ensure_release: step, switch: step, reload: step, verify: step, mark: step, migration: step };
  return { ran, factories };
}

const plan = rollbackPlanSteps({
  from: { version: 'v3' }, to: { version: 'v2', sha: 'abcdef0123' }, missingOn: [], reload: true,
  migrations: [{ id: '003_add_index', reversibility: 'auto', dataLoss: [], appliedBy: 'v3', downPath: null }],
  fleet: { targets: ['local'], canary: 0 },
});

test('plan steps have stable ids: one per kind and version, the batch in the id only when there are several', () => {
  assert.deepEqual(plan.map((s) => s.id), ['ensure:v2', 'migration:003_add_index', 'switch:v2', 'reload:v2', 'verify:v2', 'mark:v3']);
  const fleet = batchPlanSteps('v2', null, { targets: ['a', 'b', 'c'], canary: 1, batch: 1 }, false);
  assert.deepEqual(fleet.map((s) => s.id), ['switch:v2:batch-1', 'verify:v2:batch-1', 'switch:v2:batch-2', 'verify:v2:batch-2', 'switch:v2:batch-3', 'verify:v2:batch-3']);
  assert.deepEqual(fleet.map((s) => s.final), [false, false, false, false, true, true]);
  assert.deepEqual(fleet[2]?.hosts, ['b']);
  assert.deepEqual(deployPlanSteps({ version: 'v4', migrations: true, fleet: { targets: ['local'], canary: 0 }, reload: false }).map((s) => s.id), ['make:v4', 'migrate:v4', 'switch:v4', 'verify:v4']);
});

test('every step is journaled with its plan step id, in plan order', async (t) => {
  const ledger = await ledgerWithRun(t);
  const { ran, factories } = recording(new Set());
  const result = await executePlan(plan, factories, undefined, { ledger, clock, events: () => undefined, runId: 'run1' });
  assert.equal(result.ok, true);
  assert.deepEqual(ran, plan.map((s) => s.id));
  const journal = await ledger.listSteps('run1');
  assert.deepEqual(journal.map((s) => s.stepId), plan.map((s) => s.id));
  assert.deepEqual(journal.map((s) => s.name), plan.map((s) => s.title));
});

test('a resumed run skips what its journal shows as done and repeats the step that failed', async (t) => {
  const ledger = await ledgerWithRun(t);
  const first = recording(new Set(['reload:v2']));
  const failed = await executePlan(plan, first.factories, undefined, { ledger, clock, events: () => undefined, runId: 'run1' });
  assert.equal(failed.ok, false);
  assert.deepEqual(first.ran, ['ensure:v2', 'migration:003_add_index', 'switch:v2', 'reload:v2']);

  const again = recording(new Set());
  const resumed = await executePlan(plan, again.factories, undefined, { ledger, clock, events: () => undefined, runId: 'run1' });
  assert.equal(resumed.ok, true);
  assert.equal(resumed.skipped, 3);
  assert.deepEqual(again.ran, ['reload:v2', 'verify:v2', 'mark:v3']);
  assert.deepEqual((await ledger.listSteps('run1')).map((s) => s.status), plan.map(() => 'succeeded'));
});

test('a journaled step whose id is not the plan step at its place counts as not done', () => {
  const journal = plan.slice(0, 3).map((s, index) => ({ runId: 'run1', index, name: s.title, status: 'succeeded' as const, startedAt: null, finishedAt: null, durationMs: 1, output: '', error: null, stepId: s.id }));
  assert.equal(firstUndone(plan, journal), 3);
  const moved = journal.map((s, i) => (i === 1 ? { ...s, stepId: 'migration:004_other' } : s));
  assert.equal(firstUndone(plan, moved), 1);
  // Steps journaled before ids existed are matched by their place.
  assert.equal(firstUndone(plan, journal.map(({ stepId: _id, ...s }) => s)), 3);
});

test('a step kind without a factory is refused before anything runs', async (t) => {
  const ledger = await ledgerWithRun(t);
  const { ran, factories } = recording(new Set());
  const { mark: _mark, ...withoutMark } = factories;
  await assert.rejects(executePlan(plan, withoutMark, undefined, { ledger, clock, events: () => undefined, runId: 'run1' }), /no step factory for plan steps of kind mark/);
  assert.deepEqual(ran, []);
  assert.deepEqual(await ledger.listSteps('run1'), []);
});
