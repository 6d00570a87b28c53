import assert from 'node:assert/strict';
import { it } from 'node:test';
import { rollbackPlanSteps } from '../../src/core/planSteps.js';
import { describeProgress, runProgress } from '../../src/core/runProgress.js';
import type { StepRecord, StepStatus } from '../../src/core/run.js';

const plan = rollbackPlanSteps({
  from: { version: 'v3' }, to: { version: 'v2', sha: null }, migrations: [], missingOn: [], reload: true,
  fleet: { targets: ['web1', 'web2'], canary: 1 },
});

function journal(...statuses: StepStatus[]): StepRecord[] {
  return statuses.map((status, index) => ({
    runId: 'r', index, name: plan[index]?.title ?? '?', status, startedAt: 't', finishedAt: null, durationMs: null, output: '', error: null,
    stepId: plan[index]?.id,
  }));
}

it('says what a stopped run did, the step it was in, and what it never reached', () => {
  const line = describeProgress(runProgress(plan, journal('succeeded', 'succeeded', 'running')));
  assert.equal(line, 'did: check v2 is present and intact, switch to v2 on web1; stopped in: reload the app on web1; ' +
    'not done: verify v2 on web1, switch to v2 on web2, reload the app on web2, verify v2 on web2, mark v3 rolled_back');
});

it('a run killed between two steps stopped in none; one killed before its first did nothing yet', () => {
  assert.doesNotMatch(describeProgress(runProgress(plan, journal('succeeded', 'succeeded'))), /stopped in/);
  assert.match(describeProgress(runProgress(plan, [])), /^did nothing yet; not done: check v2/);
});

it('a journaled step of another plan (its id differs) does not count as done', () => {
  const foreign = journal('succeeded').map((s) => ({ ...s, stepId: 'ensure:v9' }));
  assert.equal(runProgress(plan, foreign).done.length, 0);
});
