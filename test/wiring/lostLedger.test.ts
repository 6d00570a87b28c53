import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { createGuardedFiles } from '../../src/exec/guardedFiles.js';
import { rebuildLedger } from '../../src/operations/lostLedger/rebuildLedger.js';
import { appendTrend } from '../../src/operations/reports/writeRollbackReports.js';
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

test('a driver that keeps no record of its own (command): the reports alone tell of the history; a rebuild has nothing to go on', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'rewind.yaml'), `app: shop
environments:
  production:
    driver: command
    command:
      activate: [["./switch.sh", "{version}"]]
      inspect: ["./live-version.sh"]
`);
  const open = (more: { acceptLostLedger?: boolean } = {}) => openEnvironment({ cwd: dir, processEnv: { REWIND_USER: 't@example.com' }, ...more });
  await (await open()).close();
  // What a deploy made with the lost ledger left in the reports dir.
  await appendTrend(createGuardedFiles([dir]), join(dir, '.rewind'), {
    at: '2026-01-01T10:00:00.000Z', runId: 'deploy-20260101-100000-aaaa', kind: 'deploy', app: 'shop', env: 'production',
    fromVersion: null, toVersion: 'v1', status: 'success', durationMs: 1000, slaSeconds: null, trigger: 'manual', requestedBy: 'a@example.com',
  });

  await assert.rejects(open(), (error: any) => {
    assert.equal(error.code, 'LEDGER_LOST');
    assert.match(error.message, /is empty but \S+\/\.rewind\/reports holds 1 run of shop production;/);
    return true;
  });
  const deps = await open({ acceptLostLedger: true });
  t.after(() => deps.close());
  await assert.rejects(rebuildLedger(deps, deps.ledgerFile), (error: any) => {
    assert.equal(error.code, 'LEDGER_REBUILD_REFUSED');
    assert.match(error.message, /the command driver keeps no record of rewind's releases on its targets: nothing to rebuild shop production from/);
    return true;
  });
  assert.deepEqual(await deps.ledger.listAudit(), [], 'nothing was written');
});
