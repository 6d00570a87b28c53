import assert from 'node:assert/strict';
import { test } from 'node:test';
import { postgresSkip, withAdmin, withTempDatabase } from '../helpers/postgres.js';
import { pipelineConfig, pipelineProject } from './project.js';

const skip = await postgresSkip();

test('the pipeline commands keep their statuses and rollbacks in a shared PostgreSQL ledger', { skip }, async (t) => {
  const { url } = await withTempDatabase(t);
  const project = await pipelineProject(t, { config: `${pipelineConfig()}state: { backend: postgres }\n` });
  const env = { REWIND_DATABASE_URL: url, REWIND_USER: 'dev@example.com' };
  const statuses = async () => Object.fromEntries((await project.ok(['pipeline', 'status', '--json'], env)).json().phases.map((p: any) => [p.id, p.status]));
  for (let i = 0; i < 4; i += 1) {
    const current = Object.entries(await statuses()).find(([, s]) => s === 'in_progress')?.[0] as string;
    await project.ok(['pipeline', 'advance', current], env);
  }
  await project.ok(['pipeline', 'rollback', '--from', 'P5', '--to', 'P4', '--reason', 'design misses a case'], env);
  assert.equal((await statuses()).P4, 'in_progress');
  assert.equal((await statuses()).P5, 'ROLLED_BACK');
  const rows = await withAdmin(async (client) => (await client.query('select from_phase, to_phase, reason from pipeline_rollbacks')).rows, url);
  assert.deepEqual(rows, [{ from_phase: 'P5', to_phase: 'P4', reason: 'design misses a case' }]);
  // Nothing went to a SQLite file instead.
  assert.equal(await import('node:fs/promises').then((fs) => fs.stat(`${project.dir}/.rewind/ledger.sqlite`).then(() => true, () => false)), false);
});
