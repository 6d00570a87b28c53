import assert from 'node:assert/strict';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { MARKER_FILE } from '../../../src/drivers/archive/layout.js';
import { fixture, makeDriver, readTree, writeTree, type Fixture } from './helpers.js';

const V1 = { 'index.html': 'one', 'a/x': '1' };
const V2 = { 'index.html': 'two', 'b/y': '2' };

async function deployedV1(fx: Fixture) {
  await writeTree(join(fx.configDir, 'src', 'v1'), V1);
  await writeTree(join(fx.configDir, 'src', 'v2'), V2);
  const driver = makeDriver(fx);
  await driver.prepare('v1');
  await driver.activate('v1');
  const two = await driver.prepare('v2');
  return { driver, run: { runId: 'r', user: 'u', previousVersion: 'v1', targetArtifact: two.artifact, kind: 'deploy' as const } };
}

test('stopped between the two renames with v2 staged: the switch finishes it, and the dir is wholly v2', async (t) => {
  const fx = await fixture(t);
  const { driver, run } = await deployedV1(fx);
  // What a kill -9 between the renames leaves: v2 unpacked and marked in staging, the live dir moved aside.
  const staged = join(`${fx.path}.staging`, 'v2');
  await driver.activate('v2', run);
  await mkdir(`${fx.path}.staging`);
  await rename(fx.path, staged);
  await rename(`${fx.path}.previous`, fx.path);
  await rename(fx.path, `${fx.path}.previous`);
  assert.deepEqual(await driver.inspect(), {
    version: null, artifact: null,
    problems: [`${fx.path} is missing and ${fx.path}.previous is there: a swap stopped between its two renames; resume its run`],
  });
  assert.match(String(await driver.activate('v2', run)), /^finished the swap a stopped run began: .*site holds v2/);
  assert.deepEqual(await readTree(fx.path), V2);
  assert.deepEqual(await readTree(`${fx.path}.previous`), V1);
  assert.equal((await driver.inspect()).version, 'v2');
  assert.deepEqual((await readdir(fx.root)).sort(), ['site', 'site.previous', 'store']);
});

test('stopped with the live dir moved aside and nothing complete staged: it is put back, then switched as usual', async (t) => {
  const fx = await fixture(t);
  const { driver, run } = await deployedV1(fx);
  // A staged dir without its marker is one whose unpack did not finish.
  const staged = join(`${fx.path}.staging`, 'v2');
  await writeTree(staged, { 'index.html': 'tw' });
  await rename(fx.path, `${fx.path}.previous`);
  assert.match(String(await driver.activate('v2', run)), /site holds v2 .*what it held \(v1\) is kept as/);
  assert.deepEqual(await readTree(fx.path), V2);
  assert.deepEqual(await readTree(`${fx.path}.previous`), V1);
});

test('a switch to what the live dir already holds changes nothing (resumed after the second rename)', async (t) => {
  const fx = await fixture(t);
  const { driver, run } = await deployedV1(fx);
  await driver.activate('v2', run);
  await rm(`${fx.path}.previous`, { recursive: true });
  assert.match(String(await driver.activate('v2', run)), /site already holds v2/);
  assert.deepEqual(await readdir(fx.root), ['site', 'store'], '.previous is not made again');
  assert.deepEqual(Object.keys(await readTree(fx.path, true)).sort(), [MARKER_FILE, 'b/y', 'index.html']);
});

test('a live path that is a file or symlink is not replaced', async (t) => {
  const fx = await fixture(t);
  const { driver, run } = await deployedV1(fx);
  await rename(fx.path, join(fx.root, 'real'));
  await writeTree(fx.root, { site: '-> real' });
  await assert.rejects(driver.activate('v2', run), /site is a symlink, not a directory; refusing to replace it/);
  assert.deepEqual(await readTree(join(fx.root, 'real')), V1);
});
