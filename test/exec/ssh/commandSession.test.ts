/**
 * The command session (shellSession.ts) against a real sshd: commands run
 * one after another in one login shell, a busy session sends a command to a
 * channel of its own, and a host where the session cannot start still runs
 * every command. Where each command ran is told by its session id (sshd
 * makes every channel's shell a session leader).
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { TIMEOUT_EXIT_CODE } from '../../../src/exec/localExec.js';
import type { SshHost } from '../../../src/exec/ssh/connect.js';
import { connectTo, sshdSkipReason, startSshd } from '../../helpers/sshd.js';
import { tempDir } from '../../helpers/tmp.js';

const skip = sshdSkipReason();

async function sessionId(host: SshHost, extra = ''): Promise<string> {
  const result = await host.exec.run(['sh', '-c', `${extra}ps -o sid= -p $$`]);
  assert.equal(result.code, 0, result.stderr);
  return result.stdout.trim();
}

test('commands one after another run in one login shell', { skip }, async (t) => {
  const sshd = await startSshd(t);
  const host = await connectTo(t, sshd);
  const ids = [];
  for (let i = 0; i < 4; i += 1) ids.push(await sessionId(host));
  assert.equal(new Set(ids).size, 1, `session ids: ${ids.join(', ')}`);
});

test('without the session, each command has a login shell of its own', { skip }, async (t) => {
  const sshd = await startSshd(t);
  const host = await connectTo(t, sshd, { commandSession: false });
  const ids = [await sessionId(host), await sessionId(host), await sessionId(host)];
  assert.equal(new Set(ids).size, 3, `session ids: ${ids.join(', ')}`);
});

test('a command that finds the session busy runs beside it on its own channel', { skip }, async (t) => {
  const sshd = await startSshd(t);
  const host = await connectTo(t, sshd);
  const first = await sessionId(host);
  const slow = sessionId(host, 'sleep 1; ');
  const started = Date.now();
  const quick = await sessionId(host);
  assert.ok(Date.now() - started < 900, 'the quick command waited for the slow one');
  assert.notEqual(quick, first);
  assert.equal(await slow, first);
  // Idle again: back in the session.
  assert.equal(await sessionId(host), first);
});

test('what the login shell prints before the session starts reaches no command', { skip }, async (t) => {
  const banner = join(await tempDir(t), 'banner.sh');
  await writeFile(banner, 'echo "Welcome to $(hostname)"\nprintf "no newline at the end"\necho "and on stderr" >&2\n');
  const noisy = await startSshd(t, { setEnv: { BASH_ENV: banner } });
  const host = await connectTo(t, noisy);
  const result = await host.exec.run(['printf', '%s', 'only this']);
  assert.equal(result.stdout, 'only this');
  assert.equal(result.stderr, '');
  const ids = [await sessionId(host), await sessionId(host)];
  assert.equal(ids[0], ids[1]);
});

test('a host where the session cannot start runs every command on channels of its own', { skip }, async (t) => {
  // mktemp -d fails under a TMPDIR that does not exist: the runner exits before it is ready.
  const sshd = await startSshd(t, { setEnv: { TMPDIR: '/nonexistent/rewind-no-tmp' } });
  const host = await connectTo(t, sshd);
  const result = await host.exec.run(['sh', '-c', 'echo out; echo err >&2; exit 3']);
  assert.deepEqual([result.code, result.stdout, result.stderr], [3, 'out\n', 'err\n']);
  const ids = [await sessionId(host), await sessionId(host)];
  assert.notEqual(ids[0], ids[1]);
});

test('after a timeout ended the session, the next command gets a new one', { skip }, async (t) => {
  const sshd = await startSshd(t);
  const host = await connectTo(t, sshd, { exec: { killGraceMs: 200 } });
  const before = await sessionId(host);
  const timedOut = await host.exec.run(['sleep', '30'], { timeoutMs: 300 });
  assert.equal(timedOut.code, TIMEOUT_EXIT_CODE);
  assert.match(timedOut.stderr, /timed out after 300 ms/);
  const after = [await sessionId(host), await sessionId(host)];
  assert.notEqual(after[0], before);
  assert.equal(after[0], after[1]);
});

test('a command that leaves a daemon writing to its output does not disturb the next', { skip }, async (t) => {
  const sshd = await startSshd(t);
  const host = await connectTo(t, sshd);
  const first = await host.exec.run(['sh', '-c', '( sleep 0.2; echo late; echo late >&2 ) & echo now']);
  assert.equal(first.stdout, 'now\n');
  await new Promise((resolve) => setTimeout(resolve, 400));
  const second = await host.exec.run(['echo', 'second']);
  assert.deepEqual([second.code, second.stdout, second.stderr], [0, 'second\n', '']);
});
