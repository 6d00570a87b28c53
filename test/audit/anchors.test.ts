import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { MINIMAL_CONFIG } from '../helpers/minimalConfig.js';
import { startReceiver } from '../notify/receiver.js';
import { deployedProject } from './project.js';

test('summary.json, report.md and every webhook payload of a real rollback carry the audit head', async (t) => {
  const hook = await startReceiver(t);
  const config = MINIMAL_CONFIG.replace('    driver: releases\n',
    `    driver: releases\n    notify:\n      - { type: webhook, url: "${hook.origin}/hook", events: [rollback.started, rollback.succeeded] }\n`);
  const project = await deployedProject(t, config);
  const rows = project.auditRows();
  const byId = new Map(rows.map((row) => [row.seq, row.hash]));
  const newest = rows.at(-1)!;

  // The documents record the run's last entry: the rollback's outcome.
  assert.equal(newest.action, 'rollback.succeeded');
  assert.equal(newest.run_id, project.rollbackRunId);
  assert.deepEqual((await project.summary()).audit_head, { seq: newest.seq, hash: newest.hash });
  assert.ok((await project.reportMd()).split('\n').includes(`- audit head: ${newest.seq}:${newest.hash}`));

  // Each payload carries the head when it was sent: an entry of the chain, with its hash.
  assert.deepEqual(hook.received.map((r) => (r.body as any).event), ['rollback.started', 'rollback.succeeded']);
  const heads = hook.received.map((r) => (r.body as any).audit_head as { seq: number; hash: string });
  for (const head of heads) assert.equal(byId.get(head.seq), head.hash);
  assert.ok(heads[0]!.seq < heads[1]!.seq, 'the head moves on during the run');
  assert.equal(rows.find((row) => row.seq === heads[0]!.seq)?.action, 'rollback.started');

  // A head kept from a notification checks the chain from outside the machine.
  const kept = `${heads[1]!.seq}:${heads[1]!.hash}`;
  const good = await project.cli(['audit', 'verify', '--expect-head', kept]);
  assert.equal(good.code, 0, good.stdout + good.stderr);
  assert.match(good.stdout, /checked against 2 recorded heads/);
  const prefix = await project.cli(['audit', 'verify', '--expect-head', kept.slice(0, kept.indexOf(':') + 13)]);
  assert.equal(prefix.code, 0, prefix.stdout);

  // The reports deleted along with the newest entries: the kept head still tells (and so do the releases,
  // since the entry that marked v2 rolled back went too).
  project.tamper(`DELETE FROM audit WHERE seq >= ${heads[1]!.seq}`);
  await rm(join(project.dir, '.rewind', 'reports'), { recursive: true });
  const plain = await project.cli(['audit', 'verify']);
  assert.equal(plain.code, 1);
  assert.doesNotMatch(plain.stdout, /expect-head/);
  assert.match(plain.stdout, /^audit log altered: release \S+ \(v2, shop production\): the releases table says status rolled_back/m);
  const checked = await project.cli(['audit', 'verify', '--expect-head', kept]);
  assert.equal(checked.code, 1);
  assert.match(checked.stdout, new RegExp(`^audit log altered: entry ${heads[1]!.seq}: missing: --expect-head recorded it as the audit head, ` +
    `but the log ends at entry ${heads[1]!.seq - 1} \\(its newest entries were removed\\)$`, 'm'));
});

test('--expect-head with another hash is caught; a malformed one is refused before anything is opened', async (t) => {
  const project = await deployedProject(t);
  const newest = project.auditRows().at(-1)!;
  const wrong = await project.cli(['audit', 'verify', '--expect-head', `${newest.seq}:${'ab'.repeat(32)}`]);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stdout, new RegExp(`^audit log altered: entry ${newest.seq}: its hash is not the one --expect-head recorded \\(abababababab…\\)`, 'm'));

  for (const bad of ['17', '17:xyz', `0:${newest.hash}`, `17:${newest.hash.slice(0, 8)}`, `-1:${newest.hash}`]) {
    const run = await project.cli(['audit', 'verify', '--expect-head', bad, '--config', 'missing.yaml']);
    assert.equal(run.code, 2, bad);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, `rewind: --expect-head ${JSON.stringify(bad)} is not an audit head: expected SEQ:HASH, e.g. 17:3fa4c2d9e8b1 ` +
      '(the entry\'s seq, a colon, and its hash: 64 hex digits, or the first 12 or more)\n');
  }
});
