import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRewindError } from '../../../src/core/errors.js';
import { DIRTY_CANDIDATES, caught, git, head, logLines, makeDriver, rewindError, world } from './helpers.js';

test('activate checks the tag out in place, installs and builds there, and inspect then reports it', async (t) => {
  const w = await world(t);
  const driver = makeDriver(w);

  await driver.activate('v1');
  assert.equal(await head(w), w.sha.v1);
  assert.equal(await readFile(join(w.path, 'app.txt'), 'utf8'), 'one\n');
  assert.equal(await readFile(join(w.path, 'installed.txt'), 'utf8'), `v1 ${w.sha.v1}\n`);
  assert.equal(await readFile(join(w.path, 'built.txt'), 'utf8'), 'built one\n');
  assert.deepEqual(await logLines(w), [`install ${w.path} v1 ${w.sha.v1} -`, `build ${w.path} v1 ${w.sha.v1} ${w.path}`]);
  assert.deepEqual(await driver.inspect(), { version: 'v1', artifact: `${w.path}@${w.sha.v1.slice(0, 7)}`, problems: [] });

  await driver.activate('v2');
  assert.equal(await head(w), w.sha.v2);
  assert.equal(await readFile(join(w.path, 'built.txt'), 'utf8'), 'built two\n');
  assert.deepEqual(await driver.inspect(), { version: 'v2', artifact: `${w.path}@${w.sha.v2.slice(0, 7)}`, problems: [] });
  // Detached: the branch the clone was on is left where it was.
  assert.equal(await git(w.exec, w.path, 'rev-parse', 'main'), w.sha.wip);
});

test('a switch whose build fails in place is put back on the previous commit, rebuilt, and says so', async (t) => {
  const w = await world(t);
  const driver = makeDriver(w, { preflight: false });
  await driver.activate('v2');

  const error = await caught(driver.activate('v3'));
  rewindError(
    'STEP_FAILED',
    new RegExp(`^switching ${w.path} to v3 \\(${w.sha.v3.slice(0, 7)}\\) failed: \`node build\\.js .*\` exited 1: boom: v3 cannot build; the checkout was restored to ${w.sha.v2.slice(0, 7)} \\(v2\\) and rebuilt$`),
  )(error);
  assert.ok(isRewindError(error));
  assert.equal(error.details.restored, true);
  assert.equal(error.details.previousSha, w.sha.v2);

  assert.equal(await head(w), w.sha.v2);
  assert.equal(await readFile(join(w.path, 'app.txt'), 'utf8'), 'two\n');
  assert.equal(await readFile(join(w.path, 'built.txt'), 'utf8'), 'built two\n');
  assert.equal(await readFile(join(w.path, 'installed.txt'), 'utf8'), `v2 ${w.sha.v2}\n`);
  assert.deepEqual((await logLines(w)).slice(2), [
    `install ${w.path} v3 ${w.sha.v3} -`,
    `build-broken ${w.path} v3`,
    `install ${w.path} v2 ${w.sha.v2} -`,
    `build ${w.path} v2 ${w.sha.v2} ${w.path}`,
  ]);
  assert.equal((await driver.inspect()).version, 'v2');
});

test('when restoring fails too, the error says so loudly and where the checkout was left', async (t) => {
  const w = await world(t);
  // Someone checked the broken v3 out by hand, then v3 is activated again.
  await git(w.exec, w.path, 'checkout', '-q', '--detach', 'v3');
  const error = await caught(makeDriver(w).activate('v3'));
  rewindError('STEP_FAILED', /boom: v3 cannot build; RESTORING [0-9a-f]{7} \(v3\) FAILED TOO: `node build\.js .*` exited 1: boom: v3 cannot build: .* is in an unknown state and needs manual intervention$/)(error);
  assert.ok(isRewindError(error));
  assert.equal(error.details.restored, false);
});

test('a restore onto an untagged commit names it by its short sha', async (t) => {
  const w = await world(t);
  // The clone sits on main at the untagged wip commit.
  const error = await caught(makeDriver(w).activate('v3'));
  rewindError('STEP_FAILED', new RegExp(`restored to ${w.sha.wip.slice(0, 7)} and rebuilt$`))(error);
  assert.equal(await head(w), w.sha.wip);
  assert.equal(await readFile(join(w.path, 'installed.txt'), 'utf8'), `${w.sha.wip.slice(0, 7)} ${w.sha.wip}\n`);
});

test('a checkout that git refuses is reported with git\'s reason, and HEAD has not moved', async (t) => {
  const w = await world(t);
  const driver = makeDriver(w);
  await driver.activate('v1');
  const before = (await logLines(w)).length;
  // A lock left by a crashed git: neither the switch nor the way back can take the index.
  await writeFile(join(w.path, '.git', 'index.lock'), '');
  await assert.rejects(
    driver.activate('v2'),
    rewindError('STEP_FAILED', /`git -C .* checkout .*` exited 128: fatal: Unable to create .*index\.lock.*; RESTORING [0-9a-f]{7} \(v1\) FAILED TOO: .*manual intervention$/),
  );
  assert.equal(await head(w), w.sha.v1);
  assert.equal((await logLines(w)).length, before);
});

test('a tree with uncommitted changes is refused, naming up to five files, and nothing changes', async (t) => {
  const w = await world(t);
  const driver = makeDriver(w);
  await driver.activate('v1');
  const before = (await logLines(w)).length;
  for (const name of DIRTY_CANDIDATES) await writeFile(join(w.path, name), 'hotfix on the server\n');

  await assert.rejects(
    driver.activate('v2'),
    rewindError('STEP_FAILED', /refusing to switch .* to v2: it has uncommitted changes to 7 tracked files \(a\.txt, b\.txt, c\.txt, d\.txt, e\.txt and 2 more\); .*allow_dirty: true/),
  );
  assert.equal(await head(w), w.sha.v1);
  assert.equal(await readFile(join(w.path, 'g.txt'), 'utf8'), 'hotfix on the server\n');
  assert.equal((await logLines(w)).length, before);

  // Untracked files (build output, node_modules) are not what makes a tree dirty.
  await git(w.exec, w.path, 'checkout', '-q', '--', '.');
  await writeFile(join(w.path, 'untracked.txt'), 'local');
  await driver.activate('v2');
  assert.equal(await head(w), w.sha.v2);
});

test('with allow_dirty the switch goes ahead, and the changes are kept in a stash entry', async (t) => {
  const w = await world(t);
  await makeDriver(w).activate('v1');
  await writeFile(join(w.path, 'a.txt'), 'hotfix on the server\n');
  const driver = makeDriver(w, { allow_dirty: true });

  await driver.activate('v2');
  assert.equal(await head(w), w.sha.v2);
  assert.equal(await readFile(join(w.path, 'a.txt'), 'utf8'), 'a.txt\n');
  assert.equal(await git(w.exec, w.path, 'status', '--porcelain', '--untracked-files=no'), '');
  assert.match(await git(w.exec, w.path, 'stash', 'list'), /rewind: uncommitted changes found before switching to v2/);
  assert.match(await git(w.exec, w.path, 'stash', 'show', '-p', 'stash@{0}'), /\+hotfix on the server/);
});

test('activating a tag the checkout does not have is RELEASE_NOT_FOUND and runs nothing', async (t) => {
  const w = await world(t);
  await assert.rejects(makeDriver(w).activate('v9'), rewindError('RELEASE_NOT_FOUND', /git tag "v9" is not in the checkout .*prepare it first/));
  assert.equal(await head(w), w.sha.wip);
  assert.deepEqual(await logLines(w), []);
});

test('a failed switch over saved changes points at the stash', async (t) => {
  const w = await world(t);
  await makeDriver(w).activate('v2');
  await writeFile(join(w.path, 'a.txt'), 'hotfix on the server\n');
  await assert.rejects(makeDriver(w, { allow_dirty: true }).activate('v3'), rewindError('STEP_FAILED', /saved as stash [0-9a-f]{7}: see `git stash list`.*restored to [0-9a-f]{7} \(v2\)/));
  assert.equal(await head(w), w.sha.v2);
  assert.match(await git(w.exec, w.path, 'stash', 'show', '-p', 'stash@{0}'), /\+hotfix on the server/);
});
