import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { FileCommand } from '../../../src/exec/ssh/fileCommands.js';
import { encodeRequest, parseReply, serverScript, type OpReply } from '../../../src/exec/ssh/opServer.js';
import { tempDir } from '../../helpers/tmp.js';

/**
 * The file operations loop run by this machine's own /bin/sh, exactly as a
 * host's sshd would run it (`sh -c <script>`), fed requests on its stdin.
 */
interface Loop {
  ask(op: FileCommand | string, args: string[]): Promise<OpReply>;
  exited: Promise<number | null>;
  child: ChildProcess;
}

async function startLoop(t: TestContext, cwd: string): Promise<Loop> {
  const child = spawn('sh', ['-c', serverScript('tok3n')], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let buffer = Buffer.alloc(0);
  let waiting: (() => void) | undefined;
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    waiting?.();
  });
  const more = () => new Promise<void>((resolve) => {
    waiting = resolve;
  });
  while (!buffer.includes('rewind-ops-ready tok3n\n')) await Promise.race([more(), exited.then(() => assert.fail('the loop did not start'))]);
  buffer = buffer.subarray(buffer.indexOf('tok3n\n') + 6);
  return {
    child,
    exited,
    async ask(op, args) {
      child.stdin?.write(encodeRequest(op as FileCommand, args));
      for (;;) {
        const parsed = parseReply(buffer);
        if (parsed) {
          buffer = buffer.subarray(parsed.length);
          return parsed.reply;
        }
        await Promise.race([more(), exited.then(() => assert.fail('the loop ended instead of answering'))]);
      }
    },
  };
}

const HOSTILE = ["it's", 'a b', '$(touch pwned)', '`touch pwned2`', '-rf', 'new\nline', '*', 'tail\n', ' lead', 'back\\slash', '%s%n', 'ü😀'];

test('names no shell would leave alone arrive as they are, in every operation, and nothing they say is run', async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, 'd'));
  for (const name of HOSTILE) await writeFile(join(dir, 'd', name), name);
  const loop = await startLoop(t, dir);

  const listed = await loop.ask('readdir', [join(dir, 'd')]);
  assert.equal(listed.status, 0, listed.stderr);
  assert.deepEqual(listed.stdout.toString().split('/').filter(Boolean).sort(), [...HOSTILE].sort());
  for (const name of HOSTILE) {
    const path = join(dir, 'd', name);
    const read = await loop.ask('readSized', [path]);
    assert.equal(read.stdout.toString(), `${Buffer.byteLength(name)}\n${name}`);
    assert.equal((await loop.ask('realpath', [path])).stdout.toString(), `${path}\n`);
    await loop.ask('symlink', [name, join(dir, 'd', `${name}.link`)]);
    assert.equal((await loop.ask('readlink', [join(dir, 'd', `${name}.link`)])).stdout.toString(), `${name}\n`);
    assert.equal((await loop.ask('rename', [join(dir, 'd', `${name}.link`), join(dir, 'd', `${name}.moved`)])).status, 0);
  }
  // An argument that is empty, or only newlines, is still one argument.
  assert.equal((await loop.ask('realpath', [''])).status, 1);
  assert.match((await loop.ask('stat', ['\n\n'])).stderr, /No such file or directory$/);
  assert.deepEqual((await readdir(dir)).sort(), ['d'], 'nothing was created by a name');
  assert.equal((await readdir(join(dir, 'd'))).length, HOSTILE.length * 2);
});

test('text is written as sent, byte for byte, and the loop answers with the sha256 of what it stored', async (t) => {
  const dir = await tempDir(t);
  const loop = await startLoop(t, dir);
  const text = "line 1\n'quoted' \"double\" $(touch pwned) `x` \\n %s %% \\\\ ü😀\n\n\n";
  const target = join(dir, 'out.txt');
  const written = await loop.ask('writeText', [target, 'new', 'sync', text]);
  assert.equal(written.status, 0, written.stderr);
  assert.equal(await readFile(target, 'utf8'), text);
  assert.equal(written.stdout.toString().slice(0, 64), createHash('sha256').update(text).digest('hex'));
  // `new` never writes over what is there, not even through a link.
  await symlink(join(dir, 'elsewhere.txt'), join(dir, 'link.txt'));
  for (const path of [target, join(dir, 'link.txt')]) {
    const again = await loop.ask('writeText', [path, 'new', '', 'x']);
    assert.notEqual(again.status, 0, again.stdout.toString());
    assert.match(again.stderr, /exists/);
  }
  assert.equal(await readFile(target, 'utf8'), text);
  assert.equal((await loop.ask('appendText', [target, 'more'])).status, 0);
  assert.equal(await readFile(target, 'utf8'), `${text}more`);
  assert.deepEqual((await readdir(dir)).sort(), ['link.txt', 'out.txt']);
});

test('a failure answers with its status and the command\'s own last words; the loop goes on', async (t) => {
  const dir = await tempDir(t);
  const loop = await startLoop(t, dir);
  const missing = await loop.ask('lstat', [join(dir, 'nope')]);
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /No such file or directory$/);
  assert.equal(missing.stderr.includes('\n'), false);
  const notDir = await loop.ask('readdir', [join(dir, 'nope')]);
  assert.match(notDir.stderr, /No such file or directory/);
  await writeFile(join(dir, 'file'), 'x');
  assert.match((await loop.ask('readdir', [join(dir, 'file')])).stderr, /Not a directory/);
  assert.match((await loop.ask('readlink', [join(dir, 'file')])).stderr, /Invalid argument/);
  assert.match((await loop.ask('stat', [dir])).stdout.toString(), /^41[0-9a-f]{2} \d+\n$/);
});

test('a request it does not understand ends the loop, and nothing in it runs', async (t) => {
  const dir = await tempDir(t);
  for (const request of ['touch pwned\n', 'realpath\n1; touch pwned\n', 'realpath\n1\n5x\n']) {
    const loop = await startLoop(t, dir);
    loop.child.stdin?.write(request);
    assert.equal(await loop.exited, 0);
  }
  const loop = await startLoop(t, dir);
  await assert.rejects(loop.ask('touch', ['pwned']), /ended instead of answering/);
  assert.deepEqual(await readdir(dir), []);
});

test('end of input ends the loop and removes its temporary file', async (t) => {
  const dir = await tempDir(t);
  const tmp = await tempDir(t);
  const child = spawn('sh', ['-c', serverScript('tok3n')], { cwd: dir, env: { ...process.env, TMPDIR: tmp }, stdio: ['pipe', 'ignore', 'ignore'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await new Promise((resolve) => setTimeout(resolve, 300));
  child.stdin?.end();
  assert.equal(await exited, 0);
  assert.deepEqual(await readdir(tmp), []);
});

test('requests are encoded with byte counts; a NUL is refused', () => {
  assert.equal(encodeRequest('rename', ['ü', 'a\nb']).toString(), 'rename\n2\n2\nü\n3\na\nb\n');
  assert.throws(() => encodeRequest('stat', ['a\0b']), /NUL/);
  assert.equal(parseReply(Buffer.from('rewind-op 0 3 0\nab')), undefined);
  assert.deepEqual(parseReply(Buffer.from('rewind-op 1 2 3\nabxyzrest'))?.reply, { status: 1, stdout: Buffer.from('ab'), stderr: 'xyz' });
  assert.throws(() => parseReply(Buffer.from('garbage\n')), /not a reply/);
});
