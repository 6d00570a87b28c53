import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { createGitDriver, gitWriteRoots } from '../../../src/drivers/git/index.js';
import { createGuardedFiles } from '../../../src/exec/guardedFiles.js';
import { config, head, logLines, makeDriver, recordingExec, rewindError, world, worktrees } from './helpers.js';

const UNSAFE = ['../etc', '-rf', '--force', 'v1;rm -rf /', 'v1 v2', '.hidden', 'a/b', 'v1..v2', ''];

test('unsafe versions are refused before anything runs', async (t) => {
  const w = await world(t);
  const exec = recordingExec(w.exec);
  const driver = makeDriver(w, {}, { exec });
  for (const version of UNSAFE) {
    await assert.rejects(driver.prepare(version), rewindError('UNSAFE_NAME'), `prepare ${JSON.stringify(version)}`);
    await assert.rejects(driver.activate(version), rewindError('UNSAFE_NAME'), `activate ${JSON.stringify(version)}`);
    await assert.rejects(driver.vars(version), rewindError('UNSAFE_NAME'), `vars ${JSON.stringify(version)}`);
    assert.equal(await driver.isPresent(version), false);
  }
  assert.deepEqual(exec.calls, []);
  assert.equal(await head(w), w.sha.wip);
});

test('outside the write roots nothing is fetched, built or checked out', async (t) => {
  const w = await world(t);
  const exec = recordingExec(w.exec);
  const files = createGuardedFiles([join(w.base, 'elsewhere')]);
  const driver = makeDriver(w, {}, { exec, files });

  await assert.rejects(driver.prepare('v1'), rewindError('WRITE_REFUSED', new RegExp(w.path)));
  await assert.rejects(driver.activate('v1'), rewindError('WRITE_REFUSED', new RegExp(w.path)));
  const changing = exec.calls.filter((argv) => argv.some((item) => ['fetch', 'worktree', 'checkout', 'stash'].includes(item)) || argv[0] === 'node');
  assert.deepEqual(changing, []);
  assert.equal(await head(w), w.sha.wip);
  assert.deepEqual(await logLines(w), []);
});

test('the preflight worktree needs its own root: the checkout alone is not enough', async (t) => {
  const w = await world(t);
  const exec = recordingExec(w.exec);
  const files = createGuardedFiles([w.path]);
  await assert.rejects(makeDriver(w, {}, { exec, files }).prepare('v1'), rewindError('WRITE_REFUSED', /shop\.rewind-preflight\/v1/));
  assert.ok(!exec.calls.some((argv) => argv.includes('worktree') && argv.includes('add')));
  assert.deepEqual(await worktrees(w), [w.path]);
  assert.deepEqual(await readdir(join(w.base, 'srv')), ['shop']);

  // Without preflight the checkout alone is enough.
  assert.equal((await makeDriver(w, { preflight: false }, { files }).prepare('v1')).sha, w.sha.v1);
  await makeDriver(w, {}, { files }).activate('v1');
  assert.equal(await head(w), w.sha.v1);
});

test('gitWriteRoots names the checkout and the preflight dir beside it; relative paths are refused', async (t) => {
  assert.deepEqual(gitWriteRoots('/srv/shop/'), ['/srv/shop', '/srv/shop.rewind-preflight']);
  assert.deepEqual(gitWriteRoots('/srv/./shop'), ['/srv/shop', '/srv/shop.rewind-preflight']);
  assert.throws(() => gitWriteRoots('srv/shop'), rewindError('CONFIG_INVALID', /git\.path "srv\/shop" must be an absolute path/));
  const w = await world(t);
  assert.throws(
    () => createGitDriver({ app: 'shop', env: 'production', config: { ...config(w), path: 'shop' }, exec: w.exec, files: w.files }),
    rewindError('CONFIG_INVALID', /git\.path/),
  );
  assert.throws(() => gitWriteRoots('/'), rewindError('CONFIG_INVALID'));
});
