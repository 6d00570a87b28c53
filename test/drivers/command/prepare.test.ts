import assert from 'node:assert/strict';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeCommandWorld, parseLog, rewindError, SECTION } from './helpers.js';

test('prepare: a version that is not present is made by the prepare commands, then reused', async (t) => {
  const world = await makeCommandWorld(t);
  await world.addVersion('v1');
  const driver = world.driver(SECTION);
  assert.equal(await driver.isPresent('v1'), false);
  assert.deepEqual(await driver.prepare('v1'), { version: 'v1', sha: null, artifact: 'v1 by `./fetch.sh v1`', reused: false });
  assert.deepEqual(await readdir(join(world.dir, 'releases')), ['v1']);
  // present before, fetch, present after: a prepare that did not make the version ready would be caught.
  assert.deepEqual((await world.logLines()).map((l) => parseLog(l).script), ['has-version.sh', 'has-version.sh', 'fetch.sh', 'has-version.sh']);

  assert.equal(await driver.isPresent('v1'), true);
  assert.deepEqual(await driver.prepare('v1'), { version: 'v1', sha: null, artifact: 'v1, ready by `./has-version.sh v1`', reused: true });
  assert.deepEqual((await world.logLines()).map((l) => parseLog(l).script), ['has-version.sh', 'has-version.sh'], 'nothing fetched again');
});

test('prepare with rebuild: the prepare commands run even though present says ready', async (t) => {
  const world = await makeCommandWorld(t);
  await world.addVersion('v1');
  const driver = world.driver(SECTION);
  await driver.prepare('v1');
  await world.logLines();
  const again = await driver.prepare('v1', { rebuild: true });
  assert.equal(again.reused, false);
  assert.deepEqual((await world.logLines()).map((l) => parseLog(l).script), ['fetch.sh', 'has-version.sh']);
});

test('prepare: a failing prepare command is BUILD_FAILED naming it, its exit code and its last stderr line', async (t) => {
  const world = await makeCommandWorld(t);
  const driver = world.driver(SECTION);
  await assert.rejects(driver.prepare('v404'), rewindError('BUILD_FAILED', /^prepare `\.\/fetch\.sh v404` exited 3: no such version in the store: v404$/));
  assert.equal(await world.current(), undefined);
});

test('prepare: the commands exit 0 but present still says no: BUILD_FAILED, before anything can switch to it', async (t) => {
  const world = await makeCommandWorld(t);
  const driver = world.driver({ ...SECTION, prepare: [['true']] });
  await assert.rejects(driver.prepare('v1'), rewindError('BUILD_FAILED', /^the prepare commands exited 0, but present `\.\/has-version\.sh v1` still says v1 is not ready$/));
});

test('prepare without a present command: the prepare commands always run (every version counts as present)', async (t) => {
  const world = await makeCommandWorld(t);
  await world.addVersion('v1');
  const { present: _present, ...section } = SECTION;
  const driver = world.driver(section);
  assert.equal(await driver.isPresent('v1'), true);
  for (let i = 0; i < 2; i += 1) assert.equal((await driver.prepare('v1')).reused, false);
  assert.deepEqual((await world.logLines()).map((l) => parseLog(l).script), ['fetch.sh', 'fetch.sh']);
});

test('prepare without prepare commands: a present version is reused, a missing one cannot be made', async (t) => {
  const world = await makeCommandWorld(t);
  await world.addVersion('v1');
  await world.driver(SECTION).prepare('v1');
  const driver = world.driver({ ...SECTION, prepare: [] });
  assert.equal((await driver.prepare('v1')).reused, true);
  assert.equal((await driver.prepare('v1', { rebuild: true })).reused, true, 'nothing to rebuild with: present is asked');
  await rm(join(world.dir, 'releases', 'v1'), { recursive: true });
  await assert.rejects(driver.prepare('v1'), rewindError('BUILD_FAILED', /^v1 is not ready \(present `\.\/has-version\.sh v1` exited non-zero\) and there are no prepare commands to make it$/));
  const neither = world.driver({ activate: SECTION.activate, inspect: SECTION.inspect });
  assert.deepEqual(await neither.prepare('v2'), { version: 'v2', sha: null, artifact: 'v2 (no prepare commands)', reused: true });
});

test('prepare and present get the REWIND_* variables; prepare the run it is part of too', async (t) => {
  const world = await makeCommandWorld(t);
  await world.addVersion('v2');
  const driver = world.driver(SECTION, { env: 'staging' });
  await driver.prepare('v2', { run: { runId: 'run-42', user: 'alice@example.com', previousVersion: 'v1' } });
  const [presentBefore, fetch] = (await world.logLines()).map(parseLog);
  assert.deepEqual(fetch?.vars, { VERSION: 'v2', ENV: 'staging', RELEASE_DIR: world.dir, SHA: '', RUN_ID: 'run-42', USER: 'alice@example.com', PREVIOUS: 'v1' });
  assert.equal(fetch?.cwd, world.dir);
  // isPresent is not part of a run's change: the run's facts are not known there.
  assert.deepEqual(presentBefore?.vars, { VERSION: 'v2', ENV: 'staging', RELEASE_DIR: world.dir, SHA: '', RUN_ID: 'unset', USER: 'unset', PREVIOUS: 'unset' });
});

test('present: a program that cannot be started is an error, not "missing"', async (t) => {
  const world = await makeCommandWorld(t);
  const driver = world.driver({ ...SECTION, present: ['./no-such-script.sh', '{version}'] });
  await assert.rejects(driver.isPresent('v1'), rewindError('STEP_FAILED', /^present `\.\/no-such-script\.sh v1` could not be started: program \.\/no-such-script\.sh was not found/));
  const fetchless = world.driver({ ...SECTION, prepare: [['./no-fetch.sh', '{version}']] });
  await assert.rejects(fetchless.prepare('v1'), rewindError('BUILD_FAILED', /^prepare `\.\/no-fetch\.sh v1` could not be started/));
});
