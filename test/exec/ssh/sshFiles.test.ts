import assert from 'node:assert/strict';
import { lstat, mkdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { isRewindError } from '../../../src/core/errors.js';
import type { SshHost } from '../../../src/exec/ssh/connect.js';
import { connectTo, sshdSkipReason, startSshd, type Sshd } from '../../helpers/sshd.js';
import { tempDir } from '../../helpers/tmp.js';

const skip = sshdSkipReason();

/**
 * The sshd runs on this machine: the remote file system is this one, so what
 * the SFTP side did can be checked with plain fs calls. Every test runs three
 * times: over SFTP alone, through the command session (which answers while
 * no SFTP session is open), and against an sshd without `Subsystem sftp`,
 * where the same operations go over exec channels.
 */
/** How files travel: SFTP alone, the command session first (the default), or exec on a host without SFTP. */
type Way = 'sftp' | 'session' | 'exec';

async function setup(t: TestContext, way: Way): Promise<{ sshd: Sshd; host: SshHost; base: string; root: string; outside: string }> {
  const sshd = await startSshd(t, { sftp: way !== 'exec' });
  const host = await connectTo(t, sshd, { commandSession: way !== 'sftp' });
  const base = join(sshd.dir, 'fs');
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  await mkdir(root, { recursive: true });
  await mkdir(outside);
  await writeFile(join(outside, 'keep.txt'), 'precious');
  return { sshd, host, base, root, outside };
}

/** The test, on a host with SFTP and on one without it. */
function each(name: string, body: (t: TestContext, way: Way) => Promise<void>): void {
  const shown: Record<Way, string> = { sftp: name, session: `${name} (the command session's operations)`, exec: `${name} (no SFTP: over exec)` };
  for (const way of ['sftp', 'session', 'exec'] as const) test(shown[way], { skip }, (t) => body(t, way));
}

function refused(label: string) {
  return (error: unknown): boolean => {
    assert.ok(isRewindError(error), `expected a RewindError, got ${String(error)}`);
    assert.equal(error.code, 'WRITE_REFUSED', error.message);
    assert.ok(error.message.startsWith(`${label}: refusing to write `), error.message);
    assert.ok(!error.message.includes('\n'), 'one line');
    assert.match(error.message, /write roots/);
    return true;
  };
}

each('writes inside a root land where asked: write, append, atomic write, mkdir, list', async (t, way) => {
  const { host, root } = await setup(t, way);
  const files = host.files([root]);
  await files.mkdir(join(root, 'a/b/c'));
  await files.mkdir(join(root, 'a/b/c'));
  await files.writeFile(join(root, 'a/b/c/x.txt'), 'one');
  await files.appendFile(join(root, 'a/b/c/x.txt'), '+two');
  await files.appendFile(join(root, 'a/new.log'), 'line\n');
  await files.writeFileAtomic(join(root, 'a/atomic.json'), '{"ü":"😀"}');
  assert.equal(await readFile(join(root, 'a/b/c/x.txt'), 'utf8'), 'one+two');
  assert.equal(await readFile(join(root, 'a/new.log'), 'utf8'), 'line\n');
  assert.equal(await files.readFile(join(root, 'a/atomic.json')), '{"ü":"😀"}');
  assert.deepEqual(await files.list(join(root, 'a')), ['atomic.json', 'b', 'new.log']);
  assert.deepEqual(await files.list(join(root, 'nope')), []);
  assert.equal(await files.assertWritable(join(root, 'new/deeper/file')), join(root, 'new/deeper/file'));
  await files.writeFile(join(root, 'a/b/c/x.txt'), 'replaced');
  assert.equal(await readFile(join(root, 'a/b/c/x.txt'), 'utf8'), 'replaced');
  await assert.rejects(files.mkdir(join(root, 'a/new.log')), /not a directory/);
});

each('writeFileAtomic replaces the file and leaves no temporary file behind', async (t, way) => {
  const { host, root } = await setup(t, way);
  const files = host.files([root]);
  await files.writeFileAtomic(join(root, 'a.json'), '1');
  await files.writeFileAtomic(join(root, 'a.json'), '2');
  await files.writeFileAtomic(join(root, 'empty'), '');
  assert.deepEqual(await files.list(root), ['a.json', 'empty']);
  assert.equal(await files.readFile(join(root, 'a.json')), '2');
  assert.equal(await files.readFile(join(root, 'empty')), '');
});

each('../ escapes are refused and nothing is written', async (t, way) => {
  const { host, root, outside } = await setup(t, way);
  const files = host.files([root]);
  const no = refused(host.label);
  await assert.rejects(files.writeFile(join(root, '../outside/evil.txt'), 'x'), no);
  await assert.rejects(files.writeFile(`${root}/sub/../../outside/evil.txt`, 'x'), no);
  await assert.rejects(files.mkdir(`${root}/../outside/newdir`), no);
  await assert.rejects(files.remove(join(outside, 'keep.txt')), no);
  await assert.rejects(files.remove(`${root}/..`), no);
  await assert.rejects(files.writeFileAtomic(join(outside, 'keep.txt'), 'x'), no);
  assert.deepEqual(await files.list(outside), ['keep.txt']);
  assert.equal(await readFile(join(outside, 'keep.txt'), 'utf8'), 'precious');
});

each('a symlinked directory inside a root that points outside is refused', async (t, way) => {
  const { host, root, outside } = await setup(t, way);
  await symlink(outside, join(root, 'escape'));
  const files = host.files([root]);
  const no = refused(host.label);
  await assert.rejects(files.writeFile(join(root, 'escape/evil.txt'), 'x'), no);
  await assert.rejects(files.mkdir(join(root, 'escape/sub/dir')), no);
  await assert.rejects(files.remove(join(root, 'escape/keep.txt')), no);
  await assert.rejects(files.copyDir(root, join(root, 'escape/copy')), no);
  // `link/..` is the parent of the link's target to the kernel, not `root`.
  await assert.rejects(files.writeFile(`${root}/escape/../outside/evil.txt`, 'x'), no);
  await assert.rejects(files.rename(join(outside, 'keep.txt'), join(root, 'stolen.txt')), no);
  await assert.rejects(files.symlink('/etc/passwd', join(root, 'escape/link')), no);
  assert.deepEqual(await files.list(outside), ['keep.txt']);
});

each('writing through a final symlink that points outside is refused; replacing the link is not', async (t, way) => {
  const { host, root, outside } = await setup(t, way);
  await symlink(join(outside, 'keep.txt'), join(root, 'link.txt'));
  await symlink(join(outside, 'missing.txt'), join(root, 'dangling.txt'));
  const files = host.files([root]);
  const no = refused(host.label);
  await assert.rejects(files.writeFile(join(root, 'link.txt'), 'x'), no);
  await assert.rejects(files.appendFile(join(root, 'link.txt'), 'x'), no);
  await assert.rejects(files.writeFile(join(root, 'dangling.txt'), 'x'), no);
  await files.writeFileAtomic(join(root, 'link.txt'), 'replaced');
  assert.equal(await readFile(join(outside, 'keep.txt'), 'utf8'), 'precious');
  assert.equal((await lstat(join(root, 'link.txt'))).isSymbolicLink(), false);
  assert.deepEqual(await files.list(outside), ['keep.txt']);
});

each('a root that is itself a symlink works, through either name; a root not made yet can be created', async (t, way) => {
  const { host, base, root } = await setup(t, way);
  const alias = join(base, 'alias');
  await symlink(root, alias);
  const viaAlias = host.files([alias]);
  await viaAlias.writeFile(join(alias, 'a.txt'), 'A');
  await viaAlias.writeFile(join(root, 'b.txt'), 'B');
  await host.files([root]).writeFile(join(alias, 'c.txt'), 'C');
  assert.deepEqual(await viaAlias.list(root), ['a.txt', 'b.txt', 'c.txt']);
  await assert.rejects(viaAlias.writeFile(join(base, 'outside/x'), 'x'), refused(host.label));

  const later = host.files([join(base, 'later/state')]);
  await later.mkdir(join(base, 'later/state/reports'));
  await later.writeFile(join(base, 'later/state/reports/x.md'), 'x');
  assert.equal(await readFile(join(base, 'later/state/reports/x.md'), 'utf8'), 'x');
  await assert.rejects(later.writeFile(join(base, 'later/other.txt'), 'x'), refused(host.label));
  await assert.rejects(host.files([]).writeFile(join(root, 'x'), 'x'), refused(host.label));
});

each('symlink keeps relative targets; rename replaces a link atomically; stat, realpath, readlink, exists', async (t, way) => {
  const { host, root } = await setup(t, way);
  const files = host.files([root]);
  await files.mkdir(join(root, 'releases/1'));
  await files.mkdir(join(root, 'releases/2'));
  await files.writeFile(join(root, 'releases/2/app.js'), 'v2');
  await files.symlink('releases/1', join(root, 'current'));
  await files.symlink('releases/2', join(root, 'current.tmp'));
  await files.rename(join(root, 'current.tmp'), join(root, 'current'));
  assert.equal(await readlink(join(root, 'current')), 'releases/2');
  assert.equal(await files.readlink(join(root, 'current')), 'releases/2');
  assert.equal(await files.readFile(join(root, 'current/app.js')), 'v2');
  assert.deepEqual(await files.list(root), ['current', 'releases']);
  assert.equal(await files.readlink(join(root, 'nope')), undefined);
  assert.equal(await files.readFile(join(root, 'nope')), undefined);

  assert.equal((await files.stat(join(root, 'current')))?.type, 'symlink');
  assert.equal((await files.stat(join(root, 'releases')))?.type, 'dir');
  const stat = await files.stat(join(root, 'releases/2/app.js'));
  assert.equal(stat?.type, 'file');
  const localMtime = (await lstat(join(root, 'releases/2/app.js'))).mtimeMs;
  assert.ok(Math.abs((stat?.mtimeMs ?? 0) - localMtime) < 1000, 'mtime to the second');
  assert.equal(await files.stat(join(root, 'nope')), undefined);

  assert.equal(await files.realpath(join(root, 'current')), join(root, 'releases/2'));
  assert.equal(await files.realpath(join(root, 'nope')), undefined);
  await files.symlink('releases/9', join(root, 'dangling'));
  assert.equal(await files.realpath(join(root, 'dangling')), undefined);
  assert.equal(await files.exists(join(root, 'dangling')), true, 'a dangling link exists');
  assert.equal(await files.exists(join(root, 'nope')), false);
});

each('rename over the live symlink is atomic: a reader never finds it missing', async (t, way) => {
  const { host, root } = await setup(t, way);
  const files = host.files([root]);
  await files.mkdir(join(root, 'releases/a'));
  await files.mkdir(join(root, 'releases/b'));
  await files.symlink('releases/a', join(root, 'current'));
  let missing = 0;
  let reading = true;
  const reader = (async () => {
    while (reading) {
      try {
        await lstat(join(root, 'current'));
      } catch {
        missing += 1;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  for (let index = 0; index < 30; index += 1) {
    const next = index % 2 === 0 ? 'releases/b' : 'releases/a';
    await files.symlink(next, join(root, 'current.next'));
    await files.rename(join(root, 'current.next'), join(root, 'current'));
    assert.equal(await readlink(join(root, 'current')), next);
  }
  reading = false;
  await reader;
  assert.equal(missing, 0, 'current was missing while it was switched');
});

each('remove deletes a symlink, not its target; trees recursively; missing paths quietly', async (t, way) => {
  const { host, root, outside } = await setup(t, way);
  const target = join(root, 'target');
  await mkdir(target);
  await writeFile(join(target, 'data.txt'), 'data');
  await symlink('target', join(root, 'current'));
  await symlink(outside, join(root, 'out-link'));
  const files = host.files([root]);
  await files.remove(join(root, 'current'));
  await files.remove(`${join(root, 'out-link')}/`);
  assert.equal(await files.exists(join(root, 'current')), false);
  assert.equal(await files.exists(join(root, 'out-link')), false);
  assert.equal(await readFile(join(target, 'data.txt'), 'utf8'), 'data');
  assert.equal(await readFile(join(outside, 'keep.txt'), 'utf8'), 'precious');

  await files.mkdir(join(root, "tree/a b/it's"));
  await files.writeFile(join(root, "tree/a b/it's/f"), 'f');
  await files.remove(join(root, 'tree'));
  await files.remove(join(root, 'never-was'));
  assert.equal(await files.exists(join(root, 'tree')), false);
});

each('copyDir copies a tree, keeps symlinks verbatim and refuses a populated destination', async (t, way) => {
  const { host, base, root } = await setup(t, way);
  const src = join(base, 'src');
  await mkdir(join(src, 'sub'), { recursive: true });
  await writeFile(join(src, 'sub/a.txt'), 'A');
  await writeFile(join(src, '.hidden'), 'H');
  await symlink('sub/a.txt', join(src, 'link'));
  const files = host.files([root]);
  await files.copyDir(src, join(root, 'copy'));
  assert.equal(await readFile(join(root, 'copy/sub/a.txt'), 'utf8'), 'A');
  assert.equal(await readFile(join(root, 'copy/.hidden'), 'utf8'), 'H');
  assert.equal(await readlink(join(root, 'copy/link')), 'sub/a.txt');
  await assert.rejects(files.copyDir(src, join(root, 'copy')), /not empty/);
  await files.mkdir(join(root, 'empty'));
  await files.copyDir(src, join(root, 'empty'));
  assert.deepEqual(await files.list(join(root, 'empty')), ['.hidden', 'link', 'sub']);
  await files.copyDir(src, join(root, 'deep/er/copy'));
  assert.equal(await readFile(join(root, 'deep/er/copy/sub/a.txt'), 'utf8'), 'A');
});

each('upload copies a local file through the guard, atomically', async (t, way) => {
  const { host, root, outside } = await setup(t, way);
  const local = await tempDir(t);
  const tarball = join(local, 'release.tar');
  const bytes = Buffer.alloc(300 * 1024, 7);
  await writeFile(tarball, bytes);
  await host.upload(tarball, join(root, 'incoming/1.0.tar'), [root]).then(
    () => assert.fail('the incoming dir does not exist yet'),
    (error: unknown) => assert.ok(isRewindError(error) && error.code === 'STEP_FAILED', String(error)),
  );
  const files = host.files([root]);
  await files.mkdir(join(root, 'incoming'));
  await files.upload(tarball, join(root, 'incoming/1.0.tar'));
  assert.ok((await readFile(join(root, 'incoming/1.0.tar'))).equals(bytes));
  // Without roots: the roots of the files() made on this host.
  await host.upload(tarball, join(root, 'incoming/1.1.tar'));
  assert.deepEqual(await files.list(join(root, 'incoming')), ['1.0.tar', '1.1.tar']);
  await assert.rejects(host.upload(tarball, join(outside, 'x.tar'), [root]), refused(host.label));
  await assert.rejects(host.upload(tarball, join(outside, 'x.tar')), refused(host.label));
  await assert.rejects(files.upload(join(local, 'missing.tar'), join(root, 'incoming/2.tar')), (error: unknown) => isRewindError(error) && /missing\.tar/.test(error.message));
  assert.deepEqual(await files.list(join(root, 'incoming')), ['1.0.tar', '1.1.tar'], 'no temporary file left');
  assert.deepEqual(await files.list(outside), ['keep.txt']);
});

each('SFTP failures other than "missing" are one-line errors naming the host and path', async (t, way) => {
  const { host, root } = await setup(t, way);
  const files = host.files([root]);
  await mkdir(join(root, 'dir'));
  await assert.rejects(files.readFile(join(root, 'dir')), (error: unknown) => {
    assert.ok(isRewindError(error));
    assert.equal(error.code, 'STEP_FAILED');
    assert.ok(error.message.startsWith(`${host.label}: cannot read ${join(root, 'dir')}`), error.message);
    return true;
  });
});
