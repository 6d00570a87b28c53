import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectiveStatuses, type PhaseRollbackEntry, type PhaseState, type PhaseStatus, type PipelineDefinition } from '../../src/core/pipeline/phases.js';
import { planAdvance } from '../../src/core/pipeline/planAdvance.js';
import { checkPhaseRollbackRequest, planPhaseRollback, type PhaseRollbackRequest } from '../../src/core/pipeline/planPhaseRollback.js';

const IDS = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'P8'];
const definition = (extra: Partial<PipelineDefinition> = {}): PipelineDefinition => ({
  phases: IDS.map((id) => ({ id, name: `phase ${id}` })),
  approvers: ['boss@example.com'],
  ...extra,
});

/** Statuses by position: d = done, i = in_progress, p = pending, R = ROLLED_BACK. */
function states(pattern: string): PhaseState[] {
  const status: Record<string, PhaseStatus> = { d: 'done', i: 'in_progress', p: 'pending', R: 'ROLLED_BACK' };
  return [...pattern].map((letter, index) => ({ id: IDS[index]!, name: `phase ${IDS[index]}`, status: status[letter]! }));
}

const request = (extra: Partial<PhaseRollbackRequest> = {}): PhaseRollbackRequest => ({
  from: 'P7', to: 'P4', reason: 'design flaw', trigger: 'gate', revisionTargets: [], overrideEscalation: false, actor: 'alice@example.com', ...extra,
});

const rollbackTo = (to: string, from = 'P7'): PhaseRollbackEntry => ({
  id: `r-${to}-${from}`, fromPhase: from, toPhase: to, phases: [], reason: 'x', trigger: 'gate', revisionTargets: [], artifacts: [],
  escalationOverride: false, actor: 'alice@example.com', at: '2026-01-01T00:00:00.000Z',
});

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as { code: string }).code;
  }
  return 'no error';
}

describe('effectiveStatuses', () => {
  it('starts an untouched pipeline at its first phase', () => {
    assert.deepEqual(effectiveStatuses(definition(), []).map((s) => s.status), ['in_progress', ...Array(7).fill('pending')]);
  });
  it('takes stored rows and leaves the rest pending', () => {
    const stored = [{ phase: 'P1', status: 'done' as const, updatedAt: 'x', updatedBy: 'y' }, { phase: 'P2', status: 'in_progress' as const, updatedAt: 'x', updatedBy: 'y' }];
    assert.deepEqual(effectiveStatuses(definition(), stored).map((s) => s.status).slice(0, 3), ['done', 'in_progress', 'pending']);
  });
});

describe('checkPhaseRollbackRequest: bad input, judged from the config alone', () => {
  it('names an unknown phase and the flag', () => {
    assert.equal(code(() => checkPhaseRollbackRequest(definition(), request({ from: 'P9' }))), 'PHASE_UNKNOWN');
    assert.throws(() => checkPhaseRollbackRequest(definition(), request({ to: 'Q1' })), /unknown phase "Q1" for --to \(expected one of: P1, P2/);
  });
  it('refuses a target that is not earlier', () => {
    assert.equal(code(() => checkPhaseRollbackRequest(definition(), request({ from: 'P4', to: 'P4' }))), 'PHASE_ORDER');
    assert.equal(code(() => checkPhaseRollbackRequest(definition(), request({ from: 'P4', to: 'P7' }))), 'PHASE_ORDER');
  });
  it('refuses an empty reason or revision target', () => {
    assert.equal(code(() => checkPhaseRollbackRequest(definition(), request({ reason: '  ' }))), 'USAGE');
    assert.equal(code(() => checkPhaseRollbackRequest(definition(), request({ revisionTargets: [''] }))), 'USAGE');
  });
  it('with paths, allows only the listed pairs and says which are allowed', () => {
    const withPaths = definition({ paths: [{ from: 'P7', to: 'P6' }, { from: 'P7', to: 'P4' }] });
    assert.doesNotThrow(() => checkPhaseRollbackRequest(withPaths, request()));
    assert.throws(() => checkPhaseRollbackRequest(withPaths, request({ to: 'P3' })), (error: any) => error.code === 'PHASE_PATH_NOT_ALLOWED' && /only to: P6, P4/.test(error.message));
    assert.doesNotThrow(() => checkPhaseRollbackRequest(definition(), request({ to: 'P1' })), 'without paths any earlier phase will do');
  });
  it('accepts --override-escalation from approvers only', () => {
    assert.equal(code(() => checkPhaseRollbackRequest(definition(), request({ overrideEscalation: true }))), 'APPROVAL_REFUSED');
    assert.doesNotThrow(() => checkPhaseRollbackRequest(definition(), request({ overrideEscalation: true, actor: 'boss@example.com' })));
  });
});

describe('planPhaseRollback', () => {
  it('rolls back every phase after the target up to the from-phase, and re-opens the target', () => {
    const plan = planPhaseRollback(definition(), states('ddddddip'), [], request());
    assert.deepEqual(plan.phases, ['P5', 'P6', 'P7']);
    assert.deepEqual(plan.changes, [
      { phase: 'P4', next: 'in_progress' }, { phase: 'P5', next: 'ROLLED_BACK' }, { phase: 'P6', next: 'ROLLED_BACK' }, { phase: 'P7', next: 'ROLLED_BACK' },
    ]);
    assert.equal(plan.needsConfirmation, true, 'three phases is more than two');
    assert.equal(plan.escalationOverride, false);
  });
  it('needs no confirmation for one or two phases', () => {
    assert.equal(planPhaseRollback(definition(), states('ddddddip'), [], request({ to: 'P6' })).needsConfirmation, false);
    assert.equal(planPhaseRollback(definition(), states('ddddddip'), [], request({ to: 'P5' })).needsConfirmation, false);
    assert.equal(planPhaseRollback(definition(), states('ddddddip'), [], request({ to: 'P3' })).needsConfirmation, true);
  });
  it('starts only from the furthest phase reached', () => {
    assert.equal(code(() => planPhaseRollback(definition(), states('ddddip' + 'pp'), [], request())), 'PHASE_STATE');
    assert.equal(code(() => planPhaseRollback(definition(), states('dddiRRRp'), [], request())), 'PHASE_STATE');
    assert.doesNotThrow(() => planPhaseRollback(definition(), states('dddddddd'), [], request({ from: 'P8' })), 'a finished pipeline can go back from its last phase');
  });
  it('refuses a third rollback to the same phase unless an approver overrides', () => {
    const two = [rollbackTo('P4'), rollbackTo('P4', 'P5'), rollbackTo('P3')];
    assert.doesNotThrow(() => planPhaseRollback(definition(), states('ddddddip'), two.slice(0, 1), request()));
    assert.throws(() => planPhaseRollback(definition(), states('ddddddip'), two, request()), (error: any) => error.code === 'PHASE_ESCALATION' && /reassess/.test(error.message));
    const plan = planPhaseRollback(definition(), states('ddddddip'), two, request({ overrideEscalation: true, actor: 'boss@example.com' }));
    assert.equal(plan.escalationOverride, true);
    assert.equal(plan.priorRollbacksToTarget, 2);
    assert.doesNotThrow(() => planPhaseRollback(definition(), states('ddddddip'), two, request({ to: 'P5' })), 'other targets keep their own count');
  });
});

describe('planAdvance', () => {
  it('finishes the phase in progress and starts the next', () => {
    assert.deepEqual(planAdvance(definition(), states('ddddipRR'), 'P5').changes, [{ phase: 'P5', next: 'done' }, { phase: 'P6', next: 'in_progress' }]);
    assert.deepEqual(planAdvance(definition(), states('dddddddi'), 'P8'), { phase: 'P8', next: undefined, changes: [{ phase: 'P8', next: 'done' }] });
  });
  it('refuses any other phase', () => {
    assert.throws(() => planAdvance(definition(), states('ddddipRR'), 'P4'), (error: any) => error.code === 'PHASE_STATE' && /now in progress: P5/.test(error.message));
    assert.equal(code(() => planAdvance(definition(), states('ddddipRR'), 'P7')), 'PHASE_STATE');
    assert.equal(code(() => planAdvance(definition(), states('ddddipRR'), 'P0')), 'PHASE_UNKNOWN');
  });
});
