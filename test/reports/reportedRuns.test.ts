import assert from 'node:assert/strict';
import { appendFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { createGuardedFiles } from '../../src/exec/guardedFiles.js';
import { reportedRuns } from '../../src/operations/reports/reportedRuns.js';
import { appendTrend, writeRollbackReports } from '../../src/operations/reports/writeRollbackReports.js';
import { tempDir } from '../helpers/tmp.js';
import { rollbackInput } from './fixture.js';

const deployRow = (runId: string, at: string, to: string, status: string, env = 'production') => ({
  at, runId, kind: 'deploy' as const, app: 'shop', env, fromVersion: null, toVersion: to, status, durationMs: 2500,
  slaSeconds: null, trigger: 'manual', requestedBy: 'alice@example.com', reason: 'a reason, with "quotes"\nand a line break',
});

test('runs read back from what the writers wrote: trend.csv rows and summary.json, this environment only, in start order', async (t) => {
  const stateDir = await tempDir(t);
  const files = createGuardedFiles([stateDir]);
  await appendTrend(files, stateDir, deployRow('deploy-b', '2026-04-19T14:30:00.000Z', 'v1.4.2', 'failure'));
  await appendTrend(files, stateDir, deployRow('deploy-a', '2026-04-18T09:00:00.000Z', 'v1.4.1', 'success'));
  await appendTrend(files, stateDir, deployRow('deploy-s', '2026-04-18T09:00:00.000Z', 'v9', 'success', 'staging'));
  const input = rollbackInput();
  await writeRollbackReports(files, { ...input, stateDir, reportDir: join(stateDir, 'reports', 'rollbacks', input.run.id) });

  const runs = await reportedRuns(files, stateDir, 'shop', 'production');
  assert.deepEqual(runs.map((r) => [r.runId, r.kind, r.fromVersion, r.toVersion, r.ok]), [
    ['deploy-a', 'deploy', null, 'v1.4.1', true],
    ['deploy-b', 'deploy', null, 'v1.4.2', false],
    ['rollback-20260419-143250-3f2a', 'rollback', 'v1.4.2', 'v1.4.1', true],
  ]);
  assert.deepEqual([runs[0]?.startedAt, runs[0]?.finishedAt], ['2026-04-18T09:00:00.000Z', '2026-04-18T09:00:02.500Z']);
  assert.equal(runs[2]?.requestedBy, 'bob@example.com');

  // Without trend.csv the rollback's summary.json still tells of it, with its own times.
  await rm(join(stateDir, 'reports', 'trend.csv'));
  const fromSummary = await reportedRuns(files, stateDir, 'shop', 'production');
  assert.deepEqual(fromSummary.map((r) => [r.runId, r.startedAt, r.finishedAt]), [
    ['rollback-20260419-143250-3f2a', '2026-04-19T14:33:00.000Z', '2026-04-19T14:33:08.000Z'],
  ]);
});

test('a damaged trend.csv or summary.json is skipped, not fatal; no reports dir is no runs', async (t) => {
  const stateDir = await tempDir(t);
  const files = createGuardedFiles([stateDir]);
  assert.deepEqual(await reportedRuns(files, stateDir, 'shop', 'production'), []);
  await appendTrend(files, stateDir, deployRow('deploy-a', '2026-04-18T09:00:00.000Z', 'v1', 'success'));
  // A crash mid-append, and a summary that is not JSON.
  await appendFile(join(stateDir, 'reports', 'trend.csv'), '2026-04-19T00:00:00Z,deploy-x,deploy,shop,production,v1,"v2');
  await files.mkdir(join(stateDir, 'reports', 'rollbacks', 'rollback-bad'));
  await files.writeFile(join(stateDir, 'reports', 'rollbacks', 'rollback-bad', 'summary.json'), '{"run_id": ');
  assert.deepEqual((await reportedRuns(files, stateDir, 'shop', 'production')).map((r) => r.runId), ['deploy-a']);
});
