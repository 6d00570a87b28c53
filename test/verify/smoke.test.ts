import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createLocalExec } from '../../src/exec/localExec.js';
import { runSmoke } from '../../src/verify/smoke.js';
import { tempDir } from '../helpers/tmp.js';

const node = process.execPath;
const exec = createLocalExec();
const vars = { version: 'v1.2.0', sha: '9f8e7d6c5b4a', env: 'production' };

/** A command that runs a tiny script with the given arguments. */
const script = (code: string, ...args: string[]): string[] => [node, '-e', code, ...args];

test('all commands passing is ok, each with its result', async () => {
  const result = await runSmoke([script('console.log("one")'), script('console.log("two")')], { exec, vars });
  assert.equal(result.ok, true);
  assert.equal(result.reason, null);
  assert.deepEqual(result.results.map((r) => [r.code, r.outputTail]), [[0, 'one'], [0, 'two']]);
  assert.ok(result.results.every((r) => r.durationMs >= 0));
});

test('the first failure stops the run and is named with its output', async (t) => {
  const dir = await tempDir(t);
  const marker = join(dir, 'third-ran');
  const result = await runSmoke(
    [
      script('process.exit(0)'),
      script('console.error("GET /cart: 500"); process.exit(1)'),
      script('require("node:fs").writeFileSync(process.argv[1], "x")', marker),
    ],
    { exec, vars },
  );
  assert.equal(result.ok, false);
  assert.equal(result.results.length, 2);
  assert.equal(result.results[1]?.code, 1);
  assert.equal(result.results[1]?.outputTail, 'GET /cart: 500');
  assert.equal(existsSync(marker), false, 'a command after the failure ran');
  assert.match(result.reason ?? '', /^smoke command \S+ -e ".*" exited 1: GET \/cart: 500$/);
});

test('placeholders are substituted per item and never split an argument', async () => {
  const printArgs = 'console.log(JSON.stringify(process.argv.slice(1)))';
  const result = await runSmoke([script(printArgs, '{version}', 'sha={sha}', '{release_dir}', '{env} and more')], {
    exec,
    vars: { ...vars, release_dir: '/srv/a b; rm -rf /' },
  });
  assert.equal(result.ok, true, result.reason ?? '');
  assert.deepEqual(JSON.parse(result.results[0]?.outputTail ?? ''), ['v1.2.0', 'sha=9f8e7d6c5b4a', '/srv/a b; rm -rf /', 'production and more']);
  assert.deepEqual(result.results[0]?.argv.slice(3), ['v1.2.0', 'sha=9f8e7d6c5b4a', '/srv/a b; rm -rf /', 'production and more']);
});

test('commands run in the given directory with the given environment', async (t) => {
  const dir = await tempDir(t);
  const result = await runSmoke([script('console.log(process.cwd() + " " + process.env.SMOKE_TARGET)')], {
    exec,
    vars,
    cwd: dir,
    env: { SMOKE_TARGET: 'staging' },
  });
  assert.equal(result.results[0]?.outputTail, `${dir} staging`);
});

test('a program that cannot start fails with a null code and says why', async () => {
  const result = await runSmoke([['rewind-no-such-program-xyz', '--check']], { exec, vars });
  assert.equal(result.ok, false);
  assert.equal(result.results[0]?.code, null);
  assert.match(result.reason ?? '', /^smoke command rewind-no-such-program-xyz --check could not start: .*not found/);
});

test('a command that runs too long fails at the timeout', async () => {
  const started = performance.now();
  const result = await runSmoke([script('setTimeout(() => {}, 10000)')], { exec, vars, timeoutMs: 200 });
  assert.equal(result.ok, false);
  assert.notEqual(result.results[0]?.code, 0);
  assert.ok(performance.now() - started < 5000);
});

test('no commands is a pass with no results', async () => {
  assert.deepEqual(await runSmoke([], { exec, vars }), { ok: true, results: [], reason: null });
});
