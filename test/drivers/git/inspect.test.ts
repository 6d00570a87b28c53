import assert from 'node:assert/strict';
import { mkdir, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { git, makeDriver, world } from './helpers.js';

test('a HEAD that no tag names has no version and says where it is', async (t) => {
  const w = await world(t);
  const live = await makeDriver(w).inspect();
  assert.deepEqual(live, {
    version: null,
    artifact: `${w.path}@${w.sha.wip.slice(0, 7)}`,
    problems: [`HEAD is at ${w.sha.wip.slice(0, 7)}, which no tag names`],
  });
});

test('a HEAD on a tag reports it, annotated tags included, whichever way it was checked out', async (t) => {
  const w = await world(t);
  await git(w.exec, w.path, 'checkout', '-q', '--detach', 'v2');
  assert.deepEqual(await makeDriver(w).inspect(), { version: 'v2', artifact: `${w.path}@${w.sha.v2.slice(0, 7)}`, problems: [] });
});

test('with several tags on HEAD the version-like, highest one wins, whatever order they were made in', async (t) => {
  const w = await world(t);
  await git(w.exec, w.path, 'checkout', '-q', '--detach', 'v2');
  for (const tag of ['production', 'v2.0.1-rc.1', 'latest', 'v2.0.1']) await git(w.exec, w.path, 'tag', tag, w.sha.v2);
  assert.equal((await makeDriver(w).inspect()).version, 'v2.0.1');

  // Only tags that are not versions: the first by name.
  await git(w.exec, w.path, 'checkout', '-q', '--detach', 'v1');
  await git(w.exec, w.path, 'tag', '-d', 'v1');
  for (const tag of ['stable', 'blue']) await git(w.exec, w.path, 'tag', tag, w.sha.v1);
  assert.deepEqual(await makeDriver(w).inspect(), { version: 'blue', artifact: `${w.path}@${w.sha.v1.slice(0, 7)}`, problems: [] });
});

test('tags that cannot be version names are a problem, not a version', async (t) => {
  const w = await world(t);
  await git(w.exec, w.path, 'checkout', '-q', '--detach', 'v1');
  await git(w.exec, w.path, 'tag', '-d', 'v1');
  await git(w.exec, w.path, 'tag', 'release/1', w.sha.v1);
  const live = await makeDriver(w).inspect();
  assert.equal(live.version, null);
  assert.deepEqual(live.problems, [`HEAD is at ${w.sha.v1.slice(0, 7)}, whose tags (release/1) are not usable version names`]);
});

test('modified tracked files are a problem; untracked ones are not; inspect changes nothing', async (t) => {
  const w = await world(t);
  await git(w.exec, w.path, 'checkout', '-q', '--detach', 'v1');
  await writeFile(join(w.path, 'untracked.txt'), 'build output');
  const driver = makeDriver(w);
  assert.deepEqual((await driver.inspect()).problems, []);

  await writeFile(join(w.path, 'app.txt'), 'edited on the server\n');
  await writeFile(join(w.path, 'b.txt'), 'edited too\n');
  await git(w.exec, w.path, 'add', 'b.txt');
  const live = await driver.inspect();
  assert.equal(live.version, 'v1');
  assert.deepEqual(live.problems, ['the working tree has uncommitted changes to tracked files (app.txt, b.txt): what runs may not be v1']);
  assert.equal(await git(w.exec, w.path, 'rev-parse', 'HEAD'), w.sha.v1);
  assert.equal(await git(w.exec, w.path, 'diff', '--cached', '--name-only'), 'b.txt');
});

test('a path that is missing, not a checkout, or inside another checkout is a problem', async (t) => {
  const w = await world(t);
  const missing = join(w.base, 'srv', 'nowhere');
  assert.deepEqual(await makeDriver({ ...w, path: missing }).inspect(), { version: null, artifact: null, problems: [`${missing} does not exist`] });

  const plain = join(w.base, 'srv', 'plain');
  await mkdir(plain);
  const notRepo = await makeDriver({ ...w, path: plain }).inspect();
  assert.equal(notRepo.version, null);
  assert.match(notRepo.problems[0] ?? '', /srv\/plain is not a git checkout \(fatal: not a git repository/);

  const inner = join(w.path, 'sub');
  await mkdir(inner);
  const nested = makeDriver({ ...w, path: inner });
  assert.deepEqual((await nested.inspect()).problems, [`${inner} is not the top of a git checkout: it lies inside ${w.path}`]);
  await assert.rejects(nested.activate('v1'), /is not the top of a git checkout/);
  assert.equal(await nested.isPresent('v1'), false);
  assert.equal(await git(w.exec, w.path, 'rev-parse', 'HEAD'), w.sha.wip);
});

test('isPresent is true for a tag in the checkout and false otherwise, without fetching', async (t) => {
  const w = await world(t);
  const driver = makeDriver(w);
  assert.equal(await driver.isPresent('v1'), true);
  assert.equal(await driver.isPresent('v2'), true);
  assert.equal(await driver.isPresent('v9'), false);
  // A branch is not a version.
  assert.equal(await driver.isPresent('main'), false);
  await git(w.exec, w.work, 'tag', 'v5', w.sha.v1);
  await git(w.exec, w.work, 'push', '-q', w.origin, 'v5');
  assert.equal(await driver.isPresent('v5'), false);
});

test('vars name the checkout for release_dir and previous_release_dir; prune removes nothing', async (t) => {
  const w = await world(t);
  const driver = makeDriver(w);
  assert.equal(driver.kind, 'git');
  assert.deepEqual(await driver.vars('v2'), { version: 'v2', release_dir: w.path, previous_release_dir: w.path, env: 'production', app: 'shop' });
  assert.deepEqual(await driver.prune(['v1']), []);
  assert.equal(await git(w.exec, w.path, 'tag', '--list', 'v1'), 'v1');
});

test('inspect does not even refresh the index, so it never takes the lock a deploy needs', async (t) => {
  const w = await world(t);
  // A newer mtime with the same content: a plain `git status` would rewrite the index to record it.
  const later = new Date(Date.now() + 60_000);
  await utimes(join(w.path, 'app.txt'), later, later);
  const index = join(w.path, '.git', 'index');
  const before = (await stat(index)).mtimeMs;
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual((await makeDriver(w).inspect()).problems, [`HEAD is at ${w.sha.wip.slice(0, 7)}, which no tag names`]);
  assert.equal((await stat(index)).mtimeMs, before);
});
