import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { isRewindError } from '../../src/core/errors.js';
import { remoteCommand, shellQuote } from '../../src/exec/shellQuote.js';
import { connectTo, sshdSkipReason, startSshd } from '../helpers/sshd.js';
import { tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);

/** Everything a shell could interpret, and a few things a sloppy quoter would lose. */
function hostile(pwnedFile: string): string[] {
  return [
    "it's",
    "'",
    "''",
    "\\'",
    '"double" quotes',
    `$(touch ${pwnedFile})`,
    `\`touch ${pwnedFile}\``,
    '$HOME',
    '${PATH}',
    '$((1+1))',
    'a;b',
    'a|b',
    'a&b',
    'a&&b||c',
    '<in',
    '>out',
    '2>&1',
    'two\nlines',
    '\r\n',
    '*',
    '?',
    '[a-z]',
    '{a,b}',
    '~',
    '~root',
    '#not a comment',
    '!',
    '!!',
    '-rf',
    '--',
    '-',
    '',
    ' leading space',
    'trailing space ',
    'tab\there',
    '\\',
    '\\n',
    'a=b',
    '%s %d',
    'ünïcödé 😀 日本語',
    'e\u0301',
    '\u001b[31mred',
    'x'.repeat(5000),
  ];
}

/** printf '%s\0' per item: a NUL after each, so every item (even an empty one) is recoverable byte for byte. */
function splitNul(stdout: string): string[] {
  assert.ok(stdout.endsWith('\0'), 'output ends with the last NUL');
  return stdout.slice(0, -1).split('\0');
}

function refusedWith(pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(isRewindError(error), `expected a RewindError, got ${String(error)}`);
    assert.equal(error.code, 'STEP_FAILED');
    assert.match(error.message, pattern);
    return true;
  };
}

test('every item is single-quoted, with embedded quotes closed, escaped and reopened', () => {
  assert.equal(shellQuote(['a']), "'a'");
  assert.equal(shellQuote(['a b', "it's", '']), "'a b' 'it'\\''s' ''");
  assert.equal(shellQuote(['$(x)', '`y`', '-rf']), "'$(x)' '`y`' '-rf'");
  assert.equal(shellQuote([]), '');
});

test('a NUL byte is refused: a C string would cut the item short', () => {
  assert.throws(() => shellQuote(['ok', 'bad\0tail']), refusedWith(/argument 1 contains a NUL byte/));
  assert.throws(() => remoteCommand(['echo'], { cwd: '/tmp\0x' }), refusedWith(/working directory contains a NUL/));
  assert.throws(() => remoteCommand(['echo'], { env: { A: 'x\0y' } }), refusedWith(/value of A contains a NUL/));
});

test('remoteCommand: cd, then env, then the program, all quoted', () => {
  assert.equal(remoteCommand(['npm', 'ci']), "'npm' 'ci'");
  assert.equal(remoteCommand(['npm', 'ci'], { cwd: "/srv/it's" }), "cd -- '/srv/it'\\''s' && 'npm' 'ci'");
  assert.equal(remoteCommand(['pm2', 'reload'], { cwd: '/srv', env: { NODE_ENV: 'production', X_1: "a'b" } }), "cd -- '/srv' && env -- 'NODE_ENV=production' 'X_1=a'\\''b' 'pm2' 'reload'");
  assert.equal(remoteCommand(['true'], { env: {} }), "'true'");
});

test('remoteCommand refuses what cannot be said safely', () => {
  assert.throws(() => remoteCommand([]), refusedWith(/empty command/));
  assert.throws(() => remoteCommand(['']), refusedWith(/empty command/));
  assert.throws(() => remoteCommand(['x'], { cwd: '' }), refusedWith(/working directory/));
  for (const name of ['1A', 'A-B', 'A B', '', 'A=B', '$(x)', 'Ä']) {
    assert.throws(() => remoteCommand(['x'], { env: { [name]: 'v' } }), refusedWith(/environment variable name .* is not valid/), name);
  }
  assert.throws(() => remoteCommand(['a=b'], { env: { A: '1' } }), refusedWith(/contains "="/));
  // Without env(1) in front, a quoted `a=b` is a command name, not an assignment.
  assert.equal(remoteCommand(['a=b']), "'a=b'");
});

for (const shell of ['sh', 'bash', 'dash']) {
  const missing = !['/bin', '/usr/bin'].some((dir) => existsSync(join(dir, shell)));
  test(`hostile items arrive byte for byte through a real ${shell} -c`, { skip: missing ? `${shell} is not installed` : false }, async (t) => {
    const dir = await tempDir(t);
    const pwned = join(dir, 'pwned');
    const items = hostile(pwned);
    const { stdout } = await run(shell, ['-c', shellQuote(['printf', '%s\\0', ...items])], { maxBuffer: 1 << 24 });
    assert.deepEqual(splitNul(stdout), items);
    assert.equal(existsSync(pwned), false, 'nothing was executed');
  });
}

test('remoteCommand through a real sh: the directory, the variables and the argv arrive intact', async (t) => {
  const dir = await tempDir(t);
  const cwd = join(dir, "it's a $(dir) `x` ;|&");
  await mkdir(cwd);
  const items = hostile(join(dir, 'pwned'));
  const value = items.join('|');
  const script = 'printf "%s\\0" "$PWD" "$REWIND_V" "$@"';
  const { stdout } = await run('sh', ['-c', remoteCommand(['sh', '-c', script, 'sh', ...items], { cwd, env: { REWIND_V: value } })], { maxBuffer: 1 << 24 });
  assert.deepEqual(splitNul(stdout), [cwd, value, ...items]);
  assert.equal(existsSync(join(dir, 'pwned')), false);
});

test('hostile items arrive byte for byte through the real sshd', { skip: sshdSkipReason() }, async (t) => {
  const sshd = await startSshd(t);
  const host = await connectTo(t, sshd);
  const pwned = join(sshd.dir, 'pwned');
  const items = hostile(pwned);
  const result = await host.exec.run(['printf', '%s\\0', ...items]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(splitNul(result.stdout), items);
  // And as a working directory and a variable value.
  const cwd = join(sshd.dir, "it's a $(dir) `x` ;|&\nnewline");
  await mkdir(cwd);
  const value = items.join('|');
  const inside = await host.exec.run(['sh', '-c', 'printf "%s\\0" "$PWD" "$REWIND_V"'], { cwd, env: { REWIND_V: value } });
  assert.equal(inside.code, 0, inside.stderr);
  assert.deepEqual(splitNul(inside.stdout), [cwd, value]);
  assert.equal(existsSync(pwned), false, 'nothing was executed');
});
