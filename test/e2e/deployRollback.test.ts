import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { rewind } from '../helpers/cli.js';
import { BROKEN, GOOD, makeWorld } from '../helpers/world.js';

test('deploy, auto-rollback, plan, apply: the service ends on the last verified release', async (t) => {
  const world = await makeWorld(t, [GOOD('v1'), GOOD('v2'), BROKEN('v3')]);
  const cli = (...args: string[]) => rewind(world.root, args);
  const [sha1, sha2] = [await world.shaOf('v1'), await world.shaOf('v2')];

  await t.test('deploying good versions verifies each against the sha it reports', async () => {
    const first = await cli('deploy', 'v1', '--json');
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.json().release.status, 'verified');
    assert.equal(first.json().release.sha, sha1);
    const second = await cli('deploy', 'v2');
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /deployed v2 \([0-9a-f]{7}\): verified/);
    assert.equal(await world.current(), 'releases/v2');
    assert.deepEqual(await world.served(), { http: 200, version: 'v2', sha: sha2 });
  });

  await t.test('a broken deploy fails verification and goes back to the release live before it', async () => {
    const broken = await cli('deploy', 'v3', '--json');
    assert.equal(broken.code, 1);
    const doc = broken.json();
    assert.equal(doc.ok, false);
    assert.equal(doc.error.code, 'VERIFY_FAILED');
    assert.match(doc.error.message, /status 503, expected 200/);
    assert.equal(doc.rollback.ok, true);
    assert.equal(doc.rollback.to_version, 'v2');
    assert.equal(await world.current(), 'releases/v2');
    assert.equal((await world.served())?.sha, sha2);
    const summary = JSON.parse(await readFile(join(doc.rollback.report, '..', 'summary.json'), 'utf8'));
    assert.equal(summary.status, 'success');
    assert.equal(summary.trigger, 'deploy.verify_failed');
    assert.equal(summary.from_version, 'v3');
    assert.equal(summary.to_version, 'v2');
  });

  await t.test('history lists releases and runs newest first', async () => {
    const history = (await cli('history', '--json')).json();
    assert.deepEqual(history.releases.map((r: any) => [r.version, r.status]), [['v3', 'rolled_back'], ['v2', 'verified'], ['v1', 'superseded']]);
    for (const r of history.releases) for (const key of ['version', 'sha', 'status', 'deployed_at']) assert.ok(key in r, key);
    assert.deepEqual(history.runs.map((r: any) => [r.kind, r.status, r.from_version, r.to_version]), [
      ['rollback', 'succeeded', 'v3', 'v2'],
      ['deploy', 'failed', 'v2', 'v3'],
      ['deploy', 'succeeded', 'v1', 'v2'],
      ['deploy', 'succeeded', null, 'v1'],
    ]);
    assert.ok(history.runs.every((r: any) => typeof r.run_id === 'string'));
  });

  await t.test('a broken deploy kept with --no-auto-rollback stays current and shows in status', async () => {
    const kept = await cli('deploy', 'v3', '--no-auto-rollback');
    assert.equal(kept.code, 1);
    assert.match(kept.stdout, /no automatic rollback: --no-auto-rollback/);
    assert.equal(await world.current(), 'releases/v3');
    const status = (await cli('status', '--json')).json();
    assert.equal(status.live.version, 'v3');
    assert.equal(status.live.status, 'failed');
    assert.equal(status.running.version, 'v3');
    assert.equal(status.last_known_good.version, 'v2');
    assert.equal(status.health.ok, false);
    assert.deepEqual(status.drift, []);
  });

  let planDir = '';
  await t.test('rollback without --apply saves the plan and changes nothing', async () => {
    const planned = await cli('rollback', '--json');
    assert.equal(planned.code, 0, planned.stderr);
    const doc = planned.json();
    assert.equal(doc.applied, false);
    assert.equal(doc.plan.from.version, 'v3');
    assert.equal(doc.plan.to.version, 'v2');
    assert.equal(doc.plan.targetChosenBy, 'last_known_good');
    planDir = join(doc.files.plan_md, '..');
    assert.match(await readFile(doc.files.plan_md, 'utf8'), /Rollback plan: demo-shop production, v3 -> v2/);
    assert.equal(JSON.parse(await readFile(doc.files.plan_json, 'utf8')).to.version, 'v2');
    assert.equal(existsSync(join(planDir, 'report.md')), false);
    assert.equal(await world.current(), 'releases/v3');
    assert.equal((await world.served())?.version, 'v3');
  });

  await t.test('--apply without a terminal and without --yes refuses and changes nothing', async () => {
    const refused = await cli('rollback', '--apply');
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /pass --yes/);
    assert.equal(await world.current(), 'releases/v3');
  });

  await t.test('--apply --yes rolls back, verifies the target sha, marks the failed release and reports', async () => {
    const applied = await cli('rollback', '--apply', '--yes', '--reason', 'checkout returns 503', '--json');
    assert.equal(applied.code, 0, applied.stderr);
    const doc = applied.json();
    assert.equal(doc.ok, true);
    assert.equal(doc.live_after, 'v2');
    assert.equal(await world.current(), 'releases/v2');
    assert.deepEqual(await world.served(), { http: 200, version: 'v2', sha: sha2 });
    const summary = JSON.parse(await readFile(doc.files.summary_json, 'utf8'));
    assert.deepEqual(
      { workflow: summary.workflow, run_id: summary.run_id, status: summary.status, reason: summary.reason, from: summary.from_version, to: summary.to_version },
      { workflow: 'rewind_rollback', run_id: doc.run_id, status: 'success', reason: 'checkout returns 503', from: 'v3', to: 'v2' },
    );
    assert.match(summary.rollback_id, /^plan-[0-9a-f]{12}$/);
    assert.equal(typeof summary.version, 'string');
    const report = await readFile(doc.files.report_md, 'utf8');
    assert.match(report, /Rollback succeeded/);
    assert.match(report, /verify v2/);
    assert.match(report, /requested by: tester@example.com/);
    const v3 = (await cli('history', '--json')).json().releases.find((r: any) => r.version === 'v3');
    assert.equal(v3.status, 'rolled_back');
  });

  await t.test('--target-version goes further back; the skipped release is named in the plan', async () => {
    const applied = await cli('rollback', '--apply', '--yes', '--target-version', 'v1', '--json');
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal(applied.json().plan.to.version, 'v1');
    assert.equal((await world.served())?.sha, sha1);
  });

  await t.test('status reports drift when current is repointed behind rewind\'s back', async () => {
    await symlink('releases/v2', join(world.layout.deployPath, 'current.by-hand'));
    await rename(join(world.layout.deployPath, 'current.by-hand'), join(world.layout.deployPath, 'current'));
    const status = (await cli('status', '--json')).json();
    assert.equal(status.live.version, 'v1');
    // Issue 13: what runs is what the app serves (not reloaded, still v1); `current` is shown beside it.
    assert.equal(status.running.version, 'v1');
    assert.equal(status.hosts[0].current.version, 'v2');
    assert.deepEqual(status.drift, ['the ledger says v1 is live, current is v2, the app serves v1']);
    const human = await cli('status');
    assert.equal(human.code, 1);
    assert.match(human.stdout, /DRIFT: the ledger says v1 is live, current is v2, the app serves v1/);
  });
});

test('pruning keeps `keep` releases plus the live one and the last known good', async (t) => {
  const world = await makeWorld(t, [GOOD('v1'), GOOD('v2'), BROKEN('v3'), GOOD('v4')]);
  await writeFile(world.configFile, (await readFile(world.configFile, 'utf8')).replace('keep: 5', 'keep: 1'));
  const cli = (...args: string[]) => rewind(world.root, args);
  for (const version of ['v1', 'v2']) assert.equal((await cli('deploy', version)).code, 0);
  assert.equal((await cli('deploy', 'v3')).code, 1);
  assert.equal((await cli('deploy', 'v4')).code, 0);
  // v4 is live, v2 is the last known good (v3 failed); v1 and v3 go.
  const releases = (await readdir(join(world.layout.deployPath, 'releases'))).filter((n) => !n.startsWith('.')).sort();
  assert.deepEqual(releases, ['v2', 'v4']);
  const applied = await cli('rollback', '--apply', '--yes');
  assert.equal(applied.code, 0, applied.stderr);
  assert.equal((await world.served())?.version, 'v2');
});

