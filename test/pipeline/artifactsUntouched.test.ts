import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pipelineProject, treeDigest, writtenByRewind } from './project.js';

test('after a sequence of rollbacks and advances, every artifact is byte for byte what it was', async (t) => {
  const project = await pipelineProject(t);
  const before = await treeDigest(project.dir, writtenByRewind);
  assert.ok(Object.keys(before).length >= 40, 'the project has artifacts');

  const back = (from: string, to: string, reason: string, ...more: string[]) =>
    project.ok(['pipeline', 'rollback', '--from', from, '--to', to, '--reason', reason, '--yes', ...more]);
  await project.advanceTo('P7');
  await back('P7', 'P4', 'design flaw found by tests', '--trigger', 'gate', '--revise', 'error model');
  await project.advanceTo('P6');
  await back('P6', 'P3', 'architecture cannot scale', '--trigger', 'blocker');
  await project.advanceTo('P5');
  await back('P5', 'P4', 'validation failed again');
  await project.advanceTo('P8');
  await back('P8', 'P6', 'integration broke the build');
  await back('P6', 'P1', 'the requirements were wrong from the start', '--trigger', 'user');
  await project.advanceTo('P3');
  await project.ok(['pipeline', 'advance', 'P3']);

  assert.deepEqual(await treeDigest(project.dir, writtenByRewind), before);
  const status = (await project.ok(['pipeline', 'status', '--json'])).json();
  assert.equal(status.rollbacks, 5);
  assert.deepEqual(status.phases.map((p: any) => p.status), ['done', 'done', 'done', 'in_progress', 'ROLLED_BACK', 'ROLLED_BACK', 'ROLLED_BACK', 'ROLLED_BACK']);
  const decisions = (await project.read('.pipeline/decisions.md')).split('\n').filter((line) => line.startsWith('- '));
  assert.deepEqual(decisions.map((line) => /rollback (\S+ -> \S+)/.exec(line)?.[1]), ['P7 -> P4', 'P6 -> P3', 'P5 -> P4', 'P8 -> P6', 'P6 -> P1']);
  assert.equal((await project.ok(['audit', 'verify'])).code, 0);
  // P4 was re-entered twice and rolled back through twice: four attempts, oldest first.
  const context = (await project.ok(['pipeline', 'context', 'P4'])).stdout;
  assert.deepEqual([...context.matchAll(/^### \d+\. (\S+ -> [^,\s]+)/gm)].map((m) => m[1]), ['P7 -> P4', 'P6 -> P3', 'P5 -> P4', 'P6 -> P1']);
});
