import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRewindError } from '../../../src/core/errors.js';
import { preflightDir, preflightRoot } from '../../../src/drivers/git/index.js';
import { caught, git, head, logLines, makeDriver, recordingExec, rewindError, world, worktrees } from './helpers.js';

test('prepare builds the tag in a scratch worktree beside the checkout and leaves no worktree and no checkout change behind', async (t) => {
  const w = await world(t);
  const statusBefore = await git(w.exec, w.path, 'status', '--porcelain', '--ignored');
  const driver = makeDriver(w);

  const prepared = await driver.prepare('v2');

  const committedAt = new Date(await git(w.exec, w.path, 'show', '-s', '--format=%cI', w.sha.v2)).toISOString();
  assert.deepEqual(prepared, { version: 'v2', sha: w.sha.v2, committedAt, artifact: `${w.path}@${w.sha.v2.slice(0, 7)}`, reused: false });
  const scratch = join(`${w.path}.rewind-preflight`, 'v2');
  assert.equal(preflightDir(w.path, 'v2'), scratch);
  // Install and build ran in the scratch worktree, on the tag's commit, with placeholders and env filled in.
  assert.deepEqual(await logLines(w), [
    `install ${scratch} v2 ${w.sha.v2} 1`,
    `build ${scratch} v2 ${w.sha.v2} ${scratch}`,
  ]);
  assert.deepEqual(await worktrees(w), [w.path]);
  assert.deepEqual(await readdir(join(w.base, 'srv')), ['shop']);
  // The checkout: same HEAD (main at wip), same files, nothing built in it.
  assert.equal(await head(w), w.sha.wip);
  assert.equal(await git(w.exec, w.path, 'symbolic-ref', 'HEAD'), 'refs/heads/main');
  assert.equal(await git(w.exec, w.path, 'status', '--porcelain', '--ignored'), statusBefore);
  assert.equal(await readFile(join(w.path, 'app.txt'), 'utf8'), 'wip\n');
});

test('a target that does not build is BUILD_FAILED with details.preflight, and the checkout is untouched', async (t) => {
  const w = await world(t);
  const driver = makeDriver(w);
  const error = await caught(driver.prepare('v3'));
  rewindError('BUILD_FAILED', /^preflight: v3 does not build: `node build\.js .*` exited 1: boom: v3 cannot build$/)(error);
  assert.ok(isRewindError(error));
  assert.equal(error.details.preflight, true);
  assert.equal(error.details.sha, w.sha.v3);
  assert.equal(error.details.exitCode, 1);
  assert.match(String(error.details.stderr), /error TS1005/);

  assert.deepEqual(await worktrees(w), [w.path]);
  assert.deepEqual(await readdir(join(w.base, 'srv')), ['shop']);
  assert.equal(await head(w), w.sha.wip);
  assert.equal(await git(w.exec, w.path, 'status', '--porcelain', '--ignored'), '');
  assert.deepEqual((await logLines(w)).map((line) => line.split(' ')[0]), ['install', 'build-broken']);
});

test('a failing install stops the preflight before the build runs', async (t) => {
  const w = await world(t);
  const driver = makeDriver(w, { install: [['node', '-e', 'console.error("npm ERR! missing lock"); process.exit(9)']] });
  await assert.rejects(driver.prepare('v1'), rewindError('BUILD_FAILED', /preflight: v1 does not build: `node -e .*` exited 9: npm ERR! missing lock/));
  assert.deepEqual(await logLines(w), []);
  assert.deepEqual(await worktrees(w), [w.path]);
});

test('a command that cannot start is a preflight failure that says so', async (t) => {
  const w = await world(t);
  const driver = makeDriver(w, { build: [['no-such-program-rewind-test']] });
  const error = await caught(driver.prepare('v1'));
  rewindError('BUILD_FAILED', /preflight: v1 does not build: `no-such-program-rewind-test` could not be started: .*not found/)(error);
  assert.ok(isRewindError(error) && error.details.preflight === true);
  assert.deepEqual(await worktrees(w), [w.path]);
});

test('a missing tag is SOURCE_NOT_FOUND naming the tag and the checkout, and nothing is built', async (t) => {
  const w = await world(t);
  const exec = recordingExec(w.exec);
  const driver = makeDriver(w, {}, { exec });
  await assert.rejects(driver.prepare('v9'), rewindError('SOURCE_NOT_FOUND', /git tag "v9" was not found in the checkout/, new RegExp(w.path), /after fetching origin/));
  assert.ok(!exec.calls.some((argv) => argv.includes('worktree') && argv.includes('add')));
  assert.deepEqual(await logLines(w), []);
});

test('a tag pushed to origin after the clone is found thanks to the fetch; with remote: false it is not', async (t) => {
  const w = await world(t);
  await git(w.exec, w.work, 'tag', 'v4', w.sha.v2);
  await git(w.exec, w.work, 'push', '-q', w.origin, 'v4');

  const offline = makeDriver(w, { remote: false });
  await assert.rejects(offline.prepare('v4'), rewindError('SOURCE_NOT_FOUND', /"v4"/, /not fetched: remote: false/));
  assert.equal(await offline.isPresent('v4'), false);

  const prepared = await makeDriver(w).prepare('v4');
  assert.equal(prepared.sha, w.sha.v2);
  assert.equal(await offline.isPresent('v4'), true);
});

test('a tag moved on origin is moved here too (fetch --force)', async (t) => {
  const w = await world(t);
  await git(w.exec, w.work, 'tag', '-f', 'v1', w.sha.v2);
  await git(w.exec, w.work, 'push', '-q', '--force', w.origin, 'v1');
  const prepared = await makeDriver(w, { preflight: false }).prepare('v1');
  assert.equal(prepared.sha, w.sha.v2);
});

test('a remote the checkout does not have is skipped, and an unreachable one does not block a tag that is here', async (t) => {
  const w = await world(t);
  const exec = recordingExec(w.exec);
  assert.equal((await makeDriver(w, { remote: 'upstream', preflight: false }, { exec }).prepare('v1')).sha, w.sha.v1);
  assert.ok(!exec.calls.some((argv) => argv.includes('fetch')));

  // Port 1 on loopback: refused at once.
  await git(w.exec, w.path, 'remote', 'set-url', 'origin', 'http://127.0.0.1:1/shop.git');
  const driver = makeDriver(w, { preflight: false });
  assert.equal((await driver.prepare('v2')).sha, w.sha.v2);
  await assert.rejects(driver.prepare('v9'), rewindError('SOURCE_NOT_FOUND', /"v9"/, /fetching origin failed: `git .*fetch.*` exited/));
});

test('without preflight, prepare only resolves the tag: no worktree, no install, no build', async (t) => {
  const w = await world(t);
  const exec = recordingExec(w.exec);
  const prepared = await makeDriver(w, { preflight: false }, { exec }).prepare('v3');
  assert.equal(prepared.sha, w.sha.v3);
  assert.ok(!exec.calls.some((argv) => argv.includes('worktree')));
  assert.ok(!exec.calls.some((argv) => argv[0] === 'node'));
  assert.deepEqual(await logLines(w), []);
});

test('a scratch worktree left by a run that died is replaced, registered or not', async (t) => {
  const w = await world(t);
  const scratch = preflightDir(w.path, 'v1');
  await git(w.exec, w.path, 'worktree', 'add', '-q', '--detach', scratch, w.sha.v2);
  await writeFile(join(scratch, 'half-built.txt'), 'left behind');
  await git(w.exec, w.path, 'worktree', 'lock', scratch);
  await makeDriver(w).prepare('v1');
  assert.deepEqual(await worktrees(w), [w.path]);
  assert.equal(await readFile(join(w.base, 'srv', 'shop.rewind-preflight'), 'utf8').catch((error: NodeJS.ErrnoException) => error.code), 'ENOENT');
  // It built v1, not what the stale worktree held.
  assert.deepEqual(await logLines(w), [`install ${scratch} v1 ${w.sha.v1} 1`, `build ${scratch} v1 ${w.sha.v1} ${scratch}`]);

  // A plain directory in the way (not a worktree at all).
  await mkdir(join(scratch, 'node_modules'), { recursive: true });
  await makeDriver(w).prepare('v1');
  assert.deepEqual(await worktrees(w), [w.path]);
  assert.deepEqual(await readdir(join(w.base, 'srv')), ['shop']);
});

test('two prepares of one version at once share one preflight', async (t) => {
  const w = await world(t);
  const driver = makeDriver(w);
  const [a, b] = await Promise.all([driver.prepare('v2'), driver.prepare('v2')]);
  assert.deepEqual(a, b);
  assert.equal((await logLines(w)).length, 2);
  assert.deepEqual(await worktrees(w), [w.path]);
});

test('prepare of a path that is not a git checkout is SOURCE_NOT_FOUND', async (t) => {
  const w = await world(t);
  await mkdir(join(w.base, 'srv', 'plain'));
  const driver = makeDriver({ ...w, path: join(w.base, 'srv', 'plain') });
  await assert.rejects(driver.prepare('v1'), rewindError('SOURCE_NOT_FOUND', /srv\/plain is not a git checkout/));
  const missing = makeDriver({ ...w, path: join(w.base, 'srv', 'nowhere') });
  await assert.rejects(missing.prepare('v1'), rewindError('SOURCE_NOT_FOUND', /srv\/nowhere does not exist/));
  assert.equal(preflightRoot('/srv/shop'), '/srv/shop.rewind-preflight');
});
