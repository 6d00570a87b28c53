import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RewindError } from '../../src/core/errors.js';
import type { Ledger } from '../../src/core/ports.js';
import type { StepStatus } from '../../src/core/run.js';
import { runSteps } from '../../src/engine/runSteps.js';

/** Only what runSteps touches: the journal of step statuses. */
function journal() {
  const statuses: Record<number, StepStatus> = {};
  const ledger = {
    startStep: async (_run: string, index: number) => { statuses[index] = 'running'; },
    finishStep: async (_run: string, index: number, result: { status: StepStatus }) => { statuses[index] = result.status; },
  } as unknown as Ledger;
  return { ledger, statuses };
}

test('a step that throws MANUAL_STEP pauses the run: journaled pending, not failed, and nothing after it runs', async () => {
  const { ledger, statuses } = journal();
  let after = false;
  const result = await runSteps([
    { name: 'first', run: async () => 'done' },
    { name: 'operator reverts migration 002', run: async () => { throw new RewindError('MANUAL_STEP', 'revert 002 by hand'); } },
    { name: 'switch', run: async () => { after = true; } },
  ], { ledger, clock: { now: () => new Date() }, events: () => undefined, runId: 'r1' });
  assert.equal(result.ok, false);
  assert.equal(result.paused, true);
  assert.equal(result.error?.code, 'MANUAL_STEP');
  assert.deepEqual(statuses, { 0: 'succeeded', 1: 'pending' });
  assert.equal(after, false);
});

test('any other error fails the step and does not pause', async () => {
  const { ledger, statuses } = journal();
  const result = await runSteps([{ name: 'x', run: async () => { throw new RewindError('MIGRATION_FAILED', 'boom'); } }], { ledger, clock: { now: () => new Date() }, events: () => undefined, runId: 'r1' });
  assert.equal(result.paused, undefined);
  assert.deepEqual(statuses, { 0: 'failed' });
});
