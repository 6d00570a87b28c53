import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { dirBuilds, fixture, makeDriver, steppingClock } from './helpers.js';

test('prune keeps the newest `keep`, every protected version and the live one', async (t) => {
  const fx = await fixture(t);
  const versions = ['1', '2', '3', '4', '5', '6'];
  const driver = makeDriver(fx, await dirBuilds(fx, versions), { keep: 2, clock: steppingClock() });
  for (const version of versions) await driver.prepare(version);
  await driver.activate('1');

  const removed = await driver.prune(['3']);

  assert.deepEqual(removed.sort(), ['2', '4']);
  assert.deepEqual(await fx.files.list(join(fx.path, 'releases')), ['1', '3', '5', '6']);
  assert.equal((await driver.inspect()).version, '1');
  assert.deepEqual(await driver.prune(['3']), [], 'nothing more to do');
});

test('prune orders by the manifest time, not by name', async (t) => {
  const fx = await fixture(t);
  const driver = makeDriver(fx, await dirBuilds(fx, ['a', 'b', 'c']), { keep: 1, clock: steppingClock() });
  // Built in the order c, a, b: b is newest although a sorts first and c last.
  for (const version of ['c', 'a', 'b']) await driver.prepare(version);
  assert.deepEqual((await driver.prune([])).sort(), ['a', 'c']);
  assert.deepEqual(await fx.files.list(join(fx.path, 'releases')), ['b']);
});

test('prune removes leftovers of interrupted builds but not one still being built, nor stray files', async (t) => {
  const fx = await fixture(t);
  const driver = makeDriver(fx, await dirBuilds(fx, ['1']), { keep: 5 });
  await driver.prepare('1');
  const releases = join(fx.path, 'releases');
  await mkdir(join(releases, 'crashed'));
  await writeFile(join(releases, 'crashed/partial.txt'), 'x');
  await writeFile(join(releases, '.crashed.building'), '999999999\n');
  // Another process (our parent, alive) is building this one.
  await mkdir(join(releases, 'building'));
  await writeFile(join(releases, '.building.building'), `${process.ppid}\n`);
  await writeFile(join(releases, 'NOTES'), 'not a release');
  await symlink('1', join(releases, 'alias'));
  await symlink('releases/1', join(fx.path, 'current.tmp-999999999-dead'));

  const removed = await driver.prune([]);

  assert.deepEqual(removed, ['crashed']);
  assert.deepEqual(await fx.files.list(releases), ['.building.building', '1', 'NOTES', 'alias', 'building']);
  assert.equal(await fx.files.exists(join(fx.path, 'current.tmp-999999999-dead')), false);
});

test('a protected or live leftover is never pruned', async (t) => {
  const fx = await fixture(t);
  const driver = makeDriver(fx, await dirBuilds(fx, ['1']), { keep: 1 });
  await driver.prepare('1');
  await mkdir(join(fx.path, 'releases/old'));
  await mkdir(join(fx.path, 'releases/hand'));
  await symlink('releases/hand', join(fx.path, 'current'));
  assert.deepEqual(await driver.prune(['old']), []);
  assert.deepEqual(await fx.files.list(join(fx.path, 'releases')), ['1', 'hand', 'old']);
});
