import assert from 'node:assert/strict';
import { appendFile, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { openSqliteLedger } from '../../src/ledger/sqlite.js';
import type { Run } from '../../src/core/run.js';
import { rewind } from '../helpers/cli.js';
import { BROKEN, GOOD, makeWorld } from '../helpers/world.js';

/** The lines of a markdown section, from its heading to the next one. */
function section(text: string, heading: string): string {
  const start = text.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `no ## ${heading}`);
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end === -1 ? undefined : end);
}

test('rewind report prints and writes again the report of a run of every kind, from the ledger', async (t) => {
  const world = await makeWorld(t, [GOOD('v1'), GOOD('v2'), BROKEN('v3')]);
  await appendFile(world.configFile, `  staging:\n    driver: releases\n    hosts: [local]\n    releases:\n` +
    `      path: ${JSON.stringify(join(world.root, 'staging-releases'))}\n      source: { dir: "build/{version}" }\n`);
  const cli = (...args: string[]) => rewind(world.root, args);
  for (const version of ['v1', 'v2']) assert.equal((await cli('deploy', version)).code, 0);
  const broken = (await cli('deploy', 'v3', '--json')).json();
  const rollbackId: string = broken.rollback.run_id;
  const deployId: string = broken.run_id;
  const reportDir = join(broken.rollback.report, '..');
  assert.equal((await cli('drill')).code, 0);
  assert.equal((await cli('rollback', '--target-version', 'v1')).code, 0);
  const runs = (await cli('history', '--json')).json().runs as any[];
  const drillId: string = runs.find((r) => r.kind === 'drill').run_id;
  const plannedId: string = runs.find((r) => r.status === 'planned').run_id;
  const reportsRoot = join(world.root, '.rewind', 'reports');
  const rowsOf = async (id: string) => (await readFile(join(reportsRoot, 'trend.csv'), 'utf8')).split('\n').filter((l) => l.split(',')[1] === id);

  await t.test('a rollback: the same report.md as written at the time, and summary.json exactly', async () => {
    const printed = await cli('report', rollbackId);
    assert.equal(printed.code, 0, printed.stderr);
    const written = await readFile(join(reportDir, 'report.md'), 'utf8');
    assert.equal(printed.stdout.split('\n')[0], '# Rollback succeeded: demo-shop production, v3 -> v2');
    assert.equal(printed.stdout.split('\n')[0], written.split('\n')[0]);
    assert.equal(section(printed.stdout, 'Steps'), section(written, 'Steps'));
    assert.match(printed.stdout, /\n- trigger: deploy\.verify_failed\n/);
    assert.match(section(printed.stdout, 'Verification'), /- health: passed, verify v2: .* \(as journaled\)/);
    const summary = JSON.parse(await readFile(join(reportDir, 'summary.json'), 'utf8'));
    for (const args of [['--format', 'json'], ['--json']]) {
      const json = await cli('report', rollbackId, ...args);
      assert.equal(json.code, 0, json.stderr);
      assert.deepEqual(json.json(), summary);
    }
  });

  await t.test('--write puts back lost documents of a rollback and adds no second CSV row or log entry', async () => {
    const summary = await readFile(join(reportDir, 'summary.json'), 'utf8');
    const deployLog = (await readdir(join(reportsRoot, 'deploys'))).filter((f) => f.endsWith('.md'));
    for (const file of ['report.md', 'summary.json', 'incident.md']) await rm(join(reportDir, file));
    const written = await cli('report', rollbackId, '--write', '--json');
    assert.equal(written.code, 0, written.stderr);
    const files: string[] = written.json().files;
    for (const file of ['report.md', 'summary.json', 'incident.md']) assert.ok(files.includes(join(reportDir, file)), file);
    assert.equal(await readFile(join(reportDir, 'summary.json'), 'utf8'), summary);
    assert.match(await readFile(join(reportDir, 'incident.md'), 'utf8'), /^# Deployment incident: demo-shop production, v3\n/);
    assert.deepEqual((await readdir(join(reportsRoot, 'deploys'))).filter((f) => f.endsWith('.md')), deployLog);
    assert.equal((await rowsOf(rollbackId)).length, 1);
    const text = await cli('report', rollbackId, '--write');
    assert.match(text.stdout, new RegExp(`^wrote the reports of rollback ${rollbackId}:\\n {2}/`));
  });

  await t.test('a deploy: its record, steps and the rollback it started; --write keeps its one trend row', async () => {
    const printed = await cli('report', deployId);
    assert.equal(printed.code, 0, printed.stderr);
    assert.match(printed.stdout, /^# Deploy failed: demo-shop production, v2 -> v3\n/);
    assert.match(printed.stdout, new RegExp(`\\n- started rollback ${rollbackId}: succeeded \\(v3 -> v2\\)\\n`));
    assert.match(printed.stdout, /\| \d+ \| verify v3 \| FAILED \|/);
    const json = (await cli('report', deployId, '--json')).json();
    assert.equal(json.workflow, 'rewind_deploy');
    assert.equal(json.status, 'failed');
    assert.deepEqual(json.children.map((c: any) => c.run_id), [rollbackId]);
    assert.ok(json.steps.some((s: any) => s.name === 'verify v3' && s.status === 'failed'));
    const first = (await cli('history', '--json')).json().runs.find((r: any) => r.kind === 'deploy' && r.to_version === 'v1');
    assert.match((await cli('report', first.run_id)).stdout, /^# Deploy succeeded: demo-shop production, \(nothing\) -> v1\n/);
    assert.equal((await cli('report', deployId, '--write')).code, 0);
    assert.equal((await rowsOf(deployId)).length, 1);
  });

  await t.test('a drill: a dry-run report, written to its own dir with --write', async () => {
    const printed = await cli('report', drillId);
    assert.equal(printed.code, 0, printed.stderr);
    assert.match(printed.stdout, /^# Rollback drill \(dry run\): demo-shop production, v2 -> v1\n/);
    const written = await cli('report', drillId, '--write', '--json');
    assert.equal(written.code, 0, written.stderr);
    const summary = JSON.parse(await readFile(join(reportsRoot, 'drills', drillId, 'summary.json'), 'utf8'));
    assert.deepEqual([summary.run_id, summary.dry_run, summary.sla_breached], [drillId, true, false]);
    assert.equal((await rowsOf(drillId)).length, 1);
  });

  await t.test('a planned rollback is printed as its record; it has no files to write yet', async () => {
    const printed = await cli('report', plannedId);
    assert.match(printed.stdout, /^# Rollback planned: demo-shop production, v2 -> v1\n/);
    assert.match(printed.stdout, /\n## Plan\n/);
    const refused = await cli('report', plannedId, '--write');
    assert.equal(refused.code, 2);
    assert.equal(refused.stderr, `rewind: --write: run ${plannedId} is planned; only a finished run has report files ` +
      `(\`rewind report ${plannedId}\` prints what it has)\n`);
  });

  await t.test('a watch run, and a kind this rewind does not know, print what their record has', async () => {
    const ledger = await openSqliteLedger(join(world.root, '.rewind', 'ledger.sqlite'));
    const base = runs.find((r) => r.kind === 'deploy' && r.to_version === 'v2');
    const record = (id: string, kind: string, plan: unknown): Run => ({
      id, app: 'demo-shop', env: 'production', kind: kind as Run['kind'], status: 'paused', fromVersion: null, toVersion: 'v2',
      fromReleaseId: null, toReleaseId: null, requestedBy: 'tester@example.com', approvedBy: null, reason: null, trigger: 'deploy',
      plan, createdAt: base.finished_at, startedAt: base.finished_at, finishedAt: null, error: 'tier 2: p99 over 800ms',
    });
    await ledger.insertRun(record('watch-1', 'watch', { kind: 'watch', decision: { tier: 2, at: base.finished_at }, segments: [] }));
    await ledger.insertRun(record('canary-1', 'canary', 'a plan of a shape unknown here'));
    await ledger.insertRun({ ...record('watch-s', 'watch', null), env: 'staging' });
    await ledger.close();
    const watch = await cli('report', 'watch-1');
    assert.equal(watch.code, 0, watch.stderr);
    assert.match(watch.stdout, /^# Watch paused: demo-shop production, \(nothing\) -> v2\n/);
    assert.match(watch.stdout, /\n- error: tier 2: p99 over 800ms\n/);
    assert.match(watch.stdout, /\n- decision: `\{"tier":2,"at":"[^`]+"\}`\n/);
    assert.equal((await cli('report', 'watch-1', '--json')).json().workflow, 'rewind_watch');
    const unknown = await cli('report', 'canary-1');
    assert.equal(unknown.code, 0, unknown.stderr);
    assert.match(unknown.stdout, /^# Canary paused: /);
    assert.equal((await cli('report', 'watch-1', '--write')).code, 2);
    // Without --env, a run of another environment is reported in its own.
    assert.match((await cli('report', 'watch-s')).stdout, /^# Watch paused: demo-shop staging, /);
  });

  await t.test('bad input: one line, exit 2', async () => {
    const missing = await cli('report', 'rollback-20990101-000000-dead');
    assert.equal(missing.code, 2);
    assert.equal(missing.stdout, '');
    assert.equal(missing.stderr, 'rewind: no run rollback-20990101-000000-dead in the ledger (rewind history lists them)\n');
    const format = await cli('report', rollbackId, '--format', 'xml');
    assert.equal(format.code, 2);
    assert.equal(format.stderr.trimEnd().split('\n').length, 1);
    assert.match(format.stderr, /--format.*xml.*md, json/);
    const other = await cli('report', rollbackId, '--env', 'staging');
    assert.equal(other.code, 2);
    assert.equal(other.stderr,
      `rewind: run ${rollbackId} belongs to demo-shop production, not demo-shop staging: pass --env production\n`);
  });
});
