import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeCommandWorld, parseLog, rewindError, SECTION } from './helpers.js';

test('activate: the switch script swaps the symlink; the step is told what ran and what it said', async (t) => {
  const world = await makeCommandWorld(t);
  for (const v of ['v1', 'v2']) await world.addVersion(v);
  const driver = world.driver(SECTION);
  for (const v of ['v1', 'v2']) await driver.prepare(v);
  assert.equal(await driver.activate('v1'), '`./switch.sh v1` exited 0: current -> v1');
  assert.equal(await world.current(), 'releases/v1');
  assert.equal(await driver.activate('v2'), '`./switch.sh v2` exited 0: current -> v2');
  assert.equal(await world.current(), 'releases/v2');
  assert.equal((await driver.inspect()).version, 'v2');
});

test('activate: every command of the list runs, in order, in the cwd', async (t) => {
  const world = await makeCommandWorld(t);
  await world.addVersion('v1');
  const driver = world.driver({ ...SECTION, activate: [['./switch.sh', '{version}'], ['./args.sh', 'reloaded', '{app}']] });
  await driver.prepare('v1');
  await world.logLines();
  assert.equal(await driver.activate('v1'), '`./switch.sh v1` exited 0: current -> v1; `./args.sh reloaded shop` exited 0');
  assert.deepEqual((await world.logLines()).map((l) => [parseLog(l).script, parseLog(l).args, parseLog(l).cwd]), [
    ['switch.sh', 'v1', world.dir],
    ['args.sh', 'reloaded shop', world.dir],
  ]);
});

test('activate: a failing command stops the switch with one line; a later one says the target may be partly switched', async (t) => {
  const world = await makeCommandWorld(t);
  await world.addVersion('v1');
  const first = world.driver({ ...SECTION, activate: [['./switch.sh', '{version}']] });
  await assert.rejects(first.activate('v0'), rewindError('STEP_FAILED', /^activate `\.\/switch\.sh v0` exited 4: releases\/v0 does not exist$/));

  const driver = world.driver({ ...SECTION, activate: [['./switch.sh', '{version}'], ['./fail.sh', '{version}'], ['./args.sh', 'never']] });
  await driver.prepare('v1');
  await world.logLines();
  await assert.rejects(
    driver.activate('v1'),
    rewindError('STEP_FAILED', /^activate `\.\/fail\.sh v1` exited 7: disk on fire \(after 1 of 3 activate commands had succeeded: the target may be partly switched\)$/),
  );
  assert.deepEqual((await world.logLines()).map((l) => parseLog(l).script), ['switch.sh', 'fail.sh'], 'nothing after the failure runs');
});

test('activate: the scripts see REWIND_* variables from the run, and none of the run when it is not given', async (t) => {
  const world = await makeCommandWorld(t);
  await world.addVersion('v2');
  const driver = world.driver(SECTION);
  await driver.prepare('v2');
  await world.logLines();
  await driver.activate('v2', { runId: 'run-7', user: 'bob@example.com', previousVersion: 'v1' });
  await driver.activate('v2', { runId: 'run-8', user: 'bob@example.com', previousVersion: null });
  await driver.activate('v2');
  const [given, first, none] = (await world.logLines()).map((l) => parseLog(l).vars);
  assert.deepEqual(given, { VERSION: 'v2', ENV: 'production', RELEASE_DIR: world.dir, SHA: '', RUN_ID: 'run-7', USER: 'bob@example.com', PREVIOUS: 'v1' });
  // Nothing ran before: set and empty, which a script can tell from "not known".
  assert.equal(first?.PREVIOUS, '');
  assert.deepEqual(none, { VERSION: 'v2', ENV: 'production', RELEASE_DIR: world.dir, SHA: '', RUN_ID: 'unset', USER: 'unset', PREVIOUS: 'unset' });
});

test('describeActivate: the commands a real switch would run, substituted, and nothing run', async (t) => {
  const world = await makeCommandWorld(t);
  const driver = world.driver({ ...SECTION, activate: [['./switch.sh', '{version}'], ['systemctl', 'reload', '{app}-{env}']] });
  assert.equal(await driver.describeActivate?.('v3'), `would run \`./switch.sh v3\`, then \`systemctl reload shop-production\` in ${world.dir}`);
  assert.deepEqual(await world.logLines(), []);
  assert.equal(await world.current(), undefined);
});

test('vars: {release_dir} is the cwd; prune removes nothing', async (t) => {
  const world = await makeCommandWorld(t);
  const driver = world.driver(SECTION, { app: 'web', env: 'staging' });
  assert.deepEqual(await driver.vars('v1'), { version: 'v1', env: 'staging', app: 'web', host: '127.0.0.1', release_dir: world.dir, previous_release_dir: world.dir });
  assert.deepEqual(await driver.prune(['v1']), []);
});

test("blue/green: a slot's instance tells its commands {slot} and {port}; the vars carry them too", async (t) => {
  const world = await makeCommandWorld(t);
  await world.addVersion('v1');
  const section = { ...SECTION, activate: [['./args.sh', 'start', '{version}', '{slot}', '{port}']] };
  const green = world.driver(section, { slot: { name: 'green', port: 3002 } });
  await world.logLines();
  assert.equal(await green.activate('v1'), '`./args.sh start v1 green 3002` exited 0');
  assert.deepEqual((await world.logLines()).map((l) => parseLog(l).args), ['start v1 green 3002']);
  assert.deepEqual([(await green.vars('v1')).slot, (await green.vars('v1')).port], ['green', '3002']);
  // Without a slot the placeholders have no value (the config refuses them without traffic:).
  assert.equal((await world.driver(SECTION).vars('v1')).slot, undefined);
});
