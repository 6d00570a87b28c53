import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { dirBuilds, fixture, makeDriver, rewindError } from './helpers.js';

test('activate points current at the release with a relative link, and switches versions', async (t) => {
  const fx = await fixture(t);
  const driver = makeDriver(fx, await dirBuilds(fx, ['1', '2']));
  await driver.prepare('1');
  await driver.prepare('2');
  const current = join(fx.path, 'current');

  await driver.activate('1');
  assert.equal(await readlink(current), 'releases/1');
  assert.equal(await readFile(join(current, 'app.txt'), 'utf8'), 'app 1\n');
  assert.equal((await driver.inspect()).version, '1');

  await driver.activate('2');
  assert.equal(await readlink(current), 'releases/2');
  assert.equal(await readFile(join(current, 'app.txt'), 'utf8'), 'app 2\n');
  assert.equal((await driver.inspect()).version, '2');
  // No temporary links are left beside current.
  assert.deepEqual((await readdir(fx.path)).sort(), ['current', 'releases']);
});

test('activating a release that is not present is RELEASE_NOT_FOUND and changes nothing', async (t) => {
  const fx = await fixture(t);
  const driver = makeDriver(fx, await dirBuilds(fx, ['1']));
  await driver.prepare('1');
  await driver.activate('1');
  await assert.rejects(driver.activate('9'), rewindError('RELEASE_NOT_FOUND', /release 9/));
  assert.equal(await readlink(join(fx.path, 'current')), 'releases/1');
});

test('a current that is a real directory is refused and left as it is', async (t) => {
  const fx = await fixture(t);
  const driver = makeDriver(fx, await dirBuilds(fx, ['1']));
  await driver.prepare('1');
  await mkdir(join(fx.path, 'current'));
  await writeFile(join(fx.path, 'current/index.html'), 'hand-deployed');
  await assert.rejects(driver.activate('1'), rewindError('STEP_FAILED', /current is a directory, not a symlink/));
  assert.equal(await readFile(join(fx.path, 'current/index.html'), 'utf8'), 'hand-deployed');
  assert.deepEqual((await readdir(fx.path)).sort(), ['current', 'releases']);
});

/**
 * Reads `current` as fast as it can on another thread, so reads really
 * interleave with the renames, and counts any moment it was missing.
 */
const READER = `
const { readlinkSync } = require('node:fs');
const { workerData, parentPort } = require('node:worker_threads');
const stop = new Int32Array(workerData.stop);
let reads = 0, missing = 0;
const seen = {};
while (Atomics.load(stop, 0) === 0) {
  try { const target = readlinkSync(workerData.link); seen[target] = (seen[target] || 0) + 1; }
  catch (error) { if (error.code === 'ENOENT') missing++; else throw error; }
  reads++;
}
parentPort.postMessage({ reads, missing, seen });
`;

test('switching back and forth never leaves a moment without current', async (t) => {
  const fx = await fixture(t);
  const driver = makeDriver(fx, await dirBuilds(fx, ['1', '2']));
  await driver.prepare('1');
  await driver.prepare('2');
  await driver.activate('1');

  const stop = new SharedArrayBuffer(4);
  const worker = new Worker(READER, { eval: true, workerData: { link: join(fx.path, 'current'), stop } });
  const report = new Promise<{ reads: number; missing: number; seen: Record<string, number> }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await new Promise((resolve) => worker.once('online', resolve));
  for (let i = 0; i < 200; i += 1) await driver.activate(i % 2 === 0 ? '2' : '1');
  Atomics.store(new Int32Array(stop), 0, 1);
  const { reads, missing, seen } = await report;
  await worker.terminate();

  assert.equal(missing, 0, `current was missing in ${missing} of ${reads} reads`);
  assert.ok(reads > 200, `only ${reads} reads`);
  assert.deepEqual(Object.keys(seen).sort(), ['releases/1', 'releases/2']);
  assert.equal(await readlink(join(fx.path, 'current')), 'releases/1');
});
