import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { rewind } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

test('rewind demo deploys three versions, rolls the broken one back, and stops PM2', async (t) => {
  const parent = await tempDir(t);
  const run = await rewind(parent, ['demo', '--dir', parent, '--json']);
  assert.equal(run.code, 0, run.stderr);
  const doc = run.json();
  assert.equal(doc.ok, true);
  assert.deepEqual(doc.deploys.map((d: any) => [d.version, d.ok]), [['v1.0.0', true], ['v1.1.0', true], ['v1.2.0', false]]);
  assert.equal(doc.rollback.from_version, 'v1.2.0');
  assert.equal(doc.rollback.to_version, 'v1.1.0');
  assert.deepEqual(doc.served, doc.expected);
  assert.equal(doc.served.version, 'v1.1.0');
  assert.match(doc.served.sha, /^[0-9a-f]{40}$/);

  const summary = JSON.parse(await readFile(doc.rollback.summary, 'utf8'));
  assert.equal(summary.status, 'success');
  assert.ok(existsSync(doc.ledger));
  assert.match(await readFile(doc.rollback.report, 'utf8'), /Rollback succeeded: demo-shop production, v1\.2\.0 -> v1\.1\.0/);

  // Everything it started is stopped: the health port no longer answers, and PM2's daemon is gone.
  await assert.rejects(fetch(`http://127.0.0.1:${new URL(yamlHealthUrl(await readFile(doc.config, 'utf8'))).port}/health`, { signal: AbortSignal.timeout(1000) }));
  const pm2Pid = join(doc.dir, 'pm2', 'pm2.pid');
  assert.equal(existsSync(pm2Pid), false, 'PM2 daemon pid file should be gone after pm2 kill');

  // The demo directory is a working rewind project the user can explore.
  const history = await rewind(doc.dir, ['history', '--json']);
  assert.equal(history.json().releases[0].status, 'rolled_back');
});

test('the installed entry point exits with the code and prints no stack trace unless --verbose', async (t) => {
  const dir = await tempDir(t);
  const bin = join(import.meta.dirname, '..', '..', 'src', 'bin', 'rewind.ts');
  const run = (args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', import.meta.resolve('tsx'), bin, ...args], { cwd: dir }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
  const plain = await run(['status']);
  assert.equal(plain.code, 2);
  assert.match(plain.stderr, /^rewind: no rewind\.yaml/m);
  assert.doesNotMatch(plain.stderr, /^\s+at /m);
  const verbose = await run(['status', '--verbose']);
  assert.equal(verbose.code, 2);
  assert.match(verbose.stderr, /^\s+at /m);
});

function yamlHealthUrl(yaml: string): string {
  const match = /url: (http:\/\/\S+)/.exec(yaml);
  assert.ok(match);
  return match[1] as string;
}

test('the installed bin (the bundle npm ci builds) runs and reports errors the same way', async (t) => {
  const dir = await tempDir(t);
  const bin = join(import.meta.dirname, '..', '..', 'bin', 'rewind.js');
  const result = await promisify(execFile)(process.execPath, [bin, 'status'], { cwd: dir }).then(
    () => ({ code: 0, stderr: '' }),
    (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
  );
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^rewind: no rewind\.yaml/m);
  const version = await promisify(execFile)(process.execPath, [bin, '--version']);
  assert.equal(version.stdout.trim(), JSON.parse(await readFile(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')).version);
});


test('rewind demo --dir that does not exist: one line naming it, exit 2, nothing made', async (t) => {
  const parent = await tempDir(t);
  const missing = join(parent, 'no-such-dir');
  const run = await rewind(parent, ['demo', '--dir', missing]);
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.equal(run.stderr.trim(), `rewind: --dir ${missing}: no such directory (create it first, or leave out --dir for the OS temp dir)`);
});
