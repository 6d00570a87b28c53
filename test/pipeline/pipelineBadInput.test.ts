import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { oneLine, pipelineConfig, pipelineProject, treeDigest } from './project.js';

const rollback = (...args: string[]) => ['pipeline', 'rollback', ...args];

test('bad input: one line, exit 2, and the whole tree (ledger included) unchanged', async (t) => {
  const project = await pipelineProject(t, { paths: true });
  await project.advanceTo('P7');
  const cases: [string[], RegExp][] = [
    [rollback('--from', 'P9', '--to', 'P4', '--reason', 'x'), /unknown phase "P9" for --from \(expected one of: P1, P2, P3, P4, P5, P6, P7, P8\)/],
    [rollback('--from', 'P7', '--to', 'design', '--reason', 'x'), /unknown phase "design" for --to/],
    [rollback('--from', 'P4', '--to', 'P6', '--reason', 'x'), /--to P6 is not earlier than --from P4/],
    [rollback('--from', 'P7', '--to', 'P7', '--reason', 'x'), /--to P7 is not earlier than --from P7/],
    [rollback('--from', 'P7', '--to', 'P5', '--reason', 'x'), /rollback P7 -> P5 is not in pipeline\.paths/],
    [rollback('--from', 'P7', '--to', 'P4'), /required option '--reason <text>' not specified/],
    [rollback('--from', 'P7', '--to', 'P4', '--reason', '  '), /--reason is required/],
    [rollback('--to', 'P4', '--reason', 'x'), /required option '--from <phase>'/],
    [rollback('--from', 'P7', '--to', 'P4', '--reason', 'x', '--trigger', 'panic'), /--trigger.*panic.*(gate|choices)/],
    [rollback('--from', 'P7', '--to', 'P4', '--reason', 'x', '--revise', ''), /--revise needs a text/],
    [rollback('--from', 'P7', '--to', 'P4', '--reason', 'x', '--yes', '--override-escalation'), /--override-escalation is for pipeline\.approvers only/],
    [['pipeline', 'advance', 'P0'], /unknown phase "P0" for advance/],
    [['pipeline', 'context', 'nope'], /unknown phase "nope" for context/],
  ];
  for (const [args, message] of cases) {
    const before = await treeDigest(project.dir);
    const run = await project.run(args);
    assert.equal(run.code, 2, `${args.join(' ')}: exit ${run.code}\n${run.stderr}`);
    oneLine(run, message);
    assert.equal(run.stdout, '');
    assert.deepEqual(await treeDigest(project.dir), before, `${args.join(' ')} wrote something`);
  }
});

test('bad input with --json: the error as one JSON document, still exit 2', async (t) => {
  const project = await pipelineProject(t);
  const run = await project.run(['pipeline', 'rollback', '--from', 'P3', '--to', 'P9', '--reason', 'x', '--json']);
  assert.equal(run.code, 2);
  assert.equal(run.json().error.code, 'PHASE_UNKNOWN');
});

test('state the pipeline is not in: rolling back from behind the furthest phase, advancing a phase not in progress', async (t) => {
  const project = await pipelineProject(t);
  await project.advanceTo('P5');
  const behind = await project.run(['pipeline', 'rollback', '--from', 'P4', '--to', 'P2', '--reason', 'x']);
  assert.equal(behind.code, 2);
  oneLine(behind, /cannot roll back from P4: a rollback starts from the furthest phase reached \(now: P5 \(in_progress\)\)/);
  const ahead = await project.run(['pipeline', 'rollback', '--from', 'P7', '--to', 'P2', '--reason', 'x']);
  assert.equal(ahead.code, 2);
  const advance = await project.run(['pipeline', 'advance', 'P3']);
  assert.equal(advance.code, 2);
  oneLine(advance, /P3 is done: only the phase in progress can be advanced \(now in progress: P5 \(in_progress\)\)/);
  assert.equal((await project.statuses()).P5, 'in_progress');
});

test('advance: the phase in progress becomes done and the next starts; the last phase ends the pipeline', async (t) => {
  const project = await pipelineProject(t);
  const first = await project.ok(['pipeline', 'advance', 'P1']);
  assert.equal(first.stdout, 'P1 done; P2 in progress\n');
  assert.deepEqual(Object.values(await project.statuses()).slice(0, 3), ['done', 'in_progress', 'pending']);
  assert.match(await project.read('.pipeline/state.yaml'), /- id: P2\n {4}name: research\n {4}status: in_progress/);
  await project.advanceTo('P8');
  const last = await project.ok(['pipeline', 'advance', 'P8', '--json']);
  assert.deepEqual({ ...last.json(), phases: undefined }, { ok: true, phase: 'P8', next: null, phases: undefined });
  assert.ok(Object.values(await project.statuses()).every((status) => status === 'done'));
});

test('no pipeline section: one line, exit 2, for every pipeline command', async (t) => {
  const project = await pipelineProject(t, { config: pipelineConfig().replace(/pipeline:[\s\S]*$/, '') });
  const before = await treeDigest(project.dir);
  for (const args of [['pipeline', 'status'], ['pipeline', 'advance', 'P1'], ['pipeline', 'context', 'P1'], ['pipeline', 'rollback', '--from', 'P2', '--to', 'P1', '--reason', 'x']]) {
    const run = await project.run(args);
    assert.equal(run.code, 2, args.join(' '));
    oneLine(run, /rewind\.yaml has no pipeline: section/);
  }
  assert.deepEqual(await treeDigest(project.dir), before);
});

test('config: the pipeline section is checked with line numbers', async (t) => {
  const project = await pipelineProject(t);
  const cases: [string, RegExp][] = [
    [pipelineConfig('  paths:\n    - { from: P5, to: P9 }\n'), /rewind\.yaml:\d+: pipeline\.paths\[0\]\.to: unknown phase "P9"/],
    [pipelineConfig('  paths:\n    - { from: P4, to: P5 }\n'), /pipeline\.paths\[0\]\.to: a rollback path goes back: P5 is not earlier than P4/],
    [pipelineConfig().replace('{ id: P2,', '{ id: P1,'), /pipeline\.phases\[1\]\.id: phase id "P1" is used twice/],
    [pipelineConfig().replace('{ id: P3,', '{ id: "../x",'), /pipeline\.phases\[2\]\.id: expected a phase id/],
    [pipelineConfig('  colour: red\n'), /unknown key "colour"/],
  ];
  for (const [config, message] of cases) {
    await writeFile(join(project.dir, 'rewind.yaml'), config);
    const run = await project.run(['pipeline', 'status']);
    assert.equal(run.code, 2, run.stderr);
    oneLine(run, message);
  }
});
