import assert from 'node:assert/strict';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { dirBuilds, fixture, makeDriver } from './helpers.js';

test('nothing deployed: version null and no problems', async (t) => {
  const fx = await fixture(t);
  const driver = makeDriver(fx, await dirBuilds(fx, ['1']));
  assert.deepEqual(await driver.inspect(), { version: null, artifact: null, problems: [] });
});

test('after activate: the version and its absolute release dir', async (t) => {
  const fx = await fixture(t);
  const driver = makeDriver(fx, await dirBuilds(fx, ['1']));
  await driver.prepare('1');
  await driver.activate('1');
  assert.deepEqual(await driver.inspect(), { version: '1', artifact: join(fx.path, 'releases/1'), problems: [] });
});

test('current repointed by hand is reported as it really is', async (t) => {
  const fx = await fixture(t);
  const driver = makeDriver(fx, await dirBuilds(fx, ['1', '2']));
  await driver.prepare('1');
  await driver.prepare('2');
  await driver.activate('1');
  const current = join(fx.path, 'current');

  // An absolute link into releases/ is fine: same release, no problem.
  await rm(current);
  await symlink(join(fx.path, 'releases/2'), current);
  assert.deepEqual(await driver.inspect(), { version: '2', artifact: join(fx.path, 'releases/2'), problems: [] });

  // Outside releases/, with a manifest there: the version it claims, and the oddity.
  const elsewhere = join(fx.root, 'hotfix');
  await mkdir(elsewhere);
  await writeFile(join(elsewhere, '.rewind-release.json'), JSON.stringify({ version: '1.0.1-hotfix', sha: null, createdAt: '2024-01-01T00:00:00Z' }));
  await rm(current);
  await symlink('../hotfix', current);
  const outside = await driver.inspect();
  assert.equal(outside.version, '1.0.1-hotfix');
  assert.equal(outside.artifact, elsewhere);
  assert.equal(outside.problems.length, 1);
  assert.match(outside.problems[0] as string, /current points to \.\.\/hotfix, outside .*releases/);

  // Outside and without a manifest: version unknown.
  await rm(join(elsewhere, '.rewind-release.json'));
  assert.equal((await driver.inspect()).version, null);
});

test('a dangling current, a release without manifest and a current that is a directory are problems', async (t) => {
  const fx = await fixture(t);
  const driver = makeDriver(fx, await dirBuilds(fx, ['1']));
  await driver.prepare('1');
  const current = join(fx.path, 'current');

  await symlink('releases/9.9', current);
  const dangling = await driver.inspect();
  assert.equal(dangling.version, '9.9');
  assert.match(dangling.problems.join('\n'), /releases\/9\.9, which does not exist/);

  await mkdir(join(fx.path, 'releases/3'));
  await rm(current);
  await symlink('releases/3', current);
  const unmanifested = await driver.inspect();
  assert.equal(unmanifested.version, '3');
  assert.match(unmanifested.problems.join('\n'), /no intact \.rewind-release\.json/);

  await rm(current);
  await symlink('/nonexistent/rewind/elsewhere', current);
  const gone = await driver.inspect();
  assert.equal(gone.version, null);
  assert.match(gone.problems.join('\n'), /outside/);
  assert.match(gone.problems.join('\n'), /dangling/);

  await rm(current);
  await mkdir(current);
  await writeFile(join(current, '.rewind-release.json'), JSON.stringify({ version: '0.9' }));
  const directory = await driver.inspect();
  assert.equal(directory.version, '0.9');
  assert.match(directory.problems.join('\n'), /is a directory, not a symlink/);
});
