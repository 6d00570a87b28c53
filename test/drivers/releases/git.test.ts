import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { dirBuilds, fixture, git, makeDriver, makeRepo, rewindError } from './helpers.js';

test('a tag is exported with git archive, with REVISION and a manifest, leaving the working copy alone', async (t) => {
  const fx = await fixture(t);
  const { repo, sha1, sha2 } = await makeRepo(fx);
  // Uncommitted and untracked changes that must neither leak into the release nor be disturbed.
  await writeFile(join(repo, 'app.txt'), 'dirty edit\n');
  await writeFile(join(repo, 'untracked.txt'), 'local only\n');
  const statusBefore = await git(fx.exec, repo, 'status', '--porcelain');
  const driver = makeDriver(fx, { git: repo, ref: '{version}' });

  const prepared = await driver.prepare('v1');

  const dir = join(fx.path, 'releases', 'v1');
  const committedAt = new Date(await git(fx.exec, repo, 'show', '-s', '--format=%cI', sha1)).toISOString();
  assert.deepEqual(prepared, { version: 'v1', sha: sha1, committedAt, artifact: dir, reused: false });
  assert.equal(await readFile(join(dir, 'app.txt'), 'utf8'), 'version one\n');
  assert.equal(await readFile(join(dir, 'lib/code.js'), 'utf8'), 'export const v = 1;\n');
  assert.equal(await readFile(join(dir, 'REVISION'), 'utf8'), `${sha1}\n`);
  assert.deepEqual((await readdir(dir)).sort(), ['.rewind-checksums', '.rewind-release.json', 'REVISION', 'app.txt', 'lib']);
  const manifest = JSON.parse(await readFile(join(dir, '.rewind-release.json'), 'utf8'));
  assert.equal(manifest.version, 'v1');
  assert.equal(manifest.sha, sha1);
  assert.ok(!Number.isNaN(Date.parse(manifest.createdAt)));
  assert.match(manifest.source, /^git /);

  assert.equal(await git(fx.exec, repo, 'rev-parse', 'HEAD'), sha2);
  assert.equal(await git(fx.exec, repo, 'status', '--porcelain'), statusBefore);
  assert.equal(await readFile(join(repo, 'app.txt'), 'utf8'), 'dirty edit\n');
  assert.equal(await readFile(join(repo, 'untracked.txt'), 'utf8'), 'local only\n');
  // The temporary archive is gone.
  assert.deepEqual((await readdir(fx.path)).sort(), ['releases']);
});

test('the commit time is told in UTC, kept in the manifest and told again when the release is reused', async (t) => {
  const fx = await fixture(t);
  const repo = join(fx.configDir, 'dated');
  await mkdir(repo);
  await git(fx.exec, repo, 'init', '-q');
  await writeFile(join(repo, 'app.txt'), 'dated\n');
  await git(fx.exec, repo, 'add', '-A');
  // The committer date, not the author date, and with the committer's offset.
  const committed = await fx.exec.run(['git', '-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'dated', '--date', '2020-01-01T00:00:00Z'], {
    cwd: repo, env: { GIT_COMMITTER_DATE: '2025-03-04T05:06:07+02:00', GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@example.com',
      GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@example.com', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
  });
  assert.equal(committed.code, 0, committed.stderr);
  await git(fx.exec, repo, 'tag', 'v7');
  const driver = makeDriver(fx, { git: repo, ref: '{version}' });
  const first = await driver.prepare('v7');
  assert.equal(first.committedAt, '2025-03-04T03:06:07.000Z');
  const manifest = JSON.parse(await readFile(join(first.artifact, '.rewind-release.json'), 'utf8'));
  assert.equal(manifest.committedAt, '2025-03-04T03:06:07.000Z');
  assert.deepEqual(await driver.prepare('v7'), { ...first, reused: true });
});

test('a dir source tells no commit time, even with a REVISION: it does not know the commit', async (t) => {
  const fx = await fixture(t);
  const source = await dirBuilds(fx, ['v1']);
  await writeFile(join(fx.configDir, 'build', 'v1', 'REVISION'), 'abc1234\n');
  const prepared = await makeDriver(fx, source).prepare('v1');
  assert.equal(prepared.sha, 'abc1234');
  assert.equal(prepared.committedAt, null);
});

test('an annotated tag resolves to its commit, and an intact release is reused', async (t) => {
  const fx = await fixture(t);
  const { repo, sha2 } = await makeRepo(fx);
  const driver = makeDriver(fx, { git: repo, ref: '{version}' });
  const first = await driver.prepare('v2');
  assert.equal(first.sha, sha2);
  assert.equal(await readFile(join(first.artifact, 'new.txt'), 'utf8'), 'added in two\n');
  await writeFile(join(first.artifact, 'marker'), 'kept when reused');
  const again = await driver.prepare('v2');
  assert.deepEqual(again, { ...first, reused: true });
  assert.equal(await readFile(join(first.artifact, 'marker'), 'utf8'), 'kept when reused');
  assert.equal(await driver.isPresent('v2'), true);
});

test('the ref template and a repo path relative to the config dir are honoured', async (t) => {
  const fx = await fixture(t);
  const { repo, sha1 } = await makeRepo(fx);
  await git(fx.exec, repo, 'tag', 'release-1.0', sha1);
  const driver = makeDriver(fx, { git: 'repo', ref: 'release-{version}' });
  const prepared = await driver.prepare('1.0');
  assert.equal(prepared.sha, sha1);
  assert.equal(await readFile(join(prepared.artifact, 'app.txt'), 'utf8'), 'version one\n');
});

test('a missing ref is SOURCE_NOT_FOUND naming the ref and the repo, and nothing is written', async (t) => {
  const fx = await fixture(t);
  const { repo } = await makeRepo(fx);
  const driver = makeDriver(fx, { git: repo, ref: '{version}' });
  await assert.rejects(driver.prepare('v9'), rewindError('SOURCE_NOT_FOUND', /"v9"/, new RegExp(repo)));
  assert.deepEqual(await fx.files.list(fx.root), []);
  assert.equal(await driver.isPresent('v9'), false);
});

test('a path that is not a git repository is SOURCE_NOT_FOUND', async (t) => {
  const fx = await fixture(t);
  const driver = makeDriver(fx, { git: join(fx.configDir, 'no-repo-here'), ref: '{version}' });
  await assert.rejects(driver.prepare('v1'), rewindError('SOURCE_NOT_FOUND', /no-repo-here/));
  assert.deepEqual(await fx.files.list(fx.root), []);
});

test('a remote repository is exported through a mirror that follows new tags', async (t) => {
  const fx = await fixture(t);
  const { repo, sha1, sha2 } = await makeRepo(fx);
  const driver = makeDriver(fx, { git: `file://${repo}`, ref: '{version}' });
  assert.equal((await driver.prepare('v1')).sha, sha1);
  await git(fx.exec, repo, 'tag', 'v3', sha2);
  const third = await driver.prepare('v3');
  assert.equal(third.sha, sha2);
  assert.equal(await readFile(join(third.artifact, 'REVISION'), 'utf8'), `${sha2}\n`);
  await assert.rejects(driver.prepare('v4'), rewindError('SOURCE_NOT_FOUND', /"v4"/));
});

test('an unreachable remote is SOURCE_NOT_FOUND without its password, and leaves no mirror', async (t) => {
  const fx = await fixture(t);
  // Port 1 on loopback: refused at once, no traffic leaves the machine.
  const driver = makeDriver(fx, { git: 'http://deploy:s3cret-pw@127.0.0.1:1/shop.git', ref: '{version}' });
  let caught: unknown;
  await assert.rejects(
    driver.prepare('v1').catch((error: unknown) => {
      caught = error;
      throw error;
    }),
    rewindError('SOURCE_NOT_FOUND', /could not be fetched/, /deploy:\*\*\*@127\.0\.0\.1/),
  );
  assert.ok(!JSON.stringify({ message: (caught as Error).message, details: (caught as { details: unknown }).details }).includes('s3cret-pw'));
  assert.deepEqual(await fx.files.list(fx.path), []);
});

test('intact means the files still have the checksums they were made with; files added later do not count', async (t) => {
  const fx = await fixture(t);
  const { repo } = await makeRepo(fx);
  const driver = makeDriver(fx, { git: repo, ref: '{version}' });
  const made = await driver.prepare('v2');
  assert.match(await readFile(join(made.artifact, '.rewind-checksums'), 'utf8'), /^[0-9a-f]{64}  \.\/app\.txt$/m);
  await writeFile(join(made.artifact, 'cache.tmp'), 'written by the app');
  assert.equal(await driver.isPresent('v2'), true);
  await writeFile(join(made.artifact, 'app.txt'), 'changed on the host');
  assert.equal(await driver.isPresent('v2'), false);
});
