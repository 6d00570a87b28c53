import assert from 'node:assert/strict';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { RewindError } from '../../src/core/errors.js';
import type { ConfigIssue } from '../../src/config/issues.js';
import { loadConfig } from '../../src/config/load.js';
import { SHARED_DIRS, SYSTEM_TREES, writePathProblem } from '../../src/config/systemDirs.js';
import { tempDir } from '../helpers/tmp.js';
import { writeConfig } from './fixtures.js';

const releases = (path: string, hosts = ''): string =>
  `app: shop\nenvironments:\n  production:\n    driver: releases\n${hosts}    releases:\n      path: ${JSON.stringify(path)}\n      source: { dir: . }\n`;

/** A project dir two levels below a fresh temp dir, so that its parents are the test's own. */
async function projectDir(t: TestContext): Promise<string> {
  const dir = join(await tempDir(t), 'work', 'shop');
  await mkdir(dir, { recursive: true });
  return dir;
}

async function refusal(t: TestContext, text: string, home = '/nonexistent-home'): Promise<{ message: string; issues: ConfigIssue[] }> {
  const dir = await projectDir(t);
  await writeConfig(dir, text);
  return refusalIn(dir, home);
}

async function refusalIn(dir: string, home = '/nonexistent-home'): Promise<{ message: string; issues: ConfigIssue[] }> {
  try {
    await loadConfig({ cwd: dir, home });
  } catch (error) {
    assert.ok(error instanceof RewindError && error.code === 'CONFIG_INVALID', String(error));
    assert.doesNotMatch(error.message, /\n/);
    return { message: error.message, issues: error.details.issues as ConfigIssue[] };
  }
  return assert.fail('the config loaded, but should have been refused');
}

test('the root, every system tree and what is under it, and each shared directory itself are refused as releases.path', async (t) => {
  assert.equal((await refusal(t, releases('/'))).message, 'rewind.yaml:6: environments.production.releases.path: "/" is the root directory; expected a directory of its own, such as /srv/shop');
  for (const dir of SYSTEM_TREES) {
    assert.match((await refusal(t, releases(dir))).message, new RegExp(`releases\\.path: "${dir}" (\\(/usr\\S*\\) )?is (a system directory|under /usr, a system directory)`), dir);
    assert.match((await refusal(t, releases(`${dir}/shop`))).message, /is under \/\w+, a system directory; expected/, `${dir}/shop`);
  }
  for (const dir of SHARED_DIRS.filter((d) => d !== '/')) {
    assert.match((await refusal(t, releases(dir))).message, /is a directory shared by the whole machine, not one of its own/, dir);
  }
  assert.match((await refusal(t, releases('/srv/../etc'))).message, /"\/srv\/\.\.\/etc" \(\/etc\) is a system directory/);
});

test('a directory of its own under a shared directory is accepted', async (t) => {
  for (const path of ['/srv/shop', '/opt/shop/releases', '/var/www/shop', '/home/deploy/shop', '../staging', 'releases']) {
    const dir = await projectDir(t);
    await writeConfig(dir, releases(path));
    await loadConfig({ cwd: dir, home: '/nonexistent-home' });
  }
});

test('the home directory itself is refused, a directory under it is not', async (t) => {
  const home = await tempDir(t);
  assert.match((await refusal(t, releases(home), home)).message, new RegExp(`"${home}" is the home directory itself`));
  const dir = await projectDir(t);
  await writeConfig(dir, releases(join(home, 'shop')));
  await loadConfig({ cwd: dir, home });
});

test('the config file\'s directory, a parent of it, and a path holding state.dir are refused', async (t) => {
  assert.match((await refusal(t, releases('.'))).message, /releases\.path: "\." \(\/\S+\/work\/shop\) is the directory of rewind\.yaml; expected/);
  assert.match((await refusal(t, releases('..'))).message, /releases\.path: "\.\." \(\/\S+\/work\) holds the directory of rewind\.yaml \(\/\S+\/work\/shop\)/);
  assert.match((await refusal(t, releases('.rewind'))).message, /releases\.path: "\.rewind" \(\S+\) is state\.dir; expected/);
  const text = releases('/srv/shop').replace('app: shop\n', 'app: shop\nstate:\n  dir: /srv/shop/.rewind\n');
  assert.equal((await refusal(t, text)).message, 'rewind.yaml:8: environments.production.releases.path: "/srv/shop" holds state.dir (/srv/shop/.rewind); expected a directory of its own, such as /srv/shop');
  // A release path inside the state dir holds nothing of rewind's: allowed.
  const dir = await projectDir(t);
  await writeConfig(dir, releases('.rewind/releases'));
  await loadConfig({ cwd: dir, home: '/nonexistent-home' });
});

test('a symlink is judged by where it leads', async (t) => {
  const dir = await projectDir(t);
  await symlink('/', join(dir, 'to-root'));
  await symlink(join(dir, '..'), join(dir, 'to-parent'));
  await writeConfig(dir, releases('./to-root/srv'));
  assert.match((await refusalIn(dir)).message, /"\.\/to-root\/srv" \(\/srv\) is a directory shared by the whole machine/);
  await writeConfig(dir, releases('./to-parent'));
  assert.match((await refusalIn(dir)).message, /"\.\/to-parent" \(\/\S+\/work\) holds the directory of rewind\.yaml/);
});

test('state.dir and pipeline.dir follow the same rules', async (t) => {
  const state = (dir: string) => `app: shop\nstate:\n  dir: ${dir}\nenvironments:\n  production:\n    driver: releases\n    releases: { path: rel, source: { dir: . } }\n`;
  assert.equal((await refusal(t, state('/'))).message, 'rewind.yaml:3: state.dir: "/" is the root directory; expected a directory of its own, such as .rewind');
  assert.match((await refusal(t, state('.'))).message, /^rewind\.yaml:3: state\.dir: "\." \(\S+\) is the directory of rewind\.yaml/);
  assert.match((await refusal(t, state('../..'))).message, /^rewind\.yaml:3: state\.dir: "\.\.\/\.\." \(\S+\) holds the directory of rewind\.yaml/);
  assert.match((await refusal(t, state('/var/lib'))).message, /state\.dir: "\/var\/lib" is a directory shared by the whole machine/);
  const pipeline = 'app: shop\npipeline:\n  dir: ..\n  phases: [{ id: P1, name: a }, { id: P2, name: b }]\n';
  assert.match((await refusal(t, pipeline)).message, /^rewind\.yaml:3: pipeline\.dir: "\.\." \(\S+\) holds the directory of rewind\.yaml \(\S+\); expected a directory of its own, such as \.pipeline$/);
});

test('safety.allow_writes_only_under may not open / or a system directory; the project\'s own dir is fine', async (t) => {
  const text = (roots: string) => `app: shop\nsafety:\n  allow_writes_only_under: ${roots}\nenvironments:\n  production:\n    driver: releases\n    releases: { path: rel, source: { dir: . } }\n`;
  assert.match((await refusal(t, text('[.rewind, /]'))).message, /^rewind\.yaml:3: safety\.allow_writes_only_under\[1\]: "\/" is the root directory/);
  assert.match((await refusal(t, text('[/etc]'))).message, /allow_writes_only_under\[0\]: "\/etc" is a system directory/);
  const dir = await projectDir(t);
  await writeConfig(dir, text('[., docs/deploys]'));
  await loadConfig({ cwd: dir, home: '/nonexistent-home' });
});

test('the git driver\'s checkout follows the same rules', async (t) => {
  const git = (path: string) => `app: shop\nenvironments:\n  production:\n    driver: git\n    git:\n      path: ${path}\n`;
  assert.match((await refusal(t, git('.'))).message, /^rewind\.yaml:6: environments\.production\.git\.path: "\." \(\S+\) is the directory of rewind\.yaml/);
  assert.match((await refusal(t, git('/usr/src/shop'))).message, /git\.path: "\/usr\/src\/shop" is under \/usr, a system directory/);
});

test('remote hosts: / and system directories are refused; the local-only rules do not apply there', async (t) => {
  const hosts = '    hosts: [ssh://deploy@web1, ssh://deploy@web2:2222]\n';
  // Reported once, not once per host.
  const root = await refusal(t, releases('/', hosts));
  assert.equal(root.message, 'rewind.yaml:7: environments.production.releases.path: "/" is the root directory; expected a directory of its own, such as /srv/shop');
  assert.equal(root.issues.length, 1);
  assert.match((await refusal(t, releases('/srv/{host}/../../etc', hosts))).message, /"\/srv\/\{host\}\/\.\.\/\.\.\/etc" \(\/etc\) is a system directory/);
  // /tmp/x is a parent of nothing of the remote host's that is known here.
  const dir = await projectDir(t);
  await writeConfig(dir, releases(join(dir, '..'), hosts));
  await loadConfig({ cwd: dir, home: '/nonexistent-home' });
  // A relative path on a remote host is now a config error at its line, found while loading.
  assert.match((await refusal(t, releases('rel', hosts))).message, /^rewind\.yaml:7: environments\.production\.releases\.path: releases\.path must be absolute for remote hosts \(got "rel"\)$/);
});

test('every problem is in details.issues, in document order', async (t) => {
  const text = `app: shop\nstate:\n  dir: /\nenvironments:\n  production:\n    driver: releases\n    releases: { path: /etc, source: { dir: . } }\n  staging:\n    driver: releases\n    releases: { path: ., source: { dir: . } }\n`;
  const { message, issues } = await refusal(t, text);
  assert.match(message, /^rewind\.yaml:3: state\.dir: "\/" is the root directory; .* \(and 2 more problems\)$/);
  assert.deepEqual(issues.map((i) => [i.line, i.path]), [[3, 'state.dir'], [7, 'environments.production.releases.path'], [10, 'environments.staging.releases.path']]);
});

test('writePathProblem: local facts are only used when given', () => {
  const target = { given: '/work/shop', path: '/work/shop', expected: 'x' };
  assert.equal(writePathProblem(target), undefined);
  assert.match(writePathProblem(target, { configDir: '/work/shop/app' }) ?? '', /holds the directory of rewind\.yaml/);
  assert.equal(writePathProblem(target, { configDir: '/work/shopping' }), undefined, 'a prefix of a name is not a parent');
  assert.match(writePathProblem({ ...target, given: '/srv/' , path: '/srv/' }) ?? '', /^"\/srv\/" is a directory shared/);
});
