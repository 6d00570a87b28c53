import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { rewind } from '../helpers/cli.js';
import { makeFleet } from '../helpers/fleet.js';
import { sshdSkipReason } from '../helpers/sshd.js';
import { GOOD, makeWorld, type World } from '../helpers/world.js';

/**
 * `status` says what really runs (issue 13, item 1): the ledger's live release, where `current`
 * points and the build the app reports, per host; all three when they disagree; a host that
 * cannot be inspected as unknown, never as running nothing; exit 0 only when every host is
 * reachable, runs the ledger's live release and is healthy.
 */

/** Deploy `version` with a reload that does nothing and a health check that does not ask for the build: the ledger and `current` move, the app does not. */
async function deployWithoutReload(world: World, version: string): Promise<void> {
  const config = await readFile(world.configFile, 'utf8');
  const reload = /^ {4}reload: .*$/m.exec(config)?.[0];
  assert.ok(reload, 'the demo config has a reload line');
  await world.patchConfig(reload, '    reload: ["true"]');
  await world.patchConfig('expect_version: sha', 'expect_version: false');
  const deployed = await rewind(world.root, ['deploy', version]);
  assert.equal(deployed.code, 0, deployed.stdout + deployed.stderr);
  await world.patchConfig('    reload: ["true"]', reload);
  await world.patchConfig('expect_version: false', 'expect_version: sha');
}

test('current on v1.1.0, the app still on v1.0.0: status names all three, exits 1; the plan shows the same drift', async (t) => {
  const world = await makeWorld(t, [GOOD('v1.0.0'), GOOD('v1.1.0')]);
  const cli = (...args: string[]) => rewind(world.root, args);
  assert.equal((await cli('deploy', 'v1.0.0')).code, 0);
  await deployWithoutReload(world, 'v1.1.0');
  assert.equal(await world.current(), 'releases/v1.1.0');
  assert.equal((await world.served())?.version, 'v1.0.0', 'no reload happened: the app still serves v1.0.0');

  const human = await cli('status');
  assert.equal(human.code, 1, human.stdout + human.stderr);
  assert.match(human.stdout, /^ {2}live \(ledger\): {6}v1\.1\.0 \([0-9a-f]{7}\) verified/m);
  assert.match(human.stdout, /^ {2}current \(target\): {3}v1\.1\.0 at .*releases\/v1\.1\.0$/m);
  assert.match(human.stdout, /^ {2}app reports: {8}v1\.0\.0$/m);
  assert.match(human.stdout, /^ {2}running: {12}v1\.0\.0$/m);
  assert.match(human.stdout, /^ {2}DRIFT: the ledger says v1\.1\.0 is live, current is v1\.1\.0, the app serves v1\.0\.0$/m);
  assert.match(human.stdout, /^ {2}NOT OK \(exit 1\): runs v1\.0\.0, not v1\.1\.0; unhealthy; drift$/m);

  const json = await cli('status', '--json');
  assert.equal(json.code, 1);
  const doc = json.json();
  assert.deepEqual([doc.ok, doc.exit_code, doc.live.version, doc.running.state, doc.running.version], [false, 1, 'v1.1.0', 'known', 'v1.0.0']);
  const [host] = doc.hosts;
  assert.deepEqual(
    [host.ledger, host.current, host.app.version, host.app.reported, host.running],
    ['v1.1.0', { state: 'known', version: 'v1.1.0' }, 'v1.0.0', await world.shaOf('v1.0.0'), { state: 'known', version: 'v1.0.0', error: null }],
  );
  assert.deepEqual(doc.drift, ['the ledger says v1.1.0 is live, current is v1.1.0, the app serves v1.0.0']);
  assert.equal(doc.health.ok, false);

  // The rollback plan (text, plan.md and its JSON) shows the same three-way drift.
  const planned = await cli('rollback');
  assert.equal(planned.code, 0, planned.stderr);
  const drift = '- medium: the ledger says v1.1.0 is live, current is v1.1.0, the app serves v1.0.0';
  assert.ok(planned.stdout.includes(drift), planned.stdout);
  const planMd = /saved: (.*plan\.md)$/m.exec(planned.stdout)?.[1] as string;
  assert.ok((await readFile(planMd, 'utf8')).includes(drift));
  const plan = (await cli('rollback', '--json')).json().plan;
  assert.equal(plan.risks.find((r: any) => r.code === 'drift')?.message, 'the ledger says v1.1.0 is live, current is v1.1.0, the app serves v1.0.0');

  // Rolled back (switched and reloaded), all three agree again: exit 0.
  assert.equal((await cli('rollback', '--apply', '--yes')).code, 0);
  const fine = await cli('status');
  assert.equal(fine.code, 0, fine.stdout + fine.stderr);
  assert.match(fine.stdout, /^ {2}running: {12}v1\.0\.0$/m);
  assert.match(fine.stdout, /^ {2}drift: {14}none$/m);
  assert.match(fine.stdout, /^ {2}status: {13}ok$/m);
});

test('the app down: status prints the whole picture and exits 1', async (t) => {
  const world = await makeWorld(t, [GOOD('v1.0.0')]);
  await world.patchConfig('timeout: 4s', 'timeout: 1s');
  const cli = (...args: string[]) => rewind(world.root, args);
  assert.equal((await cli('deploy', 'v1.0.0')).code, 0);
  await world.stopApp();
  assert.equal(await world.served(), null);

  const human = await cli('status');
  assert.equal(human.code, 1, human.stdout + human.stderr);
  assert.match(human.stdout, /^ {2}current \(target\): {3}v1\.0\.0 at /m);
  assert.match(human.stdout, /^ {2}app reports: {8}no answer naming a build: .*(refused|ECONNREFUSED)/m);
  assert.match(human.stdout, /^ {2}running: {12}v1\.0\.0$/m);
  assert.match(human.stdout, /^ {2}health now: {9}UNHEALTHY: /m);
  assert.match(human.stdout, /^ {2}drift: {14}none$/m);
  assert.match(human.stdout, /^ {2}NOT OK \(exit 1\): unhealthy$/m);
  const json = await cli('status', '--json');
  assert.equal(json.code, 1);
  assert.deepEqual([json.json().ok, json.json().not_ok, json.json().hosts[0].healthy], [false, ['unhealthy'], false]);
});

test('an unreachable ssh host: "cannot inspect", its own state in text and JSON, never running nothing; exit 1', { skip: sshdSkipReason() }, async (t) => {
  const fleet = await makeFleet(t, [GOOD('v1')], 1, '');
  assert.equal((await fleet.cli('deploy', 'v1')).code, 0);
  const reachable = await fleet.cli('status', '--json');
  assert.equal(reachable.code, 0, reachable.stdout);

  await fleet.sshds[0]?.stop();
  const json = await fleet.cli('status', '--json');
  assert.equal(json.code, 1, json.stdout + json.stderr);
  const doc = json.json();
  assert.deepEqual(reachable.json().running, { state: 'known', version: 'v1', artifact: reachable.json().running.artifact, problems: [], error: null });
  const refused = new RegExp(`^cannot inspect: ${fleet.hosts[0]?.replaceAll('.', '\\.')}.*connection refused`);
  assert.equal(doc.running.state, 'unknown');
  assert.equal(doc.running.version, null);
  assert.match(doc.running.error, refused);
  assert.equal(doc.hosts[0].running.state, 'unknown');
  assert.match(doc.hosts[0].running.error, refused);
  assert.deepEqual(doc.hosts[0].current, { state: 'unknown', version: null });
  assert.deepEqual(doc.drift, [], 'an unknown host is not drift: nothing was seen to disagree');
  assert.deepEqual(doc.not_ok, ['cannot be inspected']);

  const human = await fleet.cli('status');
  assert.equal(human.code, 1);
  assert.match(human.stdout, /^ {2}current \(target\): {3}cannot inspect: .*connection refused/m);
  assert.match(human.stdout, /^ {2}running: {12}unknown: cannot inspect: .*connection refused/m);
  assert.doesNotMatch(human.stdout, /running: +nothing/);
});
