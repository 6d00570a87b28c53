import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { pipelineProject, sha256File, treeDigest, writtenByRewind } from './project.js';

const ROLLBACK_P7_P4 = ['pipeline', 'rollback', '--from', 'P7', '--to', 'P4', '--reason', 'tests show the design cannot retry', '--trigger', 'gate', '--revise', 'retry policy', '--revise', 'API shape', '--yes'];

test('a rollback P7 -> P4: statuses, state.yaml, the record with every artifact\'s sha256, context, decision log, audit', async (t) => {
  const project = await pipelineProject(t);
  await project.advanceTo('P7');
  const before = await treeDigest(project.dir, writtenByRewind);

  const run = await project.ok([...ROLLBACK_P7_P4]);
  assert.match(run.stdout, /^rolled the pipeline back from P7 to P4: P5, P6, P7 ROLLED_BACK, P4 in_progress; 12 artifact\(s\) preserved/);
  assert.match(run.stdout, /record: +\.pipeline\/P7\/rollback-record\.yaml/);

  const expected = { P1: 'done', P2: 'done', P3: 'done', P4: 'in_progress', P5: 'ROLLED_BACK', P6: 'ROLLED_BACK', P7: 'ROLLED_BACK', P8: 'pending' };
  assert.deepEqual(await project.statuses(), expected);
  const state = await project.yaml('.pipeline/state.yaml');
  assert.equal(state.app, 'shop');
  assert.deepEqual(Object.fromEntries(state.phases.map((p: any) => [p.id, p.status])), expected);
  assert.equal(state.phases[3].name, 'design');

  const { rollback } = await project.yaml('.pipeline/P7/rollback-record.yaml');
  assert.equal(rollback.from_phase, 'P7');
  assert.equal(rollback.to_phase, 'P4');
  assert.equal(rollback.reason, 'tests show the design cannot retry');
  assert.equal(rollback.trigger, 'gate');
  assert.match(rollback.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.ok(Math.abs(Date.parse(rollback.timestamp) - Date.now()) < 60_000);
  assert.deepEqual(rollback.revision_targets, ['retry policy', 'API shape']);
  // Every file of P5, P6 and P7, and nothing else, with the sha256 of its bytes.
  const artifacts = Object.keys(before).filter((path) => /^\.pipeline\/P[567]\/.*[^/]$/.test(path)).sort();
  assert.equal(artifacts.length, 12);
  assert.deepEqual(rollback.artifacts_preserved.map((a: any) => a.path), artifacts);
  for (const artifact of rollback.artifacts_preserved) assert.equal(artifact.sha256, await sha256File(join(project.dir, artifact.path)), artifact.path);

  const context = await project.read('.pipeline/P4/reentry-context.md');
  assert.match(context, /^# Re-entry context: P4 \(design\)/);
  assert.match(context, /> tests show the design cannot retry/);
  assert.match(context, /## Revision targets\n\n- retry policy\n- API shape\n/);
  assert.match(context, /`\.pipeline\/P6\/L3-data\.bin` \(sha256 [0-9a-f]{64}\)/);
  assert.equal((await project.ok(['pipeline', 'context', 'P4'])).stdout, context, '`pipeline context` prints what was written');

  const decisions = (await project.read('.pipeline/decisions.md')).split('\n').filter((line) => line.startsWith('- '));
  assert.equal(decisions.length, 1);
  assert.match(decisions[0]!, /^- \S+Z rollback P7 -> P4 \(P5, P6, P7 ROLLED_BACK\) by tester@example\.com, trigger gate: tests show the design cannot retry\. Revise: retry policy; API shape\. Record: \.pipeline\/P7\/rollback-record\.yaml$/);

  const audit = (await project.ok(['audit', 'export', '--json'])).json().entries;
  const rollbacks = audit.filter((entry: any) => entry.action === 'pipeline.rollback');
  assert.equal(rollbacks.length, 1);
  assert.equal(rollbacks[0].actor, 'tester@example.com');
  assert.deepEqual([rollbacks[0].detail.from, rollbacks[0].detail.to, rollbacks[0].detail.phases], ['P7', 'P4', ['P5', 'P6', 'P7']]);
  assert.equal(audit.filter((entry: any) => entry.action === 'pipeline.advance').length, 6);
  assert.equal((await project.ok(['audit', 'verify'])).stdout, `audit log intact: ${audit.length} entries, head ${audit.length}:${audit.at(-1).hash}\n` +
    'no recorded head to check it against (reports record one; so does --expect-head); 0 releases match their audited state\n');

  assert.deepEqual(await treeDigest(project.dir, writtenByRewind), before, 'no artifact deleted, moved or changed');
});

test('--json prints exactly one document describing the rollback', async (t) => {
  const project = await pipelineProject(t);
  await project.advanceTo('P7');
  const run = await project.ok(['pipeline', 'rollback', '--from', 'P7', '--to', 'P6', '--reason', 'flaky retry code', '--json']);
  const document = run.json();
  assert.equal(document.ok, true);
  assert.equal(document.rollback.trigger, 'user', 'the default trigger');
  assert.deepEqual(document.rollback.phases_rolled_back, ['P7']);
  assert.equal(document.rollback.artifacts_preserved.length, 4);
  assert.equal(document.files.record, '.pipeline/P7/rollback-record.yaml');
  assert.deepEqual(document.phases.find((p: any) => p.id === 'P6'), { id: 'P6', name: 'implementation', status: 'in_progress' });
  const status = (await project.ok(['pipeline', 'status', '--json'])).json();
  assert.equal(status.rollbacks, 1);
  assert.equal(status.phases.find((p: any) => p.id === 'P6').rollbacks_to, 1);
  const table = (await project.ok(['pipeline', 'status'])).stdout;
  assert.match(table, /^PHASE +NAME +STATUS +ROLLBACKS TO$/m);
  assert.match(table, /^P6 +implementation +in_progress +1$/m);
  assert.match(table, /^P7 +testing +ROLLED_BACK +0$/m);
});

test('more than two phases needs --yes: without a terminal it is exit 3 and nothing changes', async (t) => {
  const project = await pipelineProject(t);
  await project.advanceTo('P7');
  const statuses = await project.statuses();
  const before = await treeDigest(project.dir, (path) => path.startsWith('.rewind/'));
  const refused = await project.run(ROLLBACK_P7_P4.filter((arg) => arg !== '--yes'));
  assert.equal(refused.code, 3, refused.stderr);
  assert.match(refused.stderr, /^rewind: .*P5, P6, P7.*needs confirmation.*--yes/);
  assert.deepEqual(await treeDigest(project.dir, (path) => path.startsWith('.rewind/')), before);
  assert.deepEqual(await project.statuses(), statuses);
  assert.equal((await project.ok(['audit', 'export', '--json'])).json().entries.filter((e: any) => e.action === 'pipeline.rollback').length, 0);

  // Two phases is not more than two: no confirmation needed.
  await project.ok(['pipeline', 'rollback', '--from', 'P7', '--to', 'P5', '--reason', 'validation missed a case']);
  assert.equal((await project.statuses()).P5, 'in_progress');
});

test('a third rollback to the same phase is refused (exit 3); only an approver can override it', async (t) => {
  const project = await pipelineProject(t);
  await project.advanceTo('P7');
  for (const n of [1, 2]) {
    await project.ok(['pipeline', 'rollback', '--from', 'P7', '--to', 'P6', '--reason', `tests fail, round ${n}`]);
    await project.ok(['pipeline', 'advance', 'P6']);
  }
  const statuses = await project.statuses();
  const before = await treeDigest(project.dir, (path) => path.startsWith('.rewind/'));
  const third = ['pipeline', 'rollback', '--from', 'P7', '--to', 'P6', '--reason', 'tests fail, round 3'];

  const refused = await project.run(third);
  assert.equal(refused.code, 3);
  assert.match(refused.stderr, /^rewind: P6 was already rolled back to 2 times .*reassess the pipeline fundamentally/);

  const notApprover = await project.run([...third, '--override-escalation']);
  assert.equal(notApprover.code, 2);
  assert.match(notApprover.stderr, /^rewind: --override-escalation is for pipeline\.approvers only, and tester@example\.com is not one/);
  assert.deepEqual(await project.statuses(), statuses);
  assert.deepEqual(await treeDigest(project.dir, (path) => path.startsWith('.rewind/')), before, 'refusals write nothing');

  const overridden = await project.ok([...third, '--override-escalation', '--json'], { REWIND_USER: 'boss@example.com' });
  assert.equal(overridden.json().rollback.escalation_override, true);
  assert.equal((await project.statuses()).P6, 'in_progress');
  const record = await project.yaml('.pipeline/P7/rollback-record.yaml');
  assert.equal(record.rollback.escalation_override, true);
  assert.equal(record.rollback.actor, 'boss@example.com');
  assert.deepEqual(record.earlier_rollbacks_from_this_phase.map((r: any) => r.reason), ['tests fail, round 2', 'tests fail, round 1']);
  const lines = (await project.read('.pipeline/decisions.md')).split('\n').filter((line) => line.startsWith('- '));
  assert.equal(lines.length, 3);
  assert.match(lines[2]!, /by boss@example\.com.*Escalation limit overridden/);
  const audit = (await project.ok(['audit', 'export', '--json'])).json().entries.filter((e: any) => e.action === 'pipeline.rollback');
  assert.deepEqual(audit.map((e: any) => e.detail.escalation_override), [false, false, true]);

  // The context of P6 lists every attempt, oldest first.
  const context = (await project.ok(['pipeline', 'context', 'P6'])).stdout;
  const rounds = [...context.matchAll(/- Why: tests fail, round (\d)/g)].map((m) => m[1]);
  assert.deepEqual(rounds, ['1', '2', '3']);
  assert.equal(await project.read('.pipeline/P6/reentry-context.md'), context);
});

test('with pipeline.paths, only the listed rollbacks are allowed', async (t) => {
  const project = await pipelineProject(t, { paths: true });
  await project.advanceTo('P7');
  const before = await treeDigest(project.dir);
  const refused = await project.run(['pipeline', 'rollback', '--from', 'P7', '--to', 'P3', '--reason', 'architecture', '--yes']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /^rewind: rollback P7 -> P3 is not in pipeline\.paths \(allowed from P7 only to: P6, P4\)\n$/);
  assert.deepEqual(await treeDigest(project.dir), before);
  await project.ok(['pipeline', 'rollback', '--from', 'P7', '--to', 'P4', '--reason', 'design flaw', '--yes']);
  assert.equal((await project.statuses()).P4, 'in_progress');
});
