import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { openEnvironment } from '../../src/wiring/openEnvironment.js';
import { tempDir } from '../helpers/tmp.js';

const CONFIG = `app: shop
default_env: production
environments:
  production:
    driver: releases
    releases:
      path: ./srv/production
      source: { dir: "./build/{version}" }
  staging:
    driver: releases
    releases:
      path: ./srv/staging
      source: { dir: "./build/{version}" }
`;

test('an empty ledger is judged per environment, against what that environment\'s targets hold', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'rewind.yaml'), CONFIG);
  await mkdir(join(dir, 'build', 'v1'), { recursive: true });
  await writeFile(join(dir, 'build', 'v1', 'index.js'), 'ok\n');
  const open = (envName: string, more: { newLedger?: boolean; acceptLostLedger?: boolean } = {}) =>
    openEnvironment({ cwd: dir, envName, processEnv: { REWIND_USER: 'tester@example.com' }, ...more });
  const ledgerFile = join(dir, '.rewind', 'ledger.sqlite');

  // First use on a clean target: no flag needed, and the ledger is made.
  const first = await open('production');
  // A release made by rewind that the ledger does not know of (it was lost since, say).
  await first.targets[0]?.driver.prepare('v1');
  await first.targets[0]?.driver.activate('v1');
  await first.close();
  assert.ok(existsSync(ledgerFile));

  // The file has its schema and holds nothing of production: that is "empty", whatever the store.
  await assert.rejects(open('production'), (error: any) => {
    assert.equal(error.code, 'LEDGER_LOST');
    assert.match(error.message, /srv\/production\/releases holds 1 release made by rewind \(v1\)/);
    return true;
  });
  // staging's target is clean: a new environment in the same ledger is just new.
  await (await open('staging')).close();

  const fresh = await open('production', { newLedger: true });
  const audit = await fresh.ledger.listAudit();
  await fresh.close();
  assert.deepEqual(audit.map((e) => [e.action, e.env, e.actor]), [['ledger.started_afresh', 'production', 'tester@example.com']]);
  // The choice is kept: the next command needs no flag although the ledger still holds no release.
  await (await open('production')).close();
});
