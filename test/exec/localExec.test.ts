import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRewindError } from '../../src/core/errors.js';
import { createLocalExec, TIMEOUT_EXIT_CODE } from '../../src/exec/localExec.js';
import { tempDir } from '../helpers/tmp.js';

const node = process.execPath;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return check();
}

test('arguments reach the program exactly, with no shell in between', async () => {
  const exec = createLocalExec();
  const tricky = ['a b', ';', '$(touch /tmp/rewind-pwned)', '*', '"q"', "'s'", '-rf', '|', '&&'];
  const result = await exec.run([node, '-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', ...tricky]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), tricky);
  assert.deepEqual(result.argv.slice(3), tricky);
  assert.ok(result.durationMs >= 0);
});

test('cwd is used and env is merged over process.env', async (t) => {
  const dir = await tempDir(t);
  const exec = createLocalExec();
  const script = 'process.stdout.write(JSON.stringify([process.cwd(), process.env.REWIND_T, typeof process.env.PATH]))';
  const result = await exec.run([node, '-e', script], { cwd: dir, env: { REWIND_T: 'yes' } });
  assert.deepEqual(JSON.parse(result.stdout), [dir, 'yes', 'string']);
});

test('a failing program resolves with its exit code and output', async () => {
  const exec = createLocalExec();
  const result = await exec.run([node, '-e', 'console.log("out"); console.error("boom"); process.exit(3)']);
  assert.equal(result.code, 3);
  assert.equal(result.stdout, 'out\n');
  assert.equal(result.stderr, 'boom\n');
});

test('a program killed by a signal reports 128 + the signal number', async () => {
  const exec = createLocalExec();
  const result = await exec.run(['sh', '-c', 'kill -9 $$']);
  assert.equal(result.code, 137);
});

test('a program that does not exist rejects with STEP_FAILED naming it', async () => {
  const exec = createLocalExec();
  await assert.rejects(exec.run(['rewind-no-such-program-x1', '--flag']), (error: unknown) => {
    assert.ok(isRewindError(error));
    assert.equal(error.code, 'STEP_FAILED');
    assert.match(error.message, /rewind-no-such-program-x1/);
    assert.match(error.message, /not found/);
    return true;
  });
});

test('a missing working directory is named as such, not as a missing program', async (t) => {
  const dir = await tempDir(t);
  const exec = createLocalExec();
  await assert.rejects(exec.run([node, '-e', '1'], { cwd: join(dir, 'nope') }), (error: unknown) => {
    assert.ok(isRewindError(error));
    assert.equal(error.code, 'STEP_FAILED');
    assert.match(error.message, /working directory .*nope does not exist/);
    return true;
  });
});

test('an empty command is refused', async () => {
  await assert.rejects(createLocalExec().run([]), /empty command/);
});

test('a timeout kills the whole process tree and says so', async (t) => {
  const dir = await tempDir(t);
  const pidFile = join(dir, 'grandchild.pid');
  const exec = createLocalExec({ killGraceMs: 300 });
  // The shell starts a grandchild and waits: killing only the shell would leave it running.
  const result = await exec.run(['sh', '-c', `sleep 30 & echo $! > "${pidFile}"; wait`], { timeoutMs: 400 });
  assert.equal(result.code, TIMEOUT_EXIT_CODE);
  assert.match(result.stderr, /timed out after 400 ms/);
  assert.ok(result.durationMs < 5000, `took ${result.durationMs} ms`);
  const pid = Number((await readFile(pidFile, 'utf8')).trim());
  assert.ok(pid > 0);
  assert.ok(await waitFor(() => !alive(pid), 2000), `grandchild ${pid} survived the timeout`);
});

test('a process that ignores SIGTERM is killed after the grace period', async (t) => {
  const dir = await tempDir(t);
  const pidFile = join(dir, 'child.pid');
  const exec = createLocalExec({ killGraceMs: 200 });
  const result = await exec.run(['sh', '-c', `trap "" TERM; sleep 30 & echo $! > "${pidFile}"; wait; wait`], { timeoutMs: 300 });
  assert.equal(result.code, TIMEOUT_EXIT_CODE);
  assert.ok(result.durationMs < 5000, `took ${result.durationMs} ms`);
  const pid = Number((await readFile(pidFile, 'utf8')).trim());
  assert.ok(await waitFor(() => !alive(pid), 2000), `child ${pid} survived SIGKILL`);
});

test('a background child holding stdout does not hang the run', async () => {
  const exec = createLocalExec({ closeWaitMs: 200 });
  const result = await exec.run(['sh', '-c', 'sleep 20 & echo $!']);
  const pid = Number(result.stdout.trim());
  try {
    assert.equal(result.code, 0);
    assert.ok(result.durationMs < 5000, `took ${result.durationMs} ms`);
  } finally {
    if (pid > 0) process.kill(pid, 'SIGKILL');
  }
});

test('captured output keeps only the end of a long stream', async () => {
  const exec = createLocalExec();
  const script = 'process.stdout.write("FIRST-LINE\\n" + "x".repeat(300 * 1024) + "\\nLAST-LINE\\n")';
  const result = await exec.run([node, '-e', script]);
  assert.equal(result.code, 0);
  assert.ok(result.stdout.length <= 64 * 1024 + 200, `kept ${result.stdout.length} chars`);
  assert.ok(result.stdout.endsWith('LAST-LINE\n'));
  assert.ok(!result.stdout.includes('FIRST-LINE'));
  assert.match(result.stdout, /earlier bytes of output dropped/);
});

test('secrets are redacted from stdout, stderr and the reported argv', async () => {
  const exec = createLocalExec({ secrets: ['hunter2-secret'] });
  const result = await exec.run([node, '-e', 'console.log(process.argv[1]); console.error("pw=" + process.argv[1], process.env.DEPLOY_TOKEN)', 'hunter2-secret'], {
    env: { DEPLOY_TOKEN: 'tok-1234567' },
  });
  assert.equal(result.stdout, '***\n');
  assert.equal(result.stderr, 'pw=*** ***\n');
  assert.deepEqual(result.argv.slice(3), ['***']);
});

test('a secret cut in half by truncation does not leak its tail', async () => {
  const exec = createLocalExec({ secrets: ['ABCDEFGHIJKLMNOP'], maxOutputBytes: 1024 });
  // The kept window starts 1024 bytes before the end: in the middle of the secret.
  const script = 'process.stdout.write("ABCDEFGHIJKLMNOP" + "y".repeat(1024 - 8))';
  const result = await exec.run([node, '-e', script]);
  assert.ok(!result.stdout.includes('IJKLMNOP'), result.stdout.slice(0, 120));
  assert.match(result.stdout, /\*\*\*y/);
});
