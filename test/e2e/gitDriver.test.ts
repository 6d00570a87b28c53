import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { rewind } from '../helpers/cli.js';
import { sshdSkipReason, startSshd } from '../helpers/sshd.js';
import { tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);
const node = process.execPath;
const pm2 = join(import.meta.dirname, '..', '..', 'node_modules', 'pm2', 'bin', 'pm2');
const identity = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };

/** An app whose build refuses versions listed in a marker dir, so a test can break an old tag's build. */
function appFiles(version: string, root: string, port: number): Record<string, string> {
  return {
    'server.js': `const sha = require('node:child_process').execFileSync('git', ['rev-parse', 'HEAD'], { cwd: __dirname }).toString().trim();
require('node:http').createServer((q, s) => s.end(JSON.stringify({ version: ${JSON.stringify(version)}, sha }))).listen(${port}, '127.0.0.1');\n`,
    'build.js': `if (require('node:fs').existsSync(${JSON.stringify(join(root, 'broken'))} + '/' + process.env.REWIND_VERSION)) { console.error('cannot build ' + process.env.REWIND_VERSION); process.exitCode = 1; }\n`,
    'ecosystem.config.cjs': `module.exports = { apps: [{ name: 'gitapp', script: 'server.js', cwd: __dirname }] };\n`,
  };
}

test('the git driver over SSH: tags checked out in place, and a target that no longer builds stops the rollback with exit 4', { skip: sshdSkipReason() }, async (t) => {
  const root = await tempDir(t, 'rewind-git-e2e-', (dir) => run(node, [pm2, 'kill'], { env: { ...process.env, PM2_HOME: join(dir, 'pm2') } }));
  const sshd = await startSshd(t);
  const port = 20000 + Math.floor(Math.random() * 20000);
  const work = join(root, 'work');
  const git = (cwd: string, ...args: string[]) => run('git', ['-C', cwd, ...args], { env: { ...process.env, ...identity } });
  await mkdir(work);
  await mkdir(join(root, 'broken'));
  await git(work, 'init', '-q', '-b', 'main');
  for (const version of ['v1', 'v2']) {
    for (const [name, text] of Object.entries(appFiles(version, root, port))) await writeFile(join(work, name), text);
    await git(work, 'add', '-A');
    await git(work, 'commit', '-qm', version);
    await git(work, 'tag', version);
  }
  await run('git', ['clone', '-q', '--bare', work, join(root, 'origin.git')]);
  await run('git', ['clone', '-q', join(root, 'origin.git'), join(root, 'checkout')]);
  await writeFile(join(root, 'rewind.yaml'), `app: gitapp
environments:
  production:
    driver: git
    hosts: [${sshd.url}]
    ssh: { identity_file: ${JSON.stringify(sshd.identityFile)}, known_hosts: ${JSON.stringify(sshd.knownHostsFile)} }
    git: { path: ${JSON.stringify(join(root, 'checkout'))}, install: [], build: [[${JSON.stringify(node)}, "build.js"]] }
    reload: ["env", "PM2_HOME=${join(root, 'pm2')}", ${JSON.stringify(node)}, ${JSON.stringify(pm2)}, "startOrReload", "ecosystem.config.cjs"]
    health: { url: "http://127.0.0.1:${port}/", timeout: 5s, interval: 100ms, successes: 1 }
`);
  const cli = (...args: string[]) => rewind(root, args);
  const served = async () => JSON.parse(await (await fetch(`http://127.0.0.1:${port}/`)).text()) as { version: string; sha: string };
  const head = async () => (await git(join(root, 'checkout'), 'rev-parse', 'HEAD')).stdout.trim();
  const sha = async (tag: string) => (await git(work, 'rev-parse', `${tag}^{commit}`)).stdout.trim();

  for (const version of ['v1', 'v2']) {
    const deployed = await cli('deploy', version);
    assert.equal(deployed.code, 0, deployed.stdout + deployed.stderr);
    assert.equal(await head(), await sha(version));
    assert.deepEqual(await served(), { version, sha: await sha(version) });
  }

  // v1 no longer builds: the preflight finds out in a scratch worktree; nothing on the host changes.
  await writeFile(join(root, 'broken', 'v1'), '');
  const stopped = await cli('rollback', '--apply', '--yes', '--json');
  assert.equal(stopped.code, 4, stopped.stdout + stopped.stderr);
  assert.equal(stopped.json().error.code, 'NO_KNOWN_GOOD');
  assert.match(stopped.json().error.message, /v1 does not build either.*cannot build v1.*severity 1/);
  assert.equal(await head(), await sha('v2'));
  assert.deepEqual(await served(), { version: 'v2', sha: await sha('v2') });
  assert.match((await git(join(root, 'checkout'), 'worktree', 'list')).stdout.trim(), /^\S+\s+[0-9a-f]+ \(detached HEAD\)$/);

  // Buildable again: the rollback checks v1 out in place, rebuilds, reloads and verifies its sha.
  await run('rm', [join(root, 'broken', 'v1')]);
  const rolled = await cli('rollback', '--apply', '--yes', '--json');
  assert.equal(rolled.code, 0, rolled.stdout + rolled.stderr);
  assert.equal(await head(), await sha('v1'));
  // Before the checkout moved, the host's commit and its uncommitted changes were kept for the post-mortem.
  const reportDir = join(rolled.json().files.report_md, '..');
  const hostDir = sshd.url.replace('ssh://', '').replace(/[^A-Za-z0-9._@-]/g, '_');
  const kept = JSON.parse(await readFile(join(reportDir, 'snapshot', hostDir, 'checkout.json'), 'utf8'));
  assert.equal(kept.head, await sha('v2'));
  assert.match(kept.describe, /^v2/);
  assert.deepEqual(await served(), { version: 'v1', sha: await sha('v1') });
});
