import assert from 'node:assert/strict';
import { chmod, mkdir, readdir, readFile, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { isRewindError } from '../../../src/core/errors.js';
import { createLocalExec } from '../../../src/exec/localExec.js';
import { connectTo, sshdSkipReason, startSshd, type SshdOptions } from '../../helpers/sshd.js';
import { tempDir } from '../../helpers/tmp.js';

/**
 * What only the exec transport has to get right, against real sshds with
 * and without `Subsystem sftp` (sshFiles.test.ts runs the guard's own tests
 * on both): choosing it, hostile names, content that is long, binary,
 * damaged on the way or too big for the disk, and the server's channel limit.
 */
const skip = sshdSkipReason();
const exec = createLocalExec();

async function host(t: TestContext, options: SshdOptions & { maxChannels?: number } = {}) {
  const sshd = await startSshd(t, options);
  const notes: string[] = [];
  const connected = await connectTo(t, sshd, { onNote: (text) => notes.push(text), maxChannels: options.maxChannels });
  const root = join(sshd.dir, 'root');
  await mkdir(root);
  return { sshd, host: connected, notes, root, files: connected.files([root]) };
}

const sshdSaid = async (logFile: string, pattern: RegExp): Promise<number> =>
  (await readFile(logFile, 'utf8')).split('\n').filter((line) => pattern.test(line)).length;

test('the transport is chosen once per connection: SFTP where the server has it, exec where it refuses it, said once', { skip }, async (t) => {
  for (const sftp of [true, false]) {
    const { sshd, host: connected, notes, root, files } = await host(t, { sftp });
    const other = connected.files([root]);
    for (let i = 0; i < 5; i += 1) {
      await files.writeFileAtomic(join(root, `f${i}.json`), `{"i":${i}}`);
      assert.equal(await other.readFile(join(root, `f${i}.json`)), `{"i":${i}}`);
    }
    const local = await tempDir(t);
    await writeFile(join(local, 'r.tar'), 'tar');
    await connected.upload(join(local, 'r.tar'), join(root, 'r.tar'));
    assert.deepEqual(await files.list(root), ['f0.json', 'f1.json', 'f2.json', 'f3.json', 'f4.json', 'r.tar']);
    if (sftp) {
      assert.deepEqual(notes, []);
      // The SFTP session it needed anyway, and the command session: nothing else was asked of the server.
      assert.equal(await sshdSaid(sshd.logFile, /Starting session: subsystem 'sftp'/), 1);
      assert.equal(await sshdSaid(sshd.logFile, /subsystem request for sftp .*failed/), 0);
    } else {
      assert.deepEqual(notes, [`${connected.label}: no SFTP subsystem; files go over exec channels`]);
      assert.equal(await sshdSaid(sshd.logFile, /subsystem request for sftp .*failed/), 1, 'asked once, remembered');
    }
  }
});

test('a host whose SFTP subsystem program ends at once (missing or broken) is served over exec as well', { skip }, async (t) => {
  const { sshd, host: connected, notes, root, files } = await host(t, { sftp: '/bin/false' });
  await files.writeFileAtomic(join(root, 'a.json'), '{}');
  assert.equal(await files.readFile(join(root, 'a.json')), '{}');
  // A copy of a local file is what needs SFTP (other operations go to the command session first).
  const local = await tempDir(t);
  await writeFile(join(local, 'r.tar'), 'tar');
  await connected.upload(join(local, 'r.tar'), join(root, 'r.tar'));
  assert.equal(await readFile(join(root, 'r.tar'), 'utf8'), 'tar');
  assert.deepEqual(notes, [`${connected.label}: no SFTP subsystem; files go over exec channels`]);
  assert.equal(await sshdSaid(sshd.logFile, /Starting session: subsystem 'sftp'/), 1, 'tried once, remembered');
});

test('over exec, hostile names go through the guard intact and nothing in them runs', { skip }, async (t) => {
  const { root, files, host: connected } = await host(t, { sftp: false });
  const names = ["it's", '$(touch pwned)', '`touch pwned2`', '-rf', 'new\nline', '*', ' lead', 'back\\slash', '%s', "a'; touch pwned3; '"];
  for (const name of names) {
    await files.mkdir(join(root, name));
    await files.writeFile(join(root, name, name), name);
    await files.writeFileAtomic(join(root, name, 'atomic'), name);
    await files.symlink(name, join(root, `${name}.next`));
    await files.rename(join(root, `${name}.next`), join(root, `${name}.link`));
  }
  for (const name of names) {
    assert.equal(await readFile(join(root, name, name), 'utf8'), name);
    assert.equal(await files.readFile(join(root, `${name}.link`, 'atomic')), name);
    assert.equal(await files.readlink(join(root, `${name}.link`)), name);
    assert.deepEqual(await files.list(join(root, name)), ['atomic', name].sort());
  }
  assert.equal((await files.list(root)).length, names.length * 2);
  const home = (await connected.exec.run(['pwd'])).stdout.trim();
  for (const dir of [root, home]) assert.deepEqual((await readdir(dir)).filter((n) => n.startsWith('pwned')), [], `nothing ran in ${dir}`);
  await files.remove(join(root, '-rf'));
  assert.equal(await files.exists(join(root, '-rf')), false);
  assert.equal(await files.exists(join(root, '*')), true, 'a name that is a pattern removed nothing else');
});

test('over exec, long text, text with NUL and binary-looking files arrive byte for byte, both ways', { skip }, async (t) => {
  const { root, files } = await host(t, { sftp: false });
  const long = Array.from({ length: 3000 }, (_, i) => `${'0'.repeat(64)}  ./file-${i}.js`).join('\n');
  await files.writeFile(join(root, 'long.txt'), long);
  await files.writeFileAtomic(join(root, 'nul.txt'), 'a\0b\n\n');
  await files.appendFile(join(root, 'nul.txt'), '\0c');
  assert.equal(await readFile(join(root, 'long.txt'), 'utf8'), long);
  assert.equal(await readFile(join(root, 'nul.txt'), 'utf8'), 'a\0b\n\n\0c');
  assert.equal(await files.readFile(join(root, 'long.txt')), long);
  assert.equal(await files.readFile(join(root, 'nul.txt')), 'a\0b\n\n\0c');
  await writeFile(join(root, 'trailing.txt'), 'x\n\n\n');
  assert.equal(await files.readFile(join(root, 'trailing.txt')), 'x\n\n\n');
});

test('over exec, a file damaged on the way is refused and nothing of it is left', { skip }, async (t) => {
  // This host's cat changes every `a` it copies from its input: what it stores is not what was sent.
  const bin = await tempDir(t);
  await writeFile(join(bin, 'cat'), '#!/bin/sh\nif [ $# -eq 0 ]; then /bin/cat | tr a b; else exec /bin/cat "$@"; fi\n');
  await chmod(join(bin, 'cat'), 0o755);
  const { root, files } = await host(t, { sftp: false, setEnv: { PATH: `${bin}:/usr/local/bin:/usr/bin:/bin` } });
  const local = await tempDir(t);
  await writeFile(join(local, 'release.tar'), Buffer.alloc(200 * 1024, 'a'));
  await assert.rejects(files.upload(join(local, 'release.tar'), join(root, 'release.tar')), (error: unknown) => {
    assert.ok(isRewindError(error) && error.code === 'STEP_FAILED', String(error));
    assert.match(error.message, /cannot write .*release\.tar: what arrived is not what was sent: sha256 [0-9a-f]{12}\.\.\. sent, [0-9a-f]{12}\.\.\. stored/);
    return true;
  });
  assert.deepEqual(await readdir(root), [], 'no temporary file, no release.tar');
});

test('a disk that fills up while a file is shipped: the same one-line "no space left" over exec as over SFTP', { skip }, async (t) => {
  for (const sftp of [true, false]) {
    const { host: connected } = await host(t, { sftp });
    const disk = await tempDir(t, 'rewind-disk-', (dir) => exec.run(['umount', '-l', dir]));
    const mounted = await exec.run(['mount', '-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', disk]);
    if (mounted.code !== 0) return t.skip(`SKIPPED LOUDLY: cannot mount a tmpfs here (${mounted.stderr.trim()})`);
    const files = connected.files([disk]);
    const { bavail, bsize } = await statfs(disk);
    const local = await tempDir(t);
    await writeFile(join(local, 'big.tar'), Buffer.alloc(bavail * bsize + 64 * 1024, 1));
    await assert.rejects(files.upload(join(local, 'big.tar'), join(disk, 'big.tar')), (error: unknown) => {
      assert.ok(isRewindError(error) && error.code === 'STEP_FAILED', String(error));
      assert.match(error.message, /: cannot write .*big\.tar: no space left on device: \d+ KiB to write, \d+ KiB free$/);
      assert.equal(error.message.includes('\n'), false);
      return true;
    });
    assert.deepEqual(await readdir(disk), [], 'the partial file is gone');
    await files.writeFileAtomic(join(disk, 'small.json'), '{}');
    assert.equal(await readFile(join(disk, 'small.json'), 'utf8'), '{}');
  }
});

test('over exec the channels stay within the server\'s MaxSessions: the refused SFTP channel keeps its slot', { skip }, async (t) => {
  // Four slots: the command session, the refused SFTP channel, the file operations loop, and one more.
  const { root, files, host: connected } = await host(t, { sftp: false, maxSessions: 4, maxChannels: 4 });
  await files.writeFile(join(root, 'warm'), 'x');
  const local = await tempDir(t);
  await writeFile(join(local, 'r.tar'), 'tar');
  // The first sleep takes the session, the second the last slot; the upload must wait for it, not be refused.
  const sleeps = [connected.exec.run(['sleep', '2']), connected.exec.run(['sleep', '2'])];
  await new Promise((resolve) => setTimeout(resolve, 300));
  await files.upload(join(local, 'r.tar'), join(root, 'r.tar'));
  assert.deepEqual((await Promise.all(sleeps)).map((r) => r.code), [0, 0]);
  assert.equal(await readFile(join(root, 'r.tar'), 'utf8'), 'tar');
});
