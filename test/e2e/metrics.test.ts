import assert from 'node:assert/strict';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { createLocalExec } from '../../src/exec/localExec.js';
import { rewind } from '../helpers/cli.js';
import { BROKEN, GOOD, makeWorld } from '../helpers/world.js';

test('rewind metrics tells the figures of real deploys, rollbacks, a drill and a recorded deploy', async (t) => {
  const world = await makeWorld(t, [GOOD('v1'), GOOD('v2'), BROKEN('v3'), BROKEN('v4')]);
  await world.configure('    sla: { rollback_seconds: 0.05 }');
  // A second environment, never deployed to: metrics without --env covers it too.
  const staging = JSON.stringify(join(world.root, 'staging-releases'));
  await appendFile(world.configFile, `  staging:\n    driver: releases\n    hosts: [local]\n    releases:\n      path: ${staging}\n` +
    `      source: { git: ${JSON.stringify(world.layout.appRepo)}, ref: "{version}" }\n`);
  const cli = (...args: string[]) => rewind(world.root, args);
  const production = async (...args: string[]) => {
    const result = await cli('metrics', '--json', '--env', 'production', ...args);
    assert.equal(result.code, 0, result.stderr);
    return result.json().environments[0];
  };
  const commitTime = async (tag: string) => {
    const shown = await createLocalExec().run(['git', '-C', world.layout.appRepo, 'show', '-s', '--format=%cI', `${tag}^{commit}`]);
    return Date.parse(shown.stdout.trim());
  };

  await t.test('an empty ledger: nothing in the period, said, for every environment', async () => {
    const empty = await cli('metrics', '--json');
    assert.equal(empty.code, 0, empty.stderr);
    const doc = empty.json();
    assert.equal(doc.since, '30d');
    assert.deepEqual(doc.environments.map((e: any) => e.env), ['production', 'staging']);
    for (const env of doc.environments) {
      assert.equal(env.deployment_frequency.shown, 'no deploys in the period');
      assert.equal(env.change_failure_rate.value, null);
      assert.equal(env.change_failure_rate.basis, '0 of 0 deploys');
      assert.equal(env.rollbacks.shown, 'no rollbacks in the period');
    }
  });

  for (const version of ['v1', 'v2']) assert.equal((await cli('deploy', version)).code, 0);
  const broken = await cli('deploy', 'v3', '--json');
  assert.equal(broken.code, 1);
  const automatic = broken.json().rollback;
  assert.equal(automatic.ok, true);
  assert.equal((await cli('drill')).code, 0);
  assert.equal((await cli('deploy', 'v4', '--no-auto-rollback')).code, 1);
  const runs = async () => (await cli('history', '--json')).json().runs as any[];

  await t.test('two of four deploys failed; one recovered by its automatic rollback, one still open', async () => {
    const m = await production();
    assert.equal(m.deployment_frequency.deploys, 4);
    assert.equal(m.deployment_frequency.basis, '4 deploys in 30 days');
    assert.deepEqual([m.change_failure_rate.failed, m.change_failure_rate.deploys, m.change_failure_rate.value], [2, 4, 0.5]);
    assert.equal(m.change_failure_rate.basis, '2 of 4 deploys (2 failed verification, 1 rolled back)');
    const rollbackRun = (await runs()).find((r) => r.kind === 'rollback');
    assert.equal(rollbackRun.run_id, automatic.run_id);
    const [v3, v4] = m.recovery_time.failures;
    assert.equal(v3.version, 'v3');
    assert.ok(Date.parse(v3.detected_at) <= Date.parse(rollbackRun.created_at));
    // Serving verified again once its verify step passed on v2, just before the run finished.
    const v2 = (await cli('history', '--json')).json().releases.find((r: any) => r.version === 'v2');
    assert.equal(v3.recovered_at, v2.verified_at);
    assert.ok(Date.parse(rollbackRun.started_at) < Date.parse(v3.recovered_at));
    assert.ok(Date.parse(v3.recovered_at) <= Date.parse(rollbackRun.finished_at));
    assert.equal(m.recovery_time.median_s, (Date.parse(v3.recovered_at) - Date.parse(v3.detected_at)) / 1000);
    assert.deepEqual([v4.version, v4.recovered_at], ['v4', null]);
    assert.match(m.recovery_time.basis, /^1 recovered failure; 1 open, not counted: v4 since \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    // The drill is not a rollback.
    assert.deepEqual(m.rollbacks.run_ids, [automatic.run_id]);
    assert.equal(m.rollbacks.by_trigger['deploy verification'], 1);
    assert.equal(m.rollback_duration.median_s, (Date.parse(rollbackRun.finished_at) - Date.parse(rollbackRun.started_at)) / 1000);
    assert.deepEqual([m.sla_breaches.value, m.sla_breaches.sla_s, m.sla_breaches.run_ids], [1, 0.05, [automatic.run_id]]);
  });

  await t.test('lead time runs from each verified deploy\'s commit time, recorded at deploy from git', async () => {
    const m = await production();
    const deploys = (await runs()).filter((r) => r.kind === 'deploy' && r.status === 'succeeded');
    const leads = await Promise.all(deploys.map(async (r) => Date.parse(r.finished_at) - (await commitTime(r.to_version))));
    assert.deepEqual([m.lead_time.count, m.lead_time.verified_deploys, m.lead_time.unknown], [2, 2, 0]);
    assert.ok(leads.every((ms) => ms > 0));
    assert.equal(m.lead_time.median_s, Math.round((leads[0]! + leads[1]!) / 2) / 1000);
    assert.equal(m.lead_time.basis, 'known for 2 of 2 verified deploys');
  });

  await t.test('a manual rollback recovers the open failure; a recorded deploy counts, without a lead time', async () => {
    assert.equal((await cli('rollback', '--apply', '--yes', '--reason', 'v4 is broken')).code, 0);
    const recorded = await cli('record', '--version', 'v9', '--sha', await world.shaOf('v2'), '--status', 'verified', '--source', 'jenkins');
    assert.equal(recorded.code, 0, recorded.stderr);
    const m = await production('--since', '1h');
    assert.equal(m.deployment_frequency.basis, '5 deploys in 1 hour (1 of them recorded from other systems)');
    assert.equal(m.change_failure_rate.basis, '2 of 5 deploys (2 failed verification, 2 rolled back)');
    assert.equal(m.recovery_time.recovered, 2);
    assert.ok(m.recovery_time.failures.every((f: any) => f.recovered_at !== null));
    assert.equal(m.rollbacks.basis, '2 rollbacks: 2 succeeded, 0 failed; started by deploy verification 1, manual 1');
    assert.equal(m.rollback_duration.count, 2);
    assert.equal(m.sla_breaches.shown, '2 of 2');
    assert.equal(m.lead_time.basis, 'known for 2 of 3 verified deploys');
  });

  await t.test('the text prints each figure with its formula and its counts', async () => {
    const text = await cli('metrics');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^demo-shop production, the last 30d \(\d{4}-\d\d-\d\d \d\d:\d\d UTC to /);
    assert.match(text.stdout, /\n {2}change failure rate: 40%\n {6}how: deploys that went live and then failed verification, .* \/ deploys that went live\n {6}from: 2 of 5 deploys/);
    assert.match(text.stdout, /\n {2}SLA breaches: 2 of 2\n {6}how: finished rollbacks that took longer than sla\.rollback_seconds \(0\.05 s\)\n/);
    assert.match(text.stdout, /\n\ndemo-shop staging, the last 30d .*\n {2}deployment frequency: no deploys in the period\n/);
  });

  await t.test('bad input: one line, exit 2, nothing on stdout', async () => {
    for (const args of [['--since', 'soon'], ['--since', '30'], ['--env', 'nowhere']]) {
      const bad = await cli('metrics', ...args);
      assert.equal(bad.code, 2, args.join(' '));
      assert.equal(bad.stdout, '');
      assert.equal(bad.stderr.trimEnd().split('\n').length, 1, bad.stderr);
    }
    assert.match((await cli('metrics', '--since', 'soon')).stderr, /^rewind: --since "soon" is not a period: expected a number and a unit/);
  });
});
