import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PlanStep } from '../../src/core/plan.js';
import type { StepRecord } from '../../src/core/run.js';
import { hostTable } from '../../src/operations/dashboard/hostTable.js';

const step = (id: string, kind: PlanStep['kind'], hosts?: string[]): PlanStep => ({ id, kind, title: id, version: 'v2', ...(hosts ? { hosts } : {}) });
const record = (index: number, stepId: string, status: StepRecord['status']): StepRecord => ({
  runId: 'r', index, name: stepId, status, startedAt: null, finishedAt: null, durationMs: 1, output: '', error: null, stepId,
});

test('the host table: each host as the switch and verify steps that covered it went; the first failure named', () => {
  const steps = [step('ensure:v2', 'ensure_release'), step('switch:v2:batch-1', 'switch', ['a']), step('verify:v2:batch-1', 'verify', ['a']),
    step('switch:v2:batch-2', 'switch', ['b', 'c']), step('verify:v2:batch-2', 'verify', ['b', 'c'])];
  const journal = [record(0, 'ensure:v2', 'succeeded'), record(1, 'switch:v2:batch-1', 'succeeded'), record(2, 'verify:v2:batch-1', 'succeeded'),
    record(3, 'switch:v2:batch-2', 'failed')];
  assert.deepEqual(hostTable(['a', 'b', 'c'], steps, journal), [
    { host: 'a', switchedTo: 'v2', verified: true, failedStep: null },
    { host: 'b', switchedTo: null, verified: false, failedStep: 'switch:v2:batch-2' },
    { host: 'c', switchedTo: null, verified: false, failedStep: 'switch:v2:batch-2' },
  ]);
  assert.deepEqual(hostTable(['a'], steps, []), [{ host: 'a', switchedTo: null, verified: false, failedStep: null }]);
});
