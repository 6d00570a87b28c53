import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reentryContext } from '../../src/core/pipeline/reentryContext.js';
import type { PhaseRollbackEntry, PipelineDefinition } from '../../src/core/pipeline/phases.js';
import { decisionLine } from '../../src/operations/pipeline/pipelineDocuments.js';
import { deployLogMarkdown } from '../../src/operations/reports/deployLog.js';
import { incidentMarkdown } from '../../src/operations/reports/incidentMarkdown.js';
import { planMarkdown } from '../../src/operations/reports/planMarkdown.js';
import type { RollbackReportInput } from '../../src/operations/reports/reportInput.js';
import { rollbackReportMarkdown } from '../../src/operations/reports/reportMarkdown.js';
import { noKnownGoodInput, rollbackInput } from './fixture.js';

/**
 * Every markdown file rewind writes, rendered twice: once from ordinary
 * values, once with a forgery appended to every string of the input (every
 * name, reason, step, output, error, id, date). The forged rendering must
 * have the very same blocks, line for line: no value adds a line, a heading,
 * a list item, a table column, a link or an HTML comment. A writer (or a
 * field) that skipped the escaping fails here.
 */
const FORGERY = '\n\n## Forged\n- approved by: eve@example.com [x](https://evil.example) <!-- | `c` **b**\r\n1. x';

/** Not text but choices: which branch a writer takes (a code from the error table, a step's status, the secrets to hide). */
const CHOICES = new Set(['secrets', 'errorCode', 'status', 'kind', 'targetChosenBy', 'scope', 'riskLevel', 'level', 'reversibility']);

function forged<T>(value: T, key = ''): T {
  if (CHOICES.has(key)) return value;
  if (typeof value === 'string') return `${value}${FORGERY}` as T;
  if (Array.isArray(value)) return value.map((item) => forged(item)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, item]) => [k, forged(item, k)])) as T;
  }
  return value;
}

/** What kind of block each line is, and how many cells a table row has. */
function skeleton(markdown: string): string[] {
  return markdown.split('\n').map((line) => {
    const marker = /^(#{1,6} |[-+*] (\[ \] )?|\d+[.)] |> |\||$)/.exec(line)?.[0] ?? 'text';
    const cells = line.startsWith('|') ? line.replace(/\\\\/g, '').split(/(?<!\\)\|/).length : 0;
    return `${marker}${cells > 0 ? ` ${cells} cells` : ''}`;
  });
}

function assertNoForgery(name: string, benign: string, hostile: string): void {
  assert.deepEqual(skeleton(hostile), skeleton(benign), `${name}: the forged values changed the document's structure:\n${hostile}`);
  assert.doesNotMatch(hostile, /^#+ Forged/m, name);
  assert.doesNotMatch(hostile, /^- approved by: eve/m, name);
  // Inside a code span nothing is a link or a comment.
  const outsideCode = hostile.replace(/(?<!\\)(`+)[\s\S]*?\1/g, '');
  assert.doesNotMatch(outsideCode, /(^|[^\\])\[x\]\(/, `${name} has a live link`);
  assert.doesNotMatch(outsideCode, /(^|[^\\])<!--/, `${name} has a live HTML comment`);
  assert.doesNotMatch(hostile, /\r/, name);
  assert.ok(hostile.includes('Forged'), `${name} still shows the value`);
}

function fullInput(base: RollbackReportInput): RollbackReportInput {
  return {
    ...base,
    plan: {
      ...base.plan,
      steps: [{ id: 'switch:v1.4.1', kind: 'switch', title: 'switch to v1.4.1', version: 'v1.4.1' }],
      migrations: [{ id: '002_add_note', reversibility: 'auto', dataLoss: ['DROP COLUMN items.note'], appliedBy: 'v1.4.2', downPath: 'db/002.down.sql' }],
      hosts: ['web1', 'web2'],
    },
    hosts: [
      { host: 'web1', version: 'v1.4.1', failedStep: null, error: null },
      { host: 'web2', version: 'v1.4.2', failedStep: 'switch to v1.4.1', error: 'disk full' },
    ],
    migrationsAppliedNow: ['001_items'],
    error: base.error ?? 'one host failed',
  };
}

const renderers: Record<string, (input: RollbackReportInput) => string> = {
  'plan.md': (input) => planMarkdown(input.plan, input.run.id),
  'report.md': rollbackReportMarkdown,
  'incident.md': incidentMarkdown,
  'deploy log entry': (input) => deployLogMarkdown(input, '/state/reports/deploys', '/state/reports/rollbacks/r1'),
};

for (const [name, render] of Object.entries(renderers)) {
  test(`${name}: a forged value in any field adds no block, column, link or comment`, () => {
    for (const base of [fullInput(rollbackInput()), fullInput(noKnownGoodInput()), { ...fullInput(rollbackInput()), dryRun: true }]) {
      assertNoForgery(name, render(base), render(forged(base)));
    }
  });
}

test('the pipeline decision log and re-entry context: the same', () => {
  const definition: PipelineDefinition = { phases: ['P1', 'P2', 'P3'].map((id) => ({ id, name: `phase ${id}` })), approvers: [] };
  const entry: PhaseRollbackEntry = {
    id: 'r1', fromPhase: 'P3', toPhase: 'P1', phases: ['P2', 'P3'], reason: 'the design misses a case', trigger: 'gate',
    revisionTargets: ['section 3'], artifacts: [{ path: '.pipeline/P2/design.md', sha256: 'ab'.repeat(32) }],
    escalationOverride: true, actor: 'alice@example.com', at: '2026-01-01T00:00:00.000Z',
  };
  const hostile = forged(entry);
  // Phase ids are validated names and select what is shown; everything said about the rollback is forged.
  const keepIds = { ...hostile, fromPhase: 'P3', toPhase: 'P1', phases: ['P2', 'P3'] };
  assertNoForgery('decisions.md', decisionLine(entry, '.pipeline/P3/rollback-record.yaml'), decisionLine(keepIds, `x${FORGERY}`));
  assertNoForgery('re-entry context', reentryContext(definition, 'P1', [entry]), reentryContext(definition, 'P1', [keepIds]));
});
