import assert from 'node:assert/strict';
import { lstat, mkdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { isRewindError } from '../../src/core/errors.js';
import { createGuardedFiles } from '../../src/exec/guardedFiles.js';
import { tempDir } from '../helpers/tmp.js';

/** A root to write in and an outside dir beside it that must stay untouched. */
async function setup(t: TestContext): Promise<{ base: string; root: string; outside: string }> {
  const base = await tempDir(t);
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  await mkdir(root);
  await mkdir(outside);
  await writeFile(join(outside, 'keep.txt'), 'precious');
  return { base, root, outside };
}

function refused(error: unknown): boolean {
  assert.ok(isRewindError(error), `expected a RewindError, got ${String(error)}`);
  assert.equal(error.code, 'WRITE_REFUSED');
  assert.ok(!error.message.includes('\n'), 'one line');
  assert.match(error.message, /write roots/);
  return true;
}

test('writes inside a root are allowed and land where asked', async (t) => {
  const { root } = await setup(t);
  const files = createGuardedFiles([root]);
  await files.mkdir(join(root, 'a/b/c'));
  await files.writeFile(join(root, 'a/b/c/x.txt'), 'one');
  await files.appendFile(join(root, 'a/b/c/x.txt'), '+two');
  await files.writeFileAtomic(join(root, 'a/atomic.json'), '{}');
  assert.equal(await readFile(join(root, 'a/b/c/x.txt'), 'utf8'), 'one+two');
  assert.equal(await files.readFile(join(root, 'a/atomic.json')), '{}');
  assert.deepEqual(await files.list(join(root, 'a')), ['atomic.json', 'b']);
  assert.equal(await files.assertWritable(join(root, 'new/deeper/file')), join(root, 'new/deeper/file'));
});

test('../ escapes are refused and nothing is written', async (t) => {
  const { root, outside } = await setup(t);
  const files = createGuardedFiles([root]);
  await assert.rejects(files.writeFile(join(root, '../outside/evil.txt'), 'x'), refused);
  await assert.rejects(files.writeFile(`${root}/sub/../../outside/evil.txt`, 'x'), refused);
  await assert.rejects(files.mkdir(`${root}/../outside/newdir`), refused);
  await assert.rejects(files.remove(join(outside, 'keep.txt')), refused);
  await assert.rejects(files.remove(`${root}/..`), refused);
  assert.deepEqual(await files.list(outside), ['keep.txt']);
  assert.equal(await readFile(join(outside, 'keep.txt'), 'utf8'), 'precious');
});

test('a symlinked directory inside a root that points outside is refused', async (t) => {
  const { root, outside } = await setup(t);
  await symlink(outside, join(root, 'escape'));
  const files = createGuardedFiles([root]);
  await assert.rejects(files.writeFile(join(root, 'escape/evil.txt'), 'x'), refused);
  await assert.rejects(files.mkdir(join(root, 'escape/sub/dir')), refused);
  await assert.rejects(files.remove(join(root, 'escape/keep.txt')), refused);
  await assert.rejects(files.copyDir(root, join(root, 'escape/copy')), refused);
  // `link/..` is the parent of the link's target to the kernel, not `root`.
  await assert.rejects(files.writeFile(`${root}/escape/../outside/evil.txt`, 'x'), refused);
  await assert.rejects(files.rename(join(outside, 'keep.txt'), join(root, 'stolen.txt')), refused);
  assert.deepEqual(await files.list(outside), ['keep.txt']);
});

test('writing through a final symlink that points outside is refused; replacing the link is not', async (t) => {
  const { root, outside } = await setup(t);
  await symlink(join(outside, 'keep.txt'), join(root, 'link.txt'));
  await symlink(join(outside, 'missing.txt'), join(root, 'dangling.txt'));
  const files = createGuardedFiles([root]);
  await assert.rejects(files.writeFile(join(root, 'link.txt'), 'x'), refused);
  await assert.rejects(files.appendFile(join(root, 'link.txt'), 'x'), refused);
  await assert.rejects(files.writeFile(join(root, 'dangling.txt'), 'x'), refused);
  // Replacing the link itself only changes the root.
  await files.writeFileAtomic(join(root, 'link.txt'), 'replaced');
  assert.equal(await readFile(join(outside, 'keep.txt'), 'utf8'), 'precious');
  assert.equal((await lstat(join(root, 'link.txt'))).isSymbolicLink(), false);
  assert.deepEqual(await files.list(outside), ['keep.txt']);
});

test('a root that is itself a symlink works, through either name', async (t) => {
  const { base, root } = await setup(t);
  const alias = join(base, 'alias');
  await symlink(root, alias);
  const viaAlias = createGuardedFiles([alias]);
  await viaAlias.writeFile(join(alias, 'a.txt'), 'A');
  await viaAlias.writeFile(join(root, 'b.txt'), 'B');
  const viaReal = createGuardedFiles([root]);
  await viaReal.writeFile(join(alias, 'c.txt'), 'C');
  assert.deepEqual(await viaReal.list(root), ['a.txt', 'b.txt', 'c.txt']);
  await assert.rejects(viaAlias.writeFile(join(base, 'outside/x'), 'x'), refused);
});

test('a root that does not exist yet is allowed and can be created', async (t) => {
  const { base } = await setup(t);
  const root = join(base, 'later/state');
  const files = createGuardedFiles([root]);
  await files.mkdir(join(root, 'reports'));
  await files.writeFile(join(root, 'reports/x.md'), 'x');
  assert.equal(await readFile(join(root, 'reports/x.md'), 'utf8'), 'x');
  await assert.rejects(files.writeFile(join(base, 'later/other.txt'), 'x'), refused);
});

test('with no roots every write is refused', async (t) => {
  const { root } = await setup(t);
  await assert.rejects(createGuardedFiles([]).writeFile(join(root, 'x'), 'x'), refused);
});

test('removing a symlink removes the link, not its target', async (t) => {
  const { root, outside } = await setup(t);
  const target = join(root, 'target');
  await mkdir(target);
  await writeFile(join(target, 'data.txt'), 'data');
  await symlink('target', join(root, 'current'));
  // A link inside a root pointing outside may be removed: that changes only the root.
  await symlink(outside, join(root, 'out-link'));
  const files = createGuardedFiles([root]);
  await files.remove(join(root, 'current'));
  // With a trailing slash the kernel would follow the link; the guard acts on the link itself.
  await files.remove(`${join(root, 'out-link')}/`);
  assert.equal(await files.exists(join(root, 'current')), false);
  assert.equal(await files.exists(join(root, 'out-link')), false);
  assert.equal(await readFile(join(target, 'data.txt'), 'utf8'), 'data');
  assert.equal(await readFile(join(outside, 'keep.txt'), 'utf8'), 'precious');
});

test('remove is recursive and quiet about missing paths', async (t) => {
  const { root } = await setup(t);
  const files = createGuardedFiles([root]);
  await files.mkdir(join(root, 'tree/a/b'));
  await files.writeFile(join(root, 'tree/a/b/f'), 'f');
  await files.remove(join(root, 'tree'));
  await files.remove(join(root, 'never-was'));
  assert.equal(await files.exists(join(root, 'tree')), false);
});

test('symlink keeps relative targets; rename replaces a link atomically; readlink/readFile of missing is undefined', async (t) => {
  const { root } = await setup(t);
  const files = createGuardedFiles([root]);
  await files.symlink('releases/1', join(root, 'current'));
  await files.symlink('releases/2', join(root, 'current.tmp'));
  await files.rename(join(root, 'current.tmp'), join(root, 'current'));
  assert.equal(await readlink(join(root, 'current')), 'releases/2');
  assert.equal(await files.readlink(join(root, 'current')), 'releases/2');
  assert.equal(await files.readlink(join(root, 'nope')), undefined);
  assert.equal(await files.readFile(join(root, 'nope')), undefined);
  assert.equal(await files.exists(join(root, 'current')), true, 'a dangling link exists');
});

test('copyDir copies a tree, keeps symlinks verbatim and refuses a populated destination', async (t) => {
  const { base, root } = await setup(t);
  const src = join(base, 'src');
  await mkdir(join(src, 'sub'), { recursive: true });
  await writeFile(join(src, 'sub/a.txt'), 'A');
  await symlink('sub/a.txt', join(src, 'link'));
  const files = createGuardedFiles([root]);
  await files.copyDir(src, join(root, 'copy'));
  assert.equal(await readFile(join(root, 'copy/sub/a.txt'), 'utf8'), 'A');
  assert.equal(await readlink(join(root, 'copy/link')), 'sub/a.txt');
  await assert.rejects(files.copyDir(src, join(root, 'copy')), /not empty/);
});

test('writeFileAtomic leaves no temporary file behind', async (t) => {
  const { root } = await setup(t);
  const files = createGuardedFiles([root]);
  await files.writeFileAtomic(join(root, 'a.json'), '1');
  await files.writeFileAtomic(join(root, 'a.json'), '2');
  assert.deepEqual(await files.list(root), ['a.json']);
  assert.equal(await files.readFile(join(root, 'a.json')), '2');
});
