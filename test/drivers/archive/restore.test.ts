import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { extractInto } from '../../../src/drivers/archive/extract.js';
import { sha256File } from '../../../src/drivers/archive/sha.js';
import { fixture, makeDriver, rawTarball, readTree, rewindError, writeTree, type Fixture } from './helpers.js';

/** A hand-made tarball put in the store as v1's, recorded with its own sha256: only the entry checks stand in the way. */
async function recorded(fx: Fixture, make: (craft: string, file: string) => Promise<void>): Promise<string> {
  const craft = join(fx.base, 'craft');
  await mkdir(join(craft, 'payload'), { recursive: true });
  const tarball = join(fx.store, 'v1.tar.gz');
  await make(craft, tarball);
  return `${tarball} sha256:${await sha256File(tarball)}`;
}

/** Every path under the test's base dir except the crafting dir: what a bad archive could have written. */
async function written(fx: Fixture): Promise<string[]> {
  const all: string[] = [];
  for (const top of await readdir(fx.base)) {
    if (top === 'craft' || top === 'project') continue;
    all.push(top, ...Object.keys(await readTree(join(fx.base, top), true).catch(() => ({}))).map((p) => `${top}/${p}`));
  }
  return all.sort();
}

const CASES: Array<[string, (craft: string, file: string) => Promise<void>, RegExp]> = [
  ['a "../" entry', async (craft, file) => {
    await writeTree(craft, { 'escaped.txt': 'outside', 'payload/index.html': 'hi' });
    await rawTarball(file, join(craft, 'payload'), ['index.html', '../escaped.txt']);
  }, /entry "\.\.\/escaped\.txt" climbs out with "\.\."/],
  ['an absolute entry', async (craft, file) => {
    await writeTree(craft, { 'abs.txt': 'outside', 'payload/index.html': 'hi' });
    await rawTarball(file, join(craft, 'payload'), ['index.html', join(craft, 'abs.txt')]);
  }, /entry "\/.*craft\/abs\.txt" is an absolute path/],
  ['a symlink escaping the root', async (craft, file) => {
    await writeTree(craft, { 'payload/index.html': 'hi' });
    await symlink('../../../..', join(craft, 'payload', 'up'));
    await rawTarball(file, join(craft, 'payload'), ['index.html', 'up']);
  }, /symlink "up" points outside the root \(-> \.\.\/\.\.\/\.\.\/\.\.\)/],
  ['an absolute symlink', async (craft, file) => {
    await writeTree(craft, { 'payload/index.html': 'hi' });
    await symlink('/etc', join(craft, 'payload', 'etc'));
    await rawTarball(file, join(craft, 'payload'), ['index.html', 'etc']);
  }, /symlink "etc" points outside the root \(-> \/etc\)/],
];

for (const [name, make, problem] of CASES) {
  test(`a recorded tarball with ${name} is refused by the plan and by the switch, and nothing is written anywhere`, async (t) => {
    const fx = await fixture(t);
    const artifact = await recorded(fx, make);
    const driver = makeDriver(fx);
    const before = await written(fx);
    await assert.rejects(driver.isPresent('v1', artifact), rewindError('TARGET_GONE', /v1\.tar\.gz would write outside .*\/site: /, problem,
      /it is never unpacked: put back the tarball recorded for v1 .*or choose another target with --target-version$/));
    await assert.rejects(driver.prepare('v1', { run: { runId: 'r', user: 'u', previousVersion: null, targetArtifact: artifact } }),
      rewindError('TARGET_GONE', problem));
    await assert.rejects(driver.activate('v1', { runId: 'r', user: 'u', previousVersion: null, targetArtifact: artifact }),
      rewindError('STEP_FAILED', problem, /; nothing was changed$/));
    assert.deepEqual(await written(fx), before, 'no file appeared: no staging dir, no escaped entry');
  });
}

test('a corrupted, a truncated and a missing tarball are refused before anything changes, each in one line', async (t) => {
  const fx = await fixture(t);
  await writeTree(join(fx.configDir, 'src', 'v1'), { 'index.html': 'one' });
  await writeTree(join(fx.configDir, 'src', 'v2'), { 'index.html': 'two' });
  const driver = makeDriver(fx);
  const one = await driver.prepare('v1');
  await driver.prepare('v2');
  await driver.activate('v2');
  const tarball = join(fx.store, 'v1.tar.gz');
  const original = await readFile(tarball);

  const flipped = Buffer.from(original);
  flipped[flipped.length - 10] = (flipped[flipped.length - 10] as number) ^ 0xff;
  await writeFile(tarball, flipped);
  await assert.rejects(driver.isPresent('v1', one.artifact), rewindError('TARGET_GONE',
    /^.*v1\.tar\.gz was altered since v1 was recorded: its sha256 is [0-9a-f]{12}\.\.\., the ledger recorded [0-9a-f]{12}\.\.\.; /));
  await assert.rejects(driver.activate('v1', { runId: 'r', user: 'u', previousVersion: 'v2', targetArtifact: one.artifact, kind: 'rollback',
    reportDir: join(fx.stateDir, 'reports', 'r') }), rewindError('STEP_FAILED', /was altered/));
  assert.deepEqual(await readTree(fx.path), { 'index.html': 'two' });
  assert.ok(!(await readdir(fx.store)).some((n) => n.includes('broken')), 'no backup is made for a switch that is refused');

  // Recorded after it was cut short: the sha256 holds, the archive does not.
  await writeFile(tarball, original.subarray(0, 40));
  const short = `${tarball} sha256:${await sha256File(tarball)}`;
  await assert.rejects(driver.isPresent('v1', short), rewindError('TARGET_GONE', /v1\.tar\.gz cannot be read as a \.tar\.gz \(/));

  await writeFile(tarball, original);
  assert.equal(await driver.isPresent('v1', one.artifact), true, 'the recorded bytes back: present again');
  await rm(tarball);
  await assert.rejects(driver.isPresent('v1', one.artifact), rewindError('TARGET_GONE', /v1\.tar\.gz is missing from the store: v1 cannot be restored; /));
  assert.equal(await driver.isPresent('v9', null), false, 'never made, never recorded: simply not present');
  assert.deepEqual(await readTree(fx.path), { 'index.html': 'two' });
});

test('the unpack itself refuses an entry the check did not see, and leaves no half-unpacked dir', async (t) => {
  const fx = await fixture(t);
  await writeTree(join(fx.base, 'craft'), { 'index.html': 'hi' });
  const file = join(fx.base, 'ok.tar.gz');
  await rawTarball(file, join(fx.base, 'craft'), ['index.html']);
  const dest = join(fx.root, 'site.staging', 'v1');
  await assert.rejects(extractInto(fx.files, file, dest, []), rewindError('STEP_FAILED', /entry "index\.html" was not in the archive when it was checked/));
  await assert.rejects(stat(dest), { code: 'ENOENT' });
  await assert.rejects(extractInto(fx.files, file, join(fx.base, 'elsewhere'), []), rewindError('WRITE_REFUSED'));
});
