import assert from 'node:assert/strict';
import { mkdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRewindError } from '../../../src/core/errors.js';
import { createGuardedFiles } from '../../../src/exec/guardedFiles.js';
import { dirBuilds, fixture, makeDriver, rewindError } from './helpers.js';

const node = process.execPath;

/** A build step that records where it ran, its arguments and its REWIND_* env into the release. */
const RECORD = [
  node,
  '-e',
  'require("fs").writeFileSync("built.json", JSON.stringify({ cwd: process.cwd(), args: process.argv.slice(1), env: [process.env.REWIND_VERSION, process.env.REWIND_SHA, process.env.REWIND_RELEASE_DIR] }))',
  '{version}',
  '{sha}',
  '{release_dir}',
  '{previous_release_dir}',
  '{env}',
  '{app}',
  'v={version};rm -rf /',
];

test('build commands run in order inside the release with substituted vars and REWIND_* env', async (t) => {
  const fx = await fixture(t);
  const source = await dirBuilds(fx, ['1', '2']);
  await writeFile(join(fx.configDir, 'build/2/REVISION'), 'cafe0002\n');
  const order = [node, '-e', 'require("fs").appendFileSync("order.txt", process.argv[1])'];
  const driver = makeDriver(fx, source, { build: [RECORD, [...order, 'a'], [...order, 'b']] });

  const one = await driver.prepare('1');
  const first = JSON.parse(await readFile(join(one.artifact, 'built.json'), 'utf8'));
  assert.equal(first.cwd, one.artifact);
  assert.deepEqual(first.args, ['1', '', one.artifact, '', 'production', 'shop', 'v=1;rm -rf /']);
  assert.deepEqual(first.env, ['1', '', one.artifact]);
  assert.equal(await readFile(join(one.artifact, 'order.txt'), 'utf8'), 'ab');

  await driver.activate('1');
  const two = await driver.prepare('2');
  const second = JSON.parse(await readFile(join(two.artifact, 'built.json'), 'utf8'));
  assert.deepEqual(second.args, ['2', 'cafe0002', two.artifact, one.artifact, 'production', 'shop', 'v=2;rm -rf /']);
  assert.deepEqual(second.env, ['2', 'cafe0002', two.artifact]);
});

test('a failing build removes the release, keeps current, and says what failed', async (t) => {
  const fx = await fixture(t);
  const source = await dirBuilds(fx, ['1', '2']);
  const good = makeDriver(fx, source);
  await good.prepare('1');
  await good.activate('1');
  const failing = [node, '-e', 'console.error("first line\\nthe real reason\\n\\n"); process.exit(7)', '{version}'];
  const driver = makeDriver(fx, source, { build: [[node, '-e', 'require("fs").writeFileSync("half.txt", "x")'], failing] });

  let caught: unknown;
  await assert.rejects(driver.prepare('2').catch((error: unknown) => {
    caught = error;
    throw error;
  }), rewindError('BUILD_FAILED', /release 2/, /exited with code 7/, /the real reason$/, /node -e .* 2` exited/));
  assert.ok(isRewindError(caught));
  assert.match(String(caught.details.stderr), /first line\nthe real reason/);
  assert.equal(await fx.files.exists(join(fx.path, 'releases/2')), false);
  assert.deepEqual(await fx.files.list(join(fx.path, 'releases')), ['1']);
  assert.equal(await readlink(join(fx.path, 'current')), 'releases/1');
  assert.equal(await driver.isPresent('2'), false);
  await assert.rejects(driver.activate('2'), rewindError('RELEASE_NOT_FOUND'));
});

test('a build command that cannot start is BUILD_FAILED naming it, and leaves nothing', async (t) => {
  const fx = await fixture(t);
  const driver = makeDriver(fx, await dirBuilds(fx, ['1']), { build: [['rewind-missing-tool-42', 'install']] });
  await assert.rejects(driver.prepare('1'), rewindError('BUILD_FAILED', /rewind-missing-tool-42 install/, /not found/));
  assert.deepEqual(await fx.files.list(join(fx.path, 'releases')), []);
});

test('a release dir without a manifest is not present and gets rebuilt', async (t) => {
  const fx = await fixture(t);
  const driver = makeDriver(fx, await dirBuilds(fx, ['1']));
  const leftover = join(fx.path, 'releases/1');
  await mkdir(leftover, { recursive: true });
  await writeFile(join(leftover, 'half-built.txt'), 'interrupted');
  await writeFile(join(leftover, '.rewind-release.json'), '{"version":"1",'); // torn write

  assert.equal(await driver.isPresent('1'), false);
  await assert.rejects(driver.activate('1'), rewindError('RELEASE_NOT_FOUND', /release 1/));
  assert.equal(await fx.files.exists(join(fx.path, 'current')), false);

  const prepared = await driver.prepare('1');
  assert.equal(prepared.reused, false);
  assert.equal(await fx.files.exists(join(leftover, 'half-built.txt')), false);
  assert.equal(await readFile(join(leftover, 'app.txt'), 'utf8'), 'app 1\n');
  assert.equal(await driver.isPresent('1'), true);
});

test('a manifest naming another version does not make a release present', async (t) => {
  const fx = await fixture(t);
  const driver = makeDriver(fx, await dirBuilds(fx, ['1', '2']));
  await driver.prepare('1');
  await mkdir(join(fx.path, 'releases/2'));
  await writeFile(join(fx.path, 'releases/2/.rewind-release.json'), await readFile(join(fx.path, 'releases/1/.rewind-release.json'), 'utf8'));
  assert.equal(await driver.isPresent('2'), false);
});

test('unsafe versions are refused before anything is written', async (t) => {
  const fx = await fixture(t);
  const marker = join(fx.configDir, 'ran.txt');
  const driver = makeDriver(fx, await dirBuilds(fx, ['1']), { build: [[node, '-e', `require("fs").writeFileSync(${JSON.stringify(marker)}, "x")`]] });
  for (const version of ['../x', 'a;b', 'a b', '-rf', 'x'.repeat(129), '', '.hidden', 'a/b', '$(id)']) {
    await assert.rejects(driver.prepare(version), rewindError('UNSAFE_NAME'), JSON.stringify(version));
    await assert.rejects(driver.activate(version), rewindError('UNSAFE_NAME'));
    assert.equal(await driver.isPresent(version), false);
    await assert.rejects(driver.vars(version), rewindError('UNSAFE_NAME'));
  }
  assert.deepEqual(await fx.files.list(fx.root), []);
  assert.equal(await fx.files.exists(marker), false);
});

test('two concurrent prepares of one version build it once', async (t) => {
  const fx = await fixture(t);
  const counter = join(fx.configDir, 'builds.txt');
  const driver = makeDriver(fx, await dirBuilds(fx, ['1']), { build: [[node, '-e', `require("fs").appendFileSync(${JSON.stringify(counter)}, "x")`]] });
  const [a, b] = await Promise.all([driver.prepare('1'), driver.prepare('1')]);
  assert.deepEqual(a, b);
  assert.equal(await readFile(counter, 'utf8'), 'x');
});

test('the guard refuses a release path outside the write roots', async (t) => {
  const fx = await fixture(t);
  const elsewhere = join(fx.configDir, 'not-a-root');
  const files = createGuardedFiles([fx.root]);
  const driver = makeDriver(fx, await dirBuilds(fx, ['1']), { files, path: elsewhere });
  await assert.rejects(driver.prepare('1'), rewindError('WRITE_REFUSED', /not-a-root/));
  assert.equal(await fx.files.exists(elsewhere), false);
});

test('vars name the release dir and the dir current points at now', async (t) => {
  const fx = await fixture(t);
  const driver = makeDriver(fx, await dirBuilds(fx, ['1']));
  assert.deepEqual(await driver.vars('1'), {
    version: '1',
    release_dir: join(fx.path, 'releases/1'),
    previous_release_dir: '',
    env: 'production',
    app: 'shop',
  });
  await driver.prepare('1');
  await driver.activate('1');
  assert.equal((await driver.vars('2')).previous_release_dir, join(fx.path, 'releases/1'));
});

test('a live release without a manifest is not rebuilt in place', async (t) => {
  const fx = await fixture(t);
  const driver = makeDriver(fx, await dirBuilds(fx, ['1']));
  await mkdir(join(fx.path, 'releases/1'), { recursive: true });
  await writeFile(join(fx.path, 'releases/1/index.html'), 'serving');
  await symlink('releases/1', join(fx.path, 'current'));
  await assert.rejects(driver.prepare('1'), rewindError('STEP_FAILED', /release 1 is live/));
  assert.equal(await readFile(join(fx.path, 'releases/1/index.html'), 'utf8'), 'serving');
});
