import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PhaseRollbackEntry, PipelineDefinition } from '../../src/core/pipeline/phases.js';
import { reentryContext, rollbacksConcerning } from '../../src/core/pipeline/reentryContext.js';

const definition: PipelineDefinition = { phases: ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7'].map((id) => ({ id, name: `n${id}` })), approvers: [] };

const entry = (id: string, from: string, to: string, extra: Partial<PhaseRollbackEntry> = {}): PhaseRollbackEntry => ({
  id, fromPhase: from, toPhase: to, phases: [], reason: `reason ${id}`, trigger: 'gate', revisionTargets: [], artifacts: [],
  escalationOverride: false, actor: 'alice', at: '2026-01-01T00:00:00.000Z', ...extra,
});

test('the rollbacks that concern a phase: back to it, or through it; oldest first', () => {
  // Newest first, as the ledger lists them; all at the same instant, so only the order can tell.
  const newestFirst = [entry('c', 'P5', 'P4'), entry('b', 'P6', 'P2'), entry('a', 'P7', 'P4'), entry('x', 'P3', 'P1')];
  assert.deepEqual(rollbacksConcerning(definition, 'P4', newestFirst).map((r) => r.id), ['a', 'b', 'c']);
  assert.deepEqual(rollbacksConcerning(definition, 'P1', newestFirst).map((r) => r.id), ['x']);
  assert.deepEqual(rollbacksConcerning(definition, 'P7', newestFirst).map((r) => r.id), ['a']);
});

test('the context names the latest reason and targets, and every attempt with what it produced', () => {
  const text = reentryContext(definition, 'P4', [
    entry('second', 'P5', 'P4', { reason: 'still\nwrong', revisionTargets: ['section 3'], at: '2026-01-02T00:00:00.000Z' }),
    entry('first', 'P7', 'P4', { artifacts: [{ path: '.pipeline/P5/a.md', sha256: 'ab'.repeat(32) }] }),
  ]);
  assert.match(text, /^# Re-entry context: P4 \(nP4\)\n/);
  assert.match(text, /> still wrong\n/);
  assert.match(text, /## Revision targets\n\n- section 3\n/);
  assert.ok(text.indexOf('### 1. P7 -> P4') < text.indexOf('### 2. P5 -> P4'), 'oldest first');
  assert.match(text, /`\.pipeline\/P5\/a\.md` \(sha256 (ab){32}\)/);
  assert.match(text, /### 2\. P5 -> P4, 2026-01-02T00:00:00\.000Z \(the latest\)/);
  assert.match(reentryContext(definition, 'P2', []), /No rollback has touched P2/);
});
