import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { isRewindError } from '../../../src/core/errors.js';
import { TIMEOUT_EXIT_CODE } from '../../../src/exec/localExec.js';
import { CONNECTION_LOST_EXIT_CODE } from '../../../src/exec/ssh/sshExec.js';
import { connectTo, sshdSkipReason, startSshd } from '../../helpers/sshd.js';

const skip = sshdSkipReason();
const run = promisify(execFile);

/** The sshd runs on this machine, so a remote pid can be checked from here. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return check();
}

async function pidFrom(file: string): Promise<number> {
  assert.ok(await waitFor(() => readFile(file, 'utf8').then((text) => text.trim() !== '', () => false), 5000), `${file} was never written`);
  return Number((await readFile(file, 'utf8')).trim());
}

/** Established TCP connections to the port, as the kernel sees them. */
async function established(port: number): Promise<number> {
  const { stdout } = await run('ss', ['-Htn', 'state', 'established', `( dport = :${port} )`]);
  return stdout.split('\n').filter((line) => line.trim() !== '').length;
}

test('exit codes, stdout and stderr come back as they were', { skip }, async (t) => {
  const sshd = await startSshd(t);
  const host = await connectTo(t, sshd);
  const failing = await host.exec.run(['sh', '-c', 'echo out; echo boom >&2; exit 3']);
  assert.equal(failing.code, 3);
  assert.equal(failing.stdout, 'out\n');
  assert.equal(failing.stderr, 'boom\n');
  assert.deepEqual(failing.argv, ['sh', '-c', 'echo out; echo boom >&2; exit 3']);
  assert.ok(failing.durationMs >= 0 && failing.durationMs < 5000);
  assert.equal((await host.exec.run(['true'])).code, 0);
  assert.equal((await host.exec.run(['false'])).code, 1);
});

test('a command killed by a signal reports 128 + the signal number', { skip }, async (t) => {
  const sshd = await startSshd(t);
  const host = await connectTo(t, sshd);
  assert.equal((await host.exec.run(['sh', '-c', 'kill -9 $$'])).code, 137);
  assert.equal((await host.exec.run(['sh', '-c', 'kill -TERM $$'])).code, 143);
});

test('a program the host does not have is exit 127, as in a shell', { skip }, async (t) => {
  const sshd = await startSshd(t);
  const host = await connectTo(t, sshd);
  const result = await host.exec.run(['rewind-no-such-program-x1', '--flag']);
  assert.equal(result.code, 127);
  assert.match(result.stderr, /rewind-no-such-program-x1/);
});

test('cwd and env are applied; a missing cwd fails the command, not the connection', { skip }, async (t) => {
  const sshd = await startSshd(t);
  const host = await connectTo(t, sshd);
  const dir = join(sshd.dir, 'work dir');
  await mkdir(dir);
  const result = await host.exec.run(['sh', '-c', 'printf "%s|%s|%s" "$PWD" "$REWIND_T" "$HOME"'], { cwd: dir, env: { REWIND_T: 'yes' } });
  assert.equal(result.code, 0, result.stderr);
  const [cwd, value, home] = result.stdout.split('|');
  assert.equal(cwd, dir);
  assert.equal(value, 'yes');
  assert.ok(home !== undefined && home.startsWith('/'), 'the login environment is kept');
  const missing = await host.exec.run(['pwd'], { cwd: join(sshd.dir, 'nope') });
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /nope/);
  assert.equal(missing.stdout, '', 'the program did not run elsewhere');
});

test('environment values reach the command intact but never the host\'s process list', { skip }, async (t) => {
  const sshd = await startSshd(t);
  const host = await connectTo(t, sshd);
  const secret = `postgres://app:pw-${Date.now()}@db/x`;
  const odd = "it's \"$HOME\" `id` $(id);\nsecond line\n\n";
  const marker = join(sshd.dir, 'running');
  const running = host.exec.run(['sh', '-c', 'printf "%s|%s|%s" "$DB_URL" "$ODD" "$EMPTY" > "$1.out"; touch "$1"; sleep 2', '_', marker], { env: { DB_URL: secret, ODD: odd, EMPTY: '' } });
  assert.ok(await waitFor(() => readFile(marker).then(() => true, () => false), 10_000), 'the command never started');
  const { stdout: processes } = await run('ps', ['-eo', 'args']);
  assert.ok(processes.includes(marker), 'the command itself is in the process list');
  assert.ok(!processes.includes(secret), 'the value is not in the process list');
  assert.equal((await running).code, 0);
  assert.equal(await readFile(`${marker}.out`, 'utf8'), `${secret}|${odd}|`);
});

test('a timeout ends near the limit with 124 and kills the remote process tree', { skip }, async (t) => {
  const sshd = await startSshd(t);
  const host = await connectTo(t, sshd);
  const pidFile = join(sshd.dir, 'grandchild.pid');
  // Long enough for a loaded machine's login shell to start the command before the timeout hits.
  const result = await host.exec.run(['sh', '-c', `sleep 30 & echo $! > "${pidFile}"; wait`], { timeoutMs: 2000 });
  assert.equal(result.code, TIMEOUT_EXIT_CODE);
  assert.match(result.stderr, /timed out after 2000 ms on .*127\.0\.0\.1/);
  assert.ok(result.durationMs >= 1900 && result.durationMs < 8000, `took ${result.durationMs} ms`);
  const pid = await pidFrom(pidFile);
  assert.ok(await waitFor(() => !alive(pid), 8000), `remote grandchild ${pid} survived the timeout`);
});

test('a remote process that ignores SIGTERM is killed after the grace period', { skip }, async (t) => {
  const sshd = await startSshd(t);
  const host = await connectTo(t, sshd, { exec: { killGraceMs: 300 } });
  const pidFile = join(sshd.dir, 'stubborn.pid');
  const result = await host.exec.run(['sh', '-c', `trap "" TERM; sleep 30 & echo $! > "${pidFile}"; wait; wait`], { timeoutMs: 2000 });
  assert.equal(result.code, TIMEOUT_EXIT_CODE);
  assert.ok(result.durationMs < 8000, `took ${result.durationMs} ms`);
  const pid = await pidFrom(pidFile);
  assert.ok(await waitFor(() => !alive(pid), 8000), `remote child ${pid} survived KILL`);
});

test('closing the host stops commands still running on it', { skip }, async (t) => {
  const sshd = await startSshd(t);
  const host = await connectTo(t, sshd);
  const pidFile = join(sshd.dir, 'orphan.pid');
  const running = host.exec.run(['sh', '-c', `sleep 30 & echo $! > "${pidFile}"; wait`]);
  const pid = await pidFrom(pidFile);
  await host.close();
  const result = await running;
  assert.equal(result.code, CONNECTION_LOST_EXIT_CODE);
  assert.match(result.stderr, /connection .* ended before the command reported how it exited/);
  assert.ok(await waitFor(() => !alive(pid), 3000), `remote process ${pid} outlived the connection`);
});

test('a background child holding stdout does not hang the run', { skip }, async (t) => {
  const sshd = await startSshd(t);
  const host = await connectTo(t, sshd, { exec: { closeWaitMs: 200 } });
  const result = await host.exec.run(['sh', '-c', 'sleep 20 & echo $!']);
  const pid = Number(result.stdout.trim());
  try {
    assert.equal(result.code, 0);
    assert.ok(result.durationMs < 6000, `took ${result.durationMs} ms`);
  } finally {
    if (pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL');
  }
});

test('captured output keeps only the end of a long stream; secrets are redacted', { skip }, async (t) => {
  const sshd = await startSshd(t);
  const host = await connectTo(t, sshd, { secrets: ['hunter2-secret'] });
  const long = await host.exec.run(['sh', '-c', 'echo FIRST-LINE; head -c 307200 /dev/zero | tr "\\0" x; echo; echo LAST-LINE']);
  assert.equal(long.code, 0);
  assert.ok(long.stdout.length <= 64 * 1024 + 200, `kept ${long.stdout.length} chars`);
  assert.ok(long.stdout.endsWith('LAST-LINE\n'));
  assert.ok(!long.stdout.includes('FIRST-LINE'));
  assert.match(long.stdout, /earlier bytes of output dropped/);

  const secret = await host.exec.run(['sh', '-c', 'echo "$1"; echo "pw=$1" "$DEPLOY_TOKEN" >&2', 'sh', 'hunter2-secret'], { env: { DEPLOY_TOKEN: 'tok-1234567' } });
  assert.equal(secret.stdout, '***\n');
  assert.equal(secret.stderr, 'pw=*** ***\n');
  assert.deepEqual(secret.argv.slice(4), ['***']);
});

test('refusals before any channel: empty argv, NUL, a bad variable name', { skip }, async (t) => {
  const sshd = await startSshd(t);
  const host = await connectTo(t, sshd);
  await assert.rejects(host.exec.run([]), /empty command/);
  await assert.rejects(host.exec.run(['echo', 'a\0b']), /NUL/);
  await assert.rejects(host.exec.run(['true'], { env: { 'A B': 'x' } }), (error: unknown) => isRewindError(error) && error.code === 'STEP_FAILED');
});

test('20 parallel commands share one connection', { skip }, async (t) => {
  const sshd = await startSshd(t);
  const host = await connectTo(t, sshd);
  const results = Promise.all(Array.from({ length: 20 }, (_, index) => host.exec.run(['sh', '-c', `sleep 0.5; echo ${index}`])));
  // While they run: exactly one TCP connection to the server.
  await new Promise((resolve) => setTimeout(resolve, 250));
  assert.equal(await established(sshd.port), 1);
  const done = await results;
  assert.deepEqual(done.map((result) => result.stdout), Array.from({ length: 20 }, (_, index) => `${index}\n`));
  assert.ok(done.every((result) => result.code === 0));
  assert.equal(await sshd.acceptedLogins(), 1);
});

test('more commands than the server allows sessions queue instead of failing', { skip }, async (t) => {
  // OpenSSH's default MaxSessions is 10; here 3, and rewind told so.
  const sshd = await startSshd(t, { maxSessions: 3 });
  const host = await connectTo(t, sshd, { maxChannels: 3 });
  const files = host.files([sshd.dir]);
  const started = Date.now();
  const [runs, listing] = await Promise.all([
    Promise.all(Array.from({ length: 12 }, (_, index) => host.exec.run(['sh', '-c', `sleep 0.2; echo ${index}`]))),
    files.list(sshd.dir),
  ]);
  assert.ok(runs.every((result, index) => result.code === 0 && result.stdout === `${index}\n`), JSON.stringify(runs.find((result) => result.code !== 0)));
  assert.ok(listing.includes('sshd_config'));
  // Two at a time (one slot is SFTP's): at least six rounds of 0.2 s.
  assert.ok(Date.now() - started >= 1000, `took ${Date.now() - started} ms: the limit was not applied`);
  assert.equal(await sshd.acceptedLogins(), 1);
});
