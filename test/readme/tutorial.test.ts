import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);
const repo = join(import.meta.dirname, '..', '..');

/** The shell blocks of the README's tutorial, in order, as a new user would paste them. */
async function tutorialScript(): Promise<string> {
  const readme = await readFile(join(repo, 'README.md'), 'utf8');
  const start = readme.indexOf('<!-- tutorial:start -->');
  const end = readme.indexOf('<!-- tutorial:end -->');
  assert.ok(start > 0 && end > start, 'README has tutorial markers');
  const blocks = [...readme.slice(start, end).matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.length >= 4);
  return blocks.join('\n');
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

test('the README tutorial works exactly as written', async (t) => {
  if (!(await portFree(3000))) {
    if (process.env.CI) assert.fail('port 3000, which the tutorial uses, is taken');
    t.skip('SKIPPED LOUDLY: port 3000, which the tutorial uses, is taken on this machine');
    return;
  }
  // PM2's daemon lives in the temp dir: stop it before the dir goes.
  const dir = await tempDir(t, 'rewind-tutorial-', (d) => run('pm2', ['kill'], { env: { ...process.env, PATH: `${join(d, 'bin')}:${process.env.PATH}`, PM2_HOME: join(d, 'pm2') } }));
  const bin = join(dir, 'bin');
  const pm2Home = join(dir, 'pm2');
  await mkdir(bin);
  // `rewind` and `pm2` on PATH, as `npm link` and `npm install -g pm2` would put them.
  await writeFile(join(bin, 'rewind'), `#!/bin/sh\nexec "${process.execPath}" --import "${import.meta.resolve('tsx')}" "${join(repo, 'src', 'bin', 'rewind.ts')}" "$@"\n`);
  await writeFile(join(bin, 'pm2'), `#!/bin/sh\nexec "${process.execPath}" "${join(repo, 'node_modules', 'pm2', 'bin', 'pm2')}" "$@"\n`);
  await chmod(join(bin, 'rewind'), 0o755);
  await chmod(join(bin, 'pm2'), 0o755);
  const script = join(dir, 'tutorial.sh');
  await writeFile(script, await tutorialScript());
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, PM2_HOME: pm2Home, REWIND_USER: 'new-user@example.com' };

  const { stdout } = await run('bash', [script], { cwd: dir, env, maxBuffer: 16 * 1024 * 1024, timeout: 120_000 });
  assert.match(stdout, /deployed v1 \([0-9a-f]{7}\): verified/);
  assert.match(stdout, /deployed v2 \([0-9a-f]{7}\): verified/);
  assert.match(stdout, /deploy of v3 .* FAILED: .*reports oops at "sha"/);
  assert.match(stdout, /rolled back to v2: verified, running v2/);
  assert.match(stdout, /Rollback plan: hello production, v3 -> v2/);
  assert.match(stdout, /rolled back production from v3 to v2 in [\d.]+s: verified, running v2/);

  const v2 = (await run('git', ['-C', join(dir, 'hello'), 'rev-parse', 'v2'])).stdout.trim();
  const lastCurl = stdout.trim().split('\n').at(-1) as string;
  assert.deepEqual(JSON.parse(lastCurl), { status: 'ok', sha: v2 });
});
