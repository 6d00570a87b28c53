import assert from 'node:assert/strict';
import { access, mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { isRewindError } from '../../src/core/errors.js';
import type { Files } from '../../src/core/ports.js';
import { createGuardedFiles } from '../../src/exec/guardedFiles.js';
import type { RollbackReportInput } from '../../src/operations/reports/reportInput.js';
import { appendTrend, writeRollbackReports } from '../../src/operations/reports/writeRollbackReports.js';
import { tempDir } from '../helpers/tmp.js';
import { parseCsv } from './csvParse.js';
import { rollbackInput, SECRET } from './fixture.js';

interface Setup {
  stateDir: string;
  files: Files;
  /** The fixture's rollback placed under this state dir, with its own run id. */
  input: (runId: string, overrides?: Partial<RollbackReportInput>) => RollbackReportInput & { reportDir: string; stateDir: string };
}

async function setup(t: TestContext): Promise<Setup> {
  const root = await tempDir(t);
  const stateDir = join(root, '.rewind');
  await mkdir(stateDir);
  return {
    stateDir,
    files: createGuardedFiles([stateDir]),
    input: (runId, overrides = {}) => {
      const base = rollbackInput(overrides);
      return { ...base, run: { ...base.run, id: runId }, reportDir: join(stateDir, 'reports', 'rollbacks', runId), stateDir };
    },
  };
}

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

test('writes every document, the deploy-log entry and the trend row, and returns their paths', async (t) => {
  const { stateDir, files, input } = await setup(t);
  const written = await writeRollbackReports(files, input('rollback-a'));
  const reports = join(stateDir, 'reports');
  assert.deepEqual(written, {
    reportMd: join(reports, 'rollbacks/rollback-a/report.md'),
    summaryJson: join(reports, 'rollbacks/rollback-a/summary.json'),
    incidentMd: join(reports, 'rollbacks/rollback-a/incident.md'),
    deployLog: join(reports, 'deploys/2026-04-19-rollback-v1.4.2-to-v1.4.1.md'),
    trendCsv: join(reports, 'trend.csv'),
    slaCsv: null,
  });
  for (const path of Object.values(written)) if (path !== null) assert.ok(await exists(path), path);
  assert.equal(await exists(join(reports, 'sla-breaches.csv')), false, 'no breach, no file');

  const summary = JSON.parse(await readFile(written.summaryJson, 'utf8')) as Record<string, unknown>;
  assert.equal(summary.run_id, 'rollback-a');
  assert.match(await readFile(written.incidentMd, 'utf8'), /^## Timeline$/m);

  const entry = await readFile(written.deployLog ?? assert.fail('deploy log expected'), 'utf8');
  assert.match(entry, /^# Rollback from v1\.4\.2 → v1\.4\.1$/m);
  assert.match(entry, /^- Triggered by: deploy\.verify_failed \(requested by bob@example\.com, approved by alice@example\.com\)$/m);
  assert.match(entry, /^- Outcome: succeeded/m);
  // The links in the entry lead to the files, from where the entry is.
  for (const [, link] of entry.matchAll(/\]\(([^)]+)\)/g)) assert.ok(await exists(join(dirname(written.deployLog), link ?? '')), `${link} resolves`);
  assert.match(entry, /\(\.\.\/rollbacks\/rollback-a\/incident\.md\)/);
});

test('trend.csv gets its header once and one row per run; a re-render of the same run adds nothing', async (t) => {
  const { files, input } = await setup(t);
  const first = await writeRollbackReports(files, input('rollback-a'));
  await writeRollbackReports(files, input('rollback-b'));
  await writeRollbackReports(files, input('rollback-b'));
  const trend = await readFile(first.trendCsv, 'utf8');
  const rows = parseCsv(trend);
  assert.equal(rows.filter((row) => row[0] === 'date').length, 1, 'one header');
  assert.deepEqual(rows[0]?.slice(0, 13), ['date', 'run_id', 'kind', 'app', 'env', 'from_version', 'to_version', 'status', 'duration_s', 'sla_s', 'sla_breached', 'trigger', 'requested_by']);
  assert.deepEqual(rows.slice(1).map((row) => row[1]), ['rollback-a', 'rollback-b']);
});

test('a second and third rollback between the same versions that day get -2 and -3, never overwriting', async (t) => {
  const { stateDir, files, input } = await setup(t);
  const a = await writeRollbackReports(files, input('rollback-a'));
  const before = await readFile(a.deployLog ?? '', 'utf8');
  const b = await writeRollbackReports(files, input('rollback-b'));
  const c = await writeRollbackReports(files, input('rollback-c'));
  assert.equal(b.deployLog, join(stateDir, 'reports/deploys/2026-04-19-rollback-v1.4.2-to-v1.4.1-2.md'));
  assert.equal(c.deployLog, join(stateDir, 'reports/deploys/2026-04-19-rollback-v1.4.2-to-v1.4.1-3.md'));
  assert.equal(await readFile(a.deployLog ?? '', 'utf8'), before, 'the first entry is untouched');
  assert.match(await readFile(b.deployLog ?? '', 'utf8'), /^- Run: rollback-b$/m);

  // Writing rollback-b again updates its own entry rather than adding a fourth.
  const again = await writeRollbackReports(files, input('rollback-b'));
  assert.equal(again.deployLog, b.deployLog);
  assert.equal((await readdir(join(stateDir, 'reports/deploys'))).length, 3);
});

test('sla-breaches.csv gets a row only for a rollback that took longer than its SLA', async (t) => {
  const { stateDir, files, input } = await setup(t);
  const met = await writeRollbackReports(files, input('rollback-fast', { durationMs: 89_999 }));
  assert.equal(met.slaCsv, null);
  const breached = await writeRollbackReports(files, input('rollback-slow', { durationMs: 95_500 }));
  assert.equal(breached.slaCsv, join(stateDir, 'reports/sla-breaches.csv'));
  await writeRollbackReports(files, input('rollback-fast-2', { durationMs: 1_000 }));
  const rows = parseCsv(await readFile(breached.slaCsv ?? '', 'utf8'));
  assert.deepEqual(rows[0], ['date', 'run_id', 'app', 'env', 'from_version', 'to_version', 'duration_s', 'sla_s', 'over_s', 'reason']);
  assert.deepEqual(rows.slice(1).map((row) => [row[1], row[6], row[7], row[8]]), [['rollback-slow', '95.5', '90', '5.5']]);
  const trend = parseCsv(await readFile(breached.trendCsv, 'utf8'));
  assert.deepEqual(trend.slice(1).map((row) => [row[1], row[10]]), [['rollback-fast', 'false'], ['rollback-slow', 'true'], ['rollback-fast-2', 'false']]);
});

test('a reason with a comma, a quote and a secret reads back intact from both CSV files, minus the secret', async (t) => {
  const { files, input } = await setup(t);
  const run = input('rollback-q', { durationMs: 120_000 });
  run.plan = { ...run.plan, reason: `error rate 5%, "p99" 2s, token ${SECRET}` };
  const written = await writeRollbackReports(files, run);
  const expected = 'error rate 5%, "p99" 2s, token ***';
  for (const path of [written.trendCsv, written.slaCsv ?? assert.fail('breached')]) {
    const text = await readFile(path, 'utf8');
    assert.ok(text.includes('"error rate 5%, ""p99"" 2s, token ***"'), `${path} quotes the field`);
    assert.equal(parseCsv(text)[1]?.at(-1), expected);
    assert.ok(!text.includes(SECRET));
  }
  for (const path of [written.reportMd, written.summaryJson, written.incidentMd, written.deployLog ?? '']) {
    assert.ok(!(await readFile(path, 'utf8')).includes(SECRET), `${path} leaks the secret`);
  }
});

test('a dry run leaves no deploy-log entry and no SLA row, and is a drill in the trend', async (t) => {
  const { stateDir, files, input } = await setup(t);
  const written = await writeRollbackReports(files, input('drill-1', { dryRun: true, durationMs: 500_000 }));
  assert.equal(written.deployLog, null);
  assert.equal(written.slaCsv, null);
  assert.equal(await exists(join(stateDir, 'reports/deploys')), false);
  assert.equal(parseCsv(await readFile(written.trendCsv, 'utf8'))[1]?.[2], 'drill');
  assert.ok(await exists(written.reportMd));
});

test('appendTrend adds a deploy row to the same file, header once', async (t) => {
  const { stateDir, files, input } = await setup(t);
  const deploy = { at: '2026-04-19T14:30:00Z', runId: 'deploy-1', kind: 'deploy' as const, app: 'shop', env: 'production', fromVersion: 'v1.4.1', toVersion: 'v1.4.2', status: 'failure', durationMs: 45_000, slaSeconds: null, trigger: 'manual', requestedBy: 'bob@example.com' };
  const path = await appendTrend(files, stateDir, deploy);
  assert.equal(path, join(stateDir, 'reports/trend.csv'));
  await writeRollbackReports(files, input('rollback-a'));
  await appendTrend(files, stateDir, { ...deploy, runId: 'deploy-2', status: 'success' });
  const rows = parseCsv(await readFile(path, 'utf8'));
  assert.deepEqual(rows.map((row) => row[1]), ['run_id', 'deploy-1', 'rollback-a', 'deploy-2']);
  assert.deepEqual(rows[1]?.slice(0, 3), ['2026-04-19T14:30:00Z', 'deploy-1', 'deploy']);
});

test('a row is appended on a line of its own even after a torn last line', async (t) => {
  const { stateDir, files } = await setup(t);
  const path = join(stateDir, 'reports/trend.csv');
  const row = { at: '2026-04-19T14:30:00Z', runId: 'deploy-1', kind: 'deploy' as const, app: 'shop', env: 'production', fromVersion: null, toVersion: 'v2', status: 'success', durationMs: 1, slaSeconds: null, trigger: 'manual', requestedBy: 'bob' };
  await appendTrend(files, stateDir, row);
  await files.appendFile(path, '2026-04-19T14:31:00Z,deploy-torn,dep');
  await appendTrend(files, stateDir, { ...row, runId: 'deploy-2' });
  const lines = (await readFile(path, 'utf8')).split('\n');
  assert.equal(lines.at(-2)?.split(',')[1], 'deploy-2');
});

test('the writer goes through the write guard: a report dir outside the roots is refused', async (t) => {
  const { stateDir, input } = await setup(t);
  const narrow = createGuardedFiles([join(stateDir, 'elsewhere')]);
  await assert.rejects(writeRollbackReports(narrow, input('rollback-a')), (error: unknown) => isRewindError(error) && error.code === 'WRITE_REFUSED');
  assert.equal(await exists(join(stateDir, 'reports')), false, 'nothing was written');
});
