/**
 * Issue 13, item 5, through the real CLI: a deploy whose receiver URL has
 * user:password@ in it. The alert reaches a real HTTP receiver on loopback
 * with the credentials as Basic auth, and they are nowhere in what rewind
 * prints or keeps (reports, ledger, audit log).
 */
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { rewind } from '../helpers/cli.js';
import { MINIMAL_CONFIG } from '../helpers/minimalConfig.js';
import { tempDir } from '../helpers/tmp.js';
import { startReceiver } from '../notify/receiver.js';

const PASSWORD = 'hunter2-s3cret';
const BASIC = Buffer.from(`alertbot:${PASSWORD}`).toString('base64');

/** Every file under `dir`, read as text (the SQLite ledger included: a secret in it would show as its bytes). */
async function everything(dir: string): Promise<string> {
  const names = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = names.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  return (await Promise.all(files.map((file) => readFile(file, 'latin1')))).join('\n');
}

test('deploy.failed reaches a webhook whose URL holds credentials, as Basic auth; they are kept nowhere', async (t) => {
  const hook = await startReceiver(t);
  const dir = await tempDir(t);
  await mkdir(join(dir, 'build', 'v1'), { recursive: true });
  await writeFile(join(dir, 'build', 'v1', 'index.js'), 'console.log("v1")\n');
  const url = `http://alertbot:${PASSWORD}@127.0.0.1:${hook.port}/hooks/rewind`;
  await writeFile(join(dir, 'rewind.yaml'), `${MINIMAL_CONFIG}    smoke: [["false"]]\n    notify:\n      - { type: webhook, url: "${url}", events: [deploy.failed] }\n`);

  const run = await rewind(dir, ['deploy', 'v1', '--no-auto-rollback', '--json']);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.equal(hook.received.length, 1, 'the alert arrived');
  const [request] = hook.received;
  assert.equal(request?.path, '/hooks/rewind');
  assert.equal(request?.authorization, `Basic ${BASIC}`);
  assert.equal((request?.body as { event?: string }).event, 'deploy.failed');

  const history = await rewind(dir, ['history', '--json']);
  const kept = [run.stdout, run.stderr, history.stdout, await everything(join(dir, '.rewind'))].join('\n');
  assert.match(kept, /deploy/);
  for (const secret of [PASSWORD, BASIC, `alertbot:${PASSWORD}`]) assert.ok(!kept.includes(secret), `${secret} was kept`);
});
