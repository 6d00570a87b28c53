import assert from 'node:assert/strict';
import { lstat, mkdir, readFile, readlink, realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { dirBuilds, fixture, makeDriver, rewindError } from './helpers.js';

test('the first release seeds shared/ with its copies and links them', async (t) => {
  const fx = await fixture(t);
  const source = await dirBuilds(fx, ['1']);
  await mkdir(join(fx.configDir, 'build/1/uploads'));
  await writeFile(join(fx.configDir, 'build/1/uploads/seed.png'), 'png');
  await writeFile(join(fx.configDir, 'build/1/.env'), 'FROM_RELEASE=1\n');
  const driver = makeDriver(fx, source, { shared: ['.env', 'uploads/'] });

  const prepared = await driver.prepare('1');

  const shared = join(fx.path, 'shared');
  assert.equal(await readFile(join(shared, 'uploads/seed.png'), 'utf8'), 'png');
  assert.equal(await readFile(join(shared, '.env'), 'utf8'), 'FROM_RELEASE=1\n');
  for (const entry of ['.env', 'uploads']) {
    const link = join(prepared.artifact, entry);
    assert.ok((await lstat(link)).isSymbolicLink(), `${entry} is a link`);
    assert.ok(!(await readlink(link)).startsWith('/'), 'relative target');
    assert.equal(await realpath(link), join(shared, entry));
  }
});

test('an existing shared entry wins over the release copy, which is replaced by a link', async (t) => {
  const fx = await fixture(t);
  const source = await dirBuilds(fx, ['1', '2']);
  await writeFile(join(fx.configDir, 'build/2/.env'), 'DEFAULTS=1\n');
  await mkdir(join(fx.path, 'shared'), { recursive: true });
  await writeFile(join(fx.path, 'shared/.env'), 'REAL_SETTINGS=1\n');
  const driver = makeDriver(fx, source, { shared: ['.env'] });

  const prepared = await driver.prepare('2');
  assert.equal(await readFile(join(prepared.artifact, '.env'), 'utf8'), 'REAL_SETTINGS=1\n');
  assert.equal(await readFile(join(fx.path, 'shared/.env'), 'utf8'), 'REAL_SETTINGS=1\n');
  assert.ok((await lstat(join(prepared.artifact, '.env'))).isSymbolicLink());
});

test('an entry in neither place becomes an empty shared dir; nested entries get their parents', async (t) => {
  const fx = await fixture(t);
  const driver = makeDriver(fx, await dirBuilds(fx, ['1']), { shared: ['log', 'public/uploads'] });
  const prepared = await driver.prepare('1');
  for (const entry of ['log', 'public/uploads']) {
    assert.ok((await lstat(join(fx.path, 'shared', entry))).isDirectory(), entry);
    assert.equal(await realpath(join(prepared.artifact, entry)), join(fx.path, 'shared', entry));
  }
  // Data written through one release is seen by the next.
  await writeFile(join(prepared.artifact, 'log/app.log'), 'line\n');
  const next = await makeDriver(fx, await dirBuilds(fx, ['2']), { shared: ['log', 'public/uploads'] }).prepare('2');
  assert.equal(await readFile(join(next.artifact, 'log/app.log'), 'utf8'), 'line\n');
});

test('shared entries that could escape are refused before anything is written', async (t) => {
  const fx = await fixture(t);
  const source = await dirBuilds(fx, ['1']);
  for (const entry of ['../etc', '/etc/passwd', 'a/../../b', '', '.', 'x/..']) {
    const driver = makeDriver(fx, source, { shared: [entry] });
    await assert.rejects(driver.prepare('1'), rewindError('CONFIG_INVALID', /releases\.shared/));
  }
  assert.deepEqual(await fx.files.list(fx.root), []);
});
