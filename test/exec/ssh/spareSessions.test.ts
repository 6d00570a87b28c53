import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { TIMEOUT_EXIT_CODE } from '../../../src/exec/localExec.js';
import { connectTo, sshdSkipReason, startSshd } from '../../helpers/sshd.js';

const skip = sshdSkipReason();

/**
 * Seconds since the oldest shell above this command (below sshd) started:
 * a command run in a spare session sits under a shell started at login.
 */
const SHELL_AGE = [
  'sh', '-c',
  'p=$PPID; m=0; while [ "$p" -gt 1 ]; do c=$(ps -o comm= -p "$p"); case "$c" in sshd*) break;; esac; ' +
    'e=$(ps -o etimes= -p "$p" | tr -d " "); [ "$e" -gt "$m" ] && m=$e; p=$(ps -o ppid= -p "$p" | tr -d " "); done; echo "$m"',
];

test('the first commands run in sessions whose shell started at login; later ones open their own', { skip }, async (t) => {
  const sshd = await startSshd(t);
  const host = await connectTo(t, sshd, { spareSessions: 2 });
  await sleep(2200);
  const ages = [];
  for (let i = 0; i < 3; i += 1) {
    const result = await host.exec.run(SHELL_AGE);
    assert.equal(result.code, 0, result.stderr);
    ages.push(Number(result.stdout.trim()));
  }
  assert.ok(ages[0]! >= 2 && ages[1]! >= 2, `the spares' shells are ${ages.join(', ')} s old: they were not started at login`);
  assert.ok(ages[2]! <= 1, `the third command's shell is ${ages[2]} s old: it should have had a session of its own`);
  assert.equal(await sshd.acceptedLogins(), 1);
});

test('a command in a spare session: exit code, output, cwd, env and hostile arguments as in any session', { skip }, async (t) => {
  const sshd = await startSshd(t);
  const host = await connectTo(t, sshd, { spareSessions: 2 });
  const hostile = `it's "$HOME" \`id\` $(id) ; rm -rf / \n second line \\ *`;
  const [echoed, failing] = await Promise.all([
    host.exec.run(['sh', '-c', 'printf "%s|%s|%s" "$1" "$PWD" "$GREETING"', '_', hostile], { cwd: sshd.dir, env: { GREETING: 'hi there; exit 9' } }),
    host.exec.run(['sh', '-c', 'echo out; echo boom >&2; exit 3']),
  ]);
  assert.equal(echoed.code, 0, echoed.stderr);
  assert.equal(echoed.stdout, `${hostile}|${sshd.dir}|hi there; exit 9`);
  assert.deepEqual([failing.code, failing.stdout, failing.stderr], [3, 'out\n', 'boom\n']);
});

test('a timed-out command in a spare session is killed like any other', { skip }, async (t) => {
  const sshd = await startSshd(t);
  const host = await connectTo(t, sshd, { spareSessions: 1 });
  const started = Date.now();
  const result = await host.exec.run(['sleep', '30'], { timeoutMs: 300 });
  assert.equal(result.code, TIMEOUT_EXIT_CODE);
  assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
  assert.equal((await host.exec.run(['echo', 'after'])).stdout, 'after\n');
});

test('spares never take the slots SFTP and one command need', { skip }, async (t) => {
  const sshd = await startSshd(t, { maxSessions: 2 });
  const host = await connectTo(t, sshd, { maxChannels: 2, spareSessions: 5 });
  const [listing, result] = await Promise.all([host.files([sshd.dir]).list(sshd.dir), host.exec.run(['echo', 'ok'])]);
  assert.ok(listing.includes('sshd_config'));
  assert.equal(result.stdout, 'ok\n');
});
