import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { connectTo, SFTP_SERVER, sshdSkipReason, startSshd } from '../../helpers/sshd.js';
import { tempDir } from '../../helpers/tmp.js';

/**
 * File operations go to the command session while no SFTP session is open
 * (sessionFileOps.ts), against a real sshd set up like Debian's default
 * where its sftp-server is installed: what sshd logged says which sessions
 * it started, the files on disk say what was done.
 */
const skip = sshdSkipReason();
const debianSftp = existsSync(SFTP_SERVER) ? SFTP_SERVER : true;

async function host(t: TestContext) {
  const sshd = await startSshd(t, { sftp: debianSftp });
  const connected = await connectTo(t, sshd);
  const root = join(sshd.dir, 'srv');
  await mkdir(join(root, 'releases', 'v1'), { recursive: true });
  await mkdir(join(root, 'releases', 'v2'), { recursive: true });
  await writeFile(join(root, 'releases', 'v2', 'manifest.json'), '{"version":"v2"}\n');
  return { sshd, host: connected, root, files: connected.files([root]) };
}

const sessionsStarted = async (logFile: string) => {
  const lines = (await readFile(logFile, 'utf8')).split('\n');
  return {
    sftp: lines.filter((line) => /Starting session: subsystem 'sftp'/.test(line)).length,
    commands: lines.filter((line) => /Starting session: command/.test(line)).length,
  };
};

test('a switch and its reads need no SFTP session: the command session answers them, one login shell in all', { skip }, async (t) => {
  const { sshd, host: connected, root, files } = await host(t);
  assert.equal(await files.readFile(join(root, 'releases', 'v2', 'manifest.json')), '{"version":"v2"}\n');
  assert.equal(await files.exists(join(root, 'current')), false);
  await files.symlink('releases/v1', join(root, 'current'));
  await files.symlink('releases/v2', join(root, 'current.tmp'));
  await files.rename(join(root, 'current.tmp'), join(root, 'current'));
  await files.writeFileAtomic(join(root, 'state.json'), '{"live":"v2"}');
  const reload = await connected.exec.run(['readlink', join(root, 'current')]);
  assert.equal(reload.stdout.trim(), 'releases/v2');

  assert.equal(await readlink(join(root, 'current')), 'releases/v2');
  assert.equal(await readFile(join(root, 'state.json'), 'utf8'), '{"live":"v2"}');
  assert.deepEqual(await files.list(join(root, 'releases')), ['v1', 'v2']);
  assert.deepEqual(await sessionsStarted(sshd.logFile), { sftp: 0, commands: 1 });
});

test('an operation asked while a command runs opens SFTP then; operations and commands asked together each get their own answer', { skip }, async (t) => {
  const { sshd, host: connected, root, files } = await host(t);
  await connected.exec.run(['true']);
  const slow = connected.exec.run(['sh', '-c', 'sleep 0.3; echo slow']);
  // The session runs the command: this read must not wait for it, nor be mixed into its reply.
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(await files.readFile(join(root, 'releases', 'v2', 'manifest.json')), '{"version":"v2"}\n');
  assert.equal((await slow).stdout, 'slow\n');
  assert.deepEqual(await sessionsStarted(sshd.logFile), { sftp: 1, commands: 1 });

  const asked = Array.from({ length: 6 }, (_, i) => i);
  const [reads, commands] = await Promise.all([
    Promise.all(asked.map((i) => files.writeFileAtomic(join(root, `f${i}`), `file ${i}`).then(() => files.readFile(join(root, `f${i}`))))),
    Promise.all(asked.map((i) => connected.exec.run(['printf', 'command %s', String(i)]))),
  ]);
  assert.deepEqual(reads, asked.map((i) => `file ${i}`));
  assert.deepEqual(commands.map((c) => c.stdout), asked.map((i) => `command ${i}`));
});

test('before SFTP opens, hostile names and text the session cannot carry still arrive intact', { skip }, async (t) => {
  const { sshd, root, files, host: connected } = await host(t);
  const names = ["it's", '$(touch pwned)', '`touch pwned2`', '-rf', 'new\nline', ' lead', 'back\\slash', '%s'];
  for (const name of names) {
    await files.writeFileAtomic(join(root, name), name);
    assert.equal(await files.readFile(join(root, name)), name);
  }
  assert.equal(existsSync(join(root, 'pwned')) || existsSync(join(root, 'pwned2')), false);
  assert.deepEqual(await sessionsStarted(sshd.logFile), { sftp: 0, commands: 1 });
  // Over the session's limit, or holding NUL: such text goes where it can, whole.
  const long = 'x'.repeat(200 * 1024);
  await files.writeFileAtomic(join(root, 'long'), long);
  await files.writeFileAtomic(join(root, 'nul'), 'a\0b');
  assert.equal(await readFile(join(root, 'long'), 'utf8'), long);
  assert.equal(await readFile(join(root, 'nul'), 'utf8'), 'a\0b');
  assert.equal(await files.readFile(join(root, 'nul')), 'a\0b');
  const local = await tempDir(t);
  await writeFile(join(local, 'r.tar'), 'tarball');
  await connected.upload(join(local, 'r.tar'), join(root, 'r.tar'));
  assert.equal(await readFile(join(root, 'r.tar'), 'utf8'), 'tarball');
});
