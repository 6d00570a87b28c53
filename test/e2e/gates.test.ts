import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { test } from 'node:test';
import { rewind } from '../helpers/cli.js';
import { spawnCli } from '../helpers/spawnCli.js';
import { BROKEN, GOOD, makeWorld } from '../helpers/world.js';

async function brokenWorld(t: Parameters<typeof makeWorld>[0]) {
  const world = await makeWorld(t, [GOOD('v1'), GOOD('v2'), BROKEN('v3')]);
  await world.patchConfig('timeout: 4s', 'timeout: 1s');
  for (const version of ['v1', 'v2']) assert.equal((await rewind(world.root, ['deploy', version])).code, 0);
  assert.equal((await rewind(world.root, ['deploy', 'v3', '--no-auto-rollback'])).code, 1);
  return world;
}

test('two rollbacks started together: one runs, the other exits 3 naming the holder', async (t) => {
  const world = await brokenWorld(t);
  // A slow smoke command keeps the winner inside its run long enough for the race to be real.
  await world.patchConfig('    smoke:\n', `    smoke:\n      - ["${process.execPath}", "-e", "setTimeout(() => {}, 2500)"]\n`);
  const [a, b] = await Promise.all([
    spawnCli(world.root, ['rollback', '--apply', '--yes'], { REWIND_USER: 'alice@example.com' }),
    spawnCli(world.root, ['rollback', '--apply', '--yes'], { REWIND_USER: 'bob@example.com' }),
  ]);
  const codes = [a.code, b.code].sort();
  assert.deepEqual(codes, [0, 3], `${a.stderr}\n${b.stderr}`);
  const loser = a.code === 3 ? a : b;
  const winner = a.code === 3 ? 'bob@example.com' : 'alice@example.com';
  assert.match(loser.stderr, new RegExp(`production is locked by run rollback-\\S+ by ${winner.replace('.', '\\.')} on \\S+ \\(pid \\d+\\) since \\S+`));
  assert.equal(await world.current(), 'releases/v2');
  const runs = (await rewind(world.root, ['history', '--json'])).json().runs.filter((r: any) => r.kind === 'rollback');
  assert.equal(runs.filter((r: any) => r.status === 'succeeded').length, 1);
});

test('approval: a gated run never touches the target until an approver (not the requester) approves it', async (t) => {
  const world = await brokenWorld(t);
  await world.configure('    approval: { required_for: all, approvers: [boss@example.com, tester@example.com], allow_self_approval: false }');
  const cli = (args: string[], user = 'tester@example.com') => rewind(world.root, args, { REWIND_USER: user });

  const gated = await cli(['rollback', '--apply', '--yes', '--json']);
  assert.equal(gated.code, 3);
  const runId = gated.json().run_id;
  assert.match(gated.json().error.message, /needs approval by one of boss@example\.com, tester@example\.com/);
  assert.equal(await world.current(), 'releases/v3');
  assert.equal((await cli(['history', '--json'])).json().runs[0].status, 'awaiting_approval');

  const resumedUnapproved = await cli(['resume', runId]);
  assert.equal(resumedUnapproved.code, 3);
  assert.equal(await world.current(), 'releases/v3');

  const self = await cli(['approve', runId]);
  assert.equal(self.code, 2);
  assert.match(self.stderr, /asked for this run and cannot approve it too/);
  const stranger = await cli(['approve', runId], 'eve@example.com');
  assert.equal(stranger.code, 2);
  assert.match(stranger.stderr, /eve@example\.com is not an approver/);
  assert.equal(await world.current(), 'releases/v3');

  const approved = await cli(['approve', runId, '--apply', '--json'], 'boss@example.com');
  assert.equal(approved.code, 0, approved.stderr);
  assert.equal(await world.current(), 'releases/v2');
  const summary = JSON.parse(await readFile(approved.json().files.summary_json, 'utf8'));
  assert.equal(summary.requested_by, 'tester@example.com');
  assert.equal(summary.approved_by, 'boss@example.com');
  assert.match(await readFile(approved.json().files.report_md, 'utf8'), /boss@example\.com/);

  assert.equal((await cli(['deploy', 'v3', '--no-auto-rollback'])).code, 1);
  const auto = await cli(['rollback', '--apply', '--yes', '--auto-approve', '--json']);
  assert.equal(auto.code, 0, auto.stderr);
  const audit = (await cli(['audit', 'export'])).stdout.trim().split('\n').map((line) => JSON.parse(line));
  const used = audit.find((e: any) => e.action === 'approval.auto_approved');
  assert.equal(used?.actor, 'tester@example.com');
  assert.equal(used?.run_id, auto.json().run_id);
  assert.deepEqual(audit.filter((e: any) => e.action.startsWith('approval.')).map((e: any) => e.action), ['approval.requested', 'approval.requested', 'approval.refused', 'approval.refused', 'approval.granted', 'approval.auto_approved']);
  assert.equal((await cli(['audit', 'verify'])).code, 0);
});

test('a saved plan is carried out exactly, and refused when the world moved since', async (t) => {
  const world = await brokenWorld(t);
  const cli = (...args: string[]) => rewind(world.root, args);

  const planned = (await cli('rollback', '--json')).json();
  const edited = JSON.parse(await readFile(planned.files.plan_json, 'utf8'));
  await writeFile(planned.files.plan_json, JSON.stringify({ ...edited, to: { ...edited.to, version: 'v1' } }));
  const tampered = await cli('rollback', '--apply', '--yes', '--plan', planned.files.plan_json);
  assert.equal(tampered.code, 2);
  assert.match(tampered.stderr, /plan\.json does not match the plan saved in the ledger/);
  await writeFile(planned.files.plan_json, JSON.stringify(edited));

  const stale = (await cli('rollback', '--json')).json();
  assert.equal((await cli('deploy', 'v2')).code, 0);
  const refused = await cli('rollback', '--apply', '--yes', '--run', stale.run_id);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /is stale: the ledger changed since it was made/);
  assert.equal(await world.current(), 'releases/v2');

  assert.equal((await cli('deploy', 'v3', '--no-auto-rollback')).code, 1);
  const fresh = (await cli('rollback', '--json')).json();
  const applied = await cli('rollback', '--apply', '--yes', '--plan', fresh.files.plan_json, '--json');
  assert.equal(applied.code, 0, applied.stderr);
  assert.equal(applied.json().run_id, fresh.run_id);
  assert.deepEqual(applied.json().plan, fresh.plan);
  assert.equal(await world.current(), 'releases/v2');
});

test('a drill checks for real, simulates every change, logs itself, and changes nothing', async (t) => {
  const world = await brokenWorld(t);
  const cli = (...args: string[]) => rewind(world.root, args);
  const before = (await cli('history', '--json')).json().releases;

  const drill = await cli('drill', '--json');
  assert.equal(drill.code, 0, drill.stderr);
  const doc = drill.json();
  assert.equal(doc.ok, true);
  assert.equal(doc.dry_run, true);
  assert.match(doc.steps.map((s: any) => s.detail).join('\n'), /would point current at v2 \(now v3\)[\s\S]*would run node pm2 startOrReload[\s\S]*health endpoint answers \(status 503 now\)[\s\S]*would mark v3 rolled_back/);
  assert.equal((await cli('rollback', '--apply', '--dry-run')).code, 0);

  assert.equal(await world.current(), 'releases/v3');
  assert.equal((await world.served())?.version, 'v3');
  assert.deepEqual((await cli('history', '--json')).json().releases, before);
  const log = await readFile(doc.drill_log, 'utf8');
  assert.equal(log.match(/: demo-shop production, v3 -> v2: PASS in/g)?.length, 2);

  // With the app down, a real rollback could not prove itself: the drill says so.
  await world.stopApp();
  const failing = await cli('drill');
  assert.equal(failing.code, 1);
  assert.match(failing.stdout, /a real rollback would fail: the health endpoint does not answer: connection refused/);
  assert.match(await readFile(doc.drill_log, 'utf8'), /v3 -> v2: FAIL/);
});
