/**
 * The command session's remote half, run by real shells on this machine
 * (dash as sh, and bash): the protocol's framing, quoting and the way a
 * session ends. The SSH side is in commandSession.test.ts.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EXIT_REQUEST, opRequest, parseDone, READY_WORD, runnerScript, runRequest, sessionScript, STOP_REQUEST, type DoneHeader } from '../../../src/exec/ssh/sessionRunner.js';
import type { FileCommand } from '../../../src/exec/ssh/fileCommands.js';
import { parseReply, type OpReply } from '../../../src/exec/ssh/opServer.js';
import { isRewindError } from '../../../src/core/errors.js';

const SHELLS = ['/bin/sh', '/bin/bash'].filter((shell) => existsSync(shell));
const TOKEN = 'abc123';

interface Runner {
  child: ChildProcessWithoutNullStreams;
  run(argv: string[], options?: { env?: Record<string, string>; cwd?: string }): Promise<{ header: DoneHeader; stdout: string; stderr: string }>;
  op(name: FileCommand, args: string[]): Promise<OpReply>;
  exited: Promise<number | null>;
}

function startRunner(t: test.TestContext, shell: string, maxOutputBytes = 1024): Promise<Runner> {
  const child = spawn(shell, ['-c', runnerScript({ token: TOKEN, killGraceMs: 300, maxOutputBytes })], { detached: true });
  t.after(() => {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // Already gone.
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let buffer = Buffer.alloc(0);
  let onData: (() => void) | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    onData?.();
  });
  const waitFor = <T>(check: () => T | undefined): Promise<T> =>
    new Promise((resolve) => {
      const attempt = (): void => {
        const value = check();
        if (value !== undefined) {
          onData = undefined;
          resolve(value);
        }
      };
      onData = attempt;
      attempt();
    });
  let id = 0;
  const runner: Runner = {
    child,
    exited,
    async run(argv, options = {}) {
      id += 1;
      child.stdin.write(runRequest(id, sessionScript(argv, options)));
      return waitFor(() => {
        const header = parseDone(buffer);
        if (header === undefined || buffer.length < header.length + header.outSent + header.errSent) return undefined;
        const body = buffer.subarray(header.length, header.length + header.outSent + header.errSent);
        buffer = buffer.subarray(header.length + header.outSent + header.errSent);
        return { header, stdout: body.subarray(0, header.outSent).toString(), stderr: body.subarray(header.outSent).toString() };
      });
    },
    async op(name, args) {
      child.stdin.write(opRequest(name, args));
      return waitFor(() => {
        const parsed = parseReply(buffer);
        if (parsed === undefined) return undefined;
        buffer = buffer.subarray(parsed.length);
        return parsed.reply;
      });
    },
  };
  const ready = `\n${READY_WORD} ${TOKEN}\n`;
  return waitFor(() => {
    const at = buffer.indexOf(ready);
    if (at === -1) return undefined;
    buffer = buffer.subarray(at + ready.length);
    return runner;
  });
}

/** Running, not a zombie waiting for a parent that is gone to be reaped. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

for (const shell of SHELLS) {
  test(`${shell}: each reply carries the status and both outputs exactly`, async (t) => {
    const runner = await startRunner(t, shell);
    const first = await runner.run(['sh', '-c', 'printf "out"; printf "err\\n\\n" >&2; exit 7']);
    assert.deepEqual([first.header.id, first.header.status, first.stdout, first.stderr], [1, 7, 'out', 'err\n\n']);
    const second = await runner.run(['printf', '%s', "it's $HOME `x` \n; rm -rf /"]);
    assert.deepEqual([second.header.id, second.header.status, second.stdout, second.stderr], [2, 0, "it's $HOME `x` \n; rm -rf /", '']);
    const missing = await runner.run(['rewind-no-such-program-x2']);
    assert.equal(missing.header.status, 127);
    const killed = await runner.run(['sh', '-c', 'kill -9 $$']);
    assert.equal(killed.header.status, 137);
  });

  test(`${shell}: environment values and the working directory arrive literally`, async (t) => {
    const runner = await startRunner(t, shell);
    const value = "a'b\"c $(echo no) `no` \\n\nline two\n\n";
    const result = await runner.run(['sh', '-c', 'printf "%s|%s" "$PWD" "$REWIND_V"'], { env: { REWIND_V: value }, cwd: '/tmp' });
    assert.equal(result.stdout, `/tmp|${value}`);
    const missingDir = await runner.run(['true'], { cwd: '/nonexistent/rewind' });
    assert.notEqual(missingDir.header.status, 0);
  });

  test(`${shell}: only the end of a long output is sent, with the full size`, async (t) => {
    const runner = await startRunner(t, shell, 100);
    const result = await runner.run(['sh', '-c', 'i=0; while [ $i -lt 50 ]; do echo "line $i"; i=$((i+1)); done']);
    assert.equal(result.header.outSent, 100);
    assert.ok(result.header.outBytes > 300);
    assert.ok(result.stdout.endsWith('line 49\n'));
    assert.equal(result.stdout.length, 100);
  });

  test(`${shell}: stop kills the running command and ends the session`, async (t) => {
    const runner = await startRunner(t, shell);
    const pending = runner.run(['sh', '-c', 'sleep 30 & echo $! >&2; wait']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const sleeper = Number(await new Promise<string>((resolve) => {
      // The pid is in the command's stderr file, which the runner sends only at the end: read it from ps instead.
      const ps = spawn('ps', ['-o', 'pid=,comm=', '-g', String(runner.child.pid)]);
      let text = '';
      ps.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      ps.once('close', () => resolve(text.split('\n').find((line) => line.trim().endsWith('sleep'))?.trim().split(/\s+/)[0] ?? '0'));
    }));
    assert.ok(sleeper > 0 && alive(sleeper), 'the command did not start');
    runner.child.stdin.write(STOP_REQUEST);
    await runner.exited;
    assert.equal(alive(sleeper), false);
    void pending.catch(() => undefined);
  });

  test(`${shell}: end of input also stops what runs; exit ends an idle session at once`, async (t) => {
    const runner = await startRunner(t, shell);
    void runner.run(['sleep', '30']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    runner.child.stdin.end();
    const started = Date.now();
    await runner.exited;
    assert.ok(Date.now() - started < 5000);

    const idle = await startRunner(t, shell);
    await idle.run(['true']);
    const exitAt = Date.now();
    idle.child.stdin.write(EXIT_REQUEST);
    assert.equal(await idle.exited, 0);
    assert.ok(Date.now() - exitAt < 250, 'exit waited for the grace period');
  });

  test(`${shell}: file operations are answered between commands, their arguments taken literally`, async (t) => {
    const runner = await startRunner(t, shell);
    const dir = mkdtempSync(join(tmpdir(), 'rewind-runner-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const name = join(dir, "it's $(touch pwned)\nline");
    assert.equal((await runner.op('writeText', [name, 'new', '', 'héllo\n\n'])).status, 0);
    assert.equal(readFileSync(name, 'utf8'), 'héllo\n\n');
    const read = await runner.op('readSized', [name]);
    assert.deepEqual([read.status, read.stdout.toString()], [0, `${Buffer.byteLength('héllo\n\n')}\nhéllo\n\n`]);
    assert.equal((await runner.op('symlink', ['target', join(dir, 'link')])).status, 0);
    const link = await runner.op('readlink', [join(dir, 'link')]);
    assert.equal(link.stdout.toString(), 'target\n');
    const missing = await runner.op('lstat', [join(dir, 'nothing')]);
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /No such file or directory/);
    // Commands keep the login shell's locale and see none of the operations' state.
    const after = await runner.run(['sh', '-c', 'printf "%s" "${LC_ALL-unset}"'], { env: {} });
    assert.equal(after.stdout, process.env.LC_ALL ?? 'unset');
    assert.equal(existsSync(join(dir, 'pwned')) || existsSync('pwned'), false);
  });

  test(`${shell}: an operation it does not know, or a malformed one, ends the session`, async (t) => {
    for (const request of ['op evil 0\n', 'op readlink x\n', 'op readlink 1\n5\nab']) {
      const runner = await startRunner(t, shell);
      runner.child.stdin.write(request);
      if (request.endsWith('ab')) runner.child.stdin.end();
      await runner.exited;
    }
  });

  test(`${shell}: a request it does not understand ends the session`, async (t) => {
    const runner = await startRunner(t, shell);
    runner.child.stdin.write('run 1; 5\nhello');
    await runner.exited;
  });
}

test('a variable name that is not an identifier, or a NUL in a value, is refused before anything is sent', () => {
  assert.throws(() => sessionScript(['true'], { env: { 'A;B': 'x' } }), (error) => isRewindError(error) && /not valid/.test(error.message));
  assert.throws(() => sessionScript(['true'], { env: { A: 'x\0y' } }), (error) => isRewindError(error) && /NUL/.test(error.message));
});

test('parseDone waits for a whole header and rejects anything else', () => {
  assert.equal(parseDone(Buffer.from('rewind-done 1 0 3')), undefined);
  assert.deepEqual(parseDone(Buffer.from('rewind-done 4 2 10 5 0 0\nhello')), { id: 4, status: 2, outBytes: 10, outSent: 5, errBytes: 0, errSent: 0, length: 25 });
  assert.throws(() => parseDone(Buffer.from('Welcome!\n')));
});
