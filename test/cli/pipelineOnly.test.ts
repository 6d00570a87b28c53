/**
 * Issue 13, item 7: a rewind.yaml with `pipeline:` and no `environments:` is
 * a valid file for the pipeline commands; every command that acts on an
 * environment says in one line that none is configured, exit 2.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { pipelineProject, PHASES } from '../pipeline/project.js';

const PIPELINE_ONLY = `app: shop
pipeline:
  dir: .pipeline
  phases:
${PHASES.map((id) => `    - { id: ${id}, name: phase-${id} }`).join('\n')}
`;

test('a pipeline-only rewind.yaml: the pipeline commands work, the deploy commands say no environment is configured', async (t) => {
  const project = await pipelineProject(t, { config: PIPELINE_ONLY });

  const status = await project.ok(['pipeline', 'status', '--json']);
  assert.deepEqual(status.json().phases.map((p: any) => p.id), [...PHASES]);
  await project.ok(['pipeline', 'advance', 'P1']);
  assert.equal((await project.statuses()).P2, 'in_progress');

  for (const args of [['deploy', 'v1'], ['status'], ['rollback'], ['history']]) {
    const run = await project.run(args);
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stdout}${run.stderr}`);
    const lines = run.stderr.trim().split('\n');
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0] as string, /^rewind: no environment is configured in .*rewind\.yaml \(it holds only a pipeline\); add environments:/);
  }
  const json = await project.run(['deploy', 'v1', '--json']);
  assert.equal(json.json().error.code, 'NO_ENVIRONMENT');
  assert.equal(json.json().error.exit, 2);
  assert.equal(existsSync(join(project.dir, 'releases')), false);
});

test('without environments and without a pipeline the file is still refused, as before', async (t) => {
  const project = await pipelineProject(t, { config: 'app: shop\n' });
  const run = await project.run(['pipeline', 'status']);
  assert.equal(run.code, 2);
  assert.equal(run.stderr.trim(), 'rewind: rewind.yaml:1: missing required key "environments"');
  await writeFile(join(project.dir, 'rewind.yaml'), 'app: shop\nenvironments: {}\n');
  const empty = await project.run(['status']);
  assert.equal(empty.code, 2);
  assert.equal(empty.stderr.trim(), 'rewind: rewind.yaml:2: environments: expected at least one environment (or a pipeline: section)');
});
