import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { dirBuilds, fixture, makeDriver } from './helpers.js';

test('madeReleases: every intact release rewind made, with its manifest\'s sha and time; leftovers and strays are not', async (t) => {
  const fx = await fixture(t);
  const driver = makeDriver(fx, await dirBuilds(fx, ['1', '2']));
  assert.deepEqual(await driver.madeReleases?.(), { where: join(fx.path, 'releases'), releases: [] }, 'nothing made yet');
  await driver.prepare('1');
  await driver.prepare('2');
  // An interrupted build (no manifest), a dir by hand, a stray file, and a manifest claiming another version.
  await mkdir(join(fx.path, 'releases', '3'));
  await writeFile(join(fx.path, 'releases', 'notes.txt'), 'x');
  await mkdir(join(fx.path, 'releases', '4'));
  await writeFile(join(fx.path, 'releases', '4', '.rewind-release.json'), JSON.stringify({ version: '5', sha: null, createdAt: '' }));

  const made = await driver.madeReleases?.();
  assert.deepEqual(made?.releases.map((r) => [r.version, r.artifact]), [['1', join(fx.path, 'releases', '1')], ['2', join(fx.path, 'releases', '2')]]);
  for (const r of made?.releases ?? []) assert.match(r.madeAt ?? '', /^\d{4}-\d\d-\d\dT/);
});
