import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { dirBuilds, fixture, makeDriver, rewindError } from './helpers.js';

test('a dir source is copied per version, keeping symlinks; its REVISION gives the sha', async (t) => {
  const fx = await fixture(t);
  const source = await dirBuilds(fx, ['1.0', '2.0']);
  await writeFile(join(fx.configDir, 'build/2.0/REVISION'), 'abc1234def\n');
  await mkdir(join(fx.configDir, 'build/2.0/bin'));
  await symlink('../app.txt', join(fx.configDir, 'build/2.0/bin/app'));
  const driver = makeDriver(fx, source);

  const one = await driver.prepare('1.0');
  assert.equal(one.sha, null);
  assert.equal(await readFile(join(one.artifact, 'app.txt'), 'utf8'), 'app 1.0\n');
  assert.deepEqual((await readdir(one.artifact)).sort(), ['.rewind-checksums', '.rewind-release.json', 'app.txt'], 'no REVISION without a sha');

  const two = await driver.prepare('2.0');
  assert.equal(two.sha, 'abc1234def');
  assert.equal(await readFile(join(two.artifact, 'app.txt'), 'utf8'), 'app 2.0\n');
  assert.equal(await readlink(join(two.artifact, 'bin/app')), '../app.txt');
  // The source dir itself is untouched.
  assert.deepEqual((await readdir(join(fx.configDir, 'build/2.0'))).sort(), ['REVISION', 'app.txt', 'bin']);
});

test('a missing source dir is SOURCE_NOT_FOUND and nothing is written', async (t) => {
  const fx = await fixture(t);
  const driver = makeDriver(fx, await dirBuilds(fx, ['1.0']));
  await assert.rejects(driver.prepare('3.0'), rewindError('SOURCE_NOT_FOUND', /build\/3\.0/));
  assert.deepEqual(await fx.files.list(fx.root), []);
});

test('a gzipped tarball is unpacked with strip_components, a REVISION inside it is used', async (t) => {
  const fx = await fixture(t);
  const staging = join(fx.configDir, 'staging');
  await mkdir(join(staging, 'package/dist'), { recursive: true });
  await writeFile(join(staging, 'package/index.js'), 'main\n');
  await writeFile(join(staging, 'package/dist/bundle.js'), 'bundle\n');
  await writeFile(join(staging, 'package/REVISION'), 'feedface01\n');
  await mkdir(join(fx.configDir, 'dist'));
  const made = await fx.exec.run(['tar', '-czf', join(fx.configDir, 'dist/shop-1.2.0.tgz'), '-C', staging, 'package']);
  assert.equal(made.code, 0, made.stderr);

  const driver = makeDriver(fx, { tarball: 'dist/shop-{version}.tgz', strip_components: 1 });
  const prepared = await driver.prepare('1.2.0');
  assert.equal(prepared.sha, 'feedface01');
  assert.equal(await readFile(join(prepared.artifact, 'index.js'), 'utf8'), 'main\n');
  assert.equal(await readFile(join(prepared.artifact, 'dist/bundle.js'), 'utf8'), 'bundle\n');
  assert.deepEqual((await readdir(prepared.artifact)).sort(), ['.rewind-checksums', '.rewind-release.json', 'REVISION', 'dist', 'index.js']);
});

test('a plain tar is unpacked as it is without strip_components', async (t) => {
  const fx = await fixture(t);
  const staging = join(fx.configDir, 'staging');
  await mkdir(join(staging, 'top'), { recursive: true });
  await writeFile(join(staging, 'top/a.txt'), 'A\n');
  assert.equal((await fx.exec.run(['tar', '-cf', join(fx.configDir, 'r.tar'), '-C', staging, 'top'])).code, 0);
  const driver = makeDriver(fx, { tarball: 'r.tar', strip_components: 0 });
  const prepared = await driver.prepare('7');
  assert.equal(await readFile(join(prepared.artifact, 'top/a.txt'), 'utf8'), 'A\n');
  assert.equal(prepared.sha, null);
});

test('a missing tarball is SOURCE_NOT_FOUND; a corrupt one is BUILD_FAILED and leaves nothing', async (t) => {
  const fx = await fixture(t);
  const driver = makeDriver(fx, { tarball: 'dist/{version}.tgz', strip_components: 0 });
  await assert.rejects(driver.prepare('1.0'), rewindError('SOURCE_NOT_FOUND', /dist\/1\.0\.tgz/));
  assert.deepEqual(await fx.files.list(fx.root), []);

  await mkdir(join(fx.configDir, 'dist'));
  await writeFile(join(fx.configDir, 'dist/2.0.tgz'), 'this is not a tarball at all, just text');
  await assert.rejects(driver.prepare('2.0'), rewindError('BUILD_FAILED', /2\.0/, /tar -x/));
  assert.deepEqual(await fx.files.list(join(fx.path, 'releases')), []);
  assert.equal(await driver.isPresent('2.0'), false);
});
