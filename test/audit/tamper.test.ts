import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deployedProject, recomputeChainSql, type DeployedProject } from './project.js';

/**
 * The attacks of issue 13, each as it was seen: someone with write access to
 * the ledger file edits it with SQL, then runs `rewind audit verify`.
 */

async function verifyFails(project: DeployedProject, line: RegExp): Promise<string> {
  const run = await project.cli(['audit', 'verify']);
  assert.equal(run.code, 1, `audit verify should exit 1 and it exited ${run.code}: ${run.stdout}${run.stderr}`);
  assert.match(run.stdout, line);
  const json = await project.cli(['audit', 'verify', '--json']);
  assert.equal(json.code, 1);
  assert.equal(json.json().ok, false);
  return run.stdout;
}

test('untouched, the chain, its anchors and the releases agree', async (t) => {
  const project = await deployedProject(t);
  const rows = project.auditRows();
  const run = await project.cli(['audit', 'verify']);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, new RegExp(`^audit log intact: ${rows.length} entries, head ${rows.length}:${rows.at(-1)!.hash}\n`));
  // summary.json and report.md of the rollback record the same head.
  assert.match(run.stdout, new RegExp(`^checked against 1 recorded head \\(reports/rollbacks/${project.rollbackRunId}/(summary\\.json|report\\.md) and 1 more\\)`, 'm'));
  assert.match(run.stdout, /2 releases match their audited state/);
});

test('deleting the newest entry is caught by the head the rollback report recorded', async (t) => {
  const project = await deployedProject(t);
  const newest = project.auditRows().at(-1)!.seq;
  project.tamper(`DELETE FROM audit WHERE seq = ${newest}`);
  const where = `reports/rollbacks/${project.rollbackRunId}`;
  await verifyFails(project, new RegExp(`^audit log altered: entry ${newest}: missing: ${where}/report\\.md and ${where}/summary\\.json ` +
    `recorded it as the audit head, but the log ends at entry ${newest - 1} \\(its newest entries were removed\\)$`, 'm'));
});

test('deleting the newest three entries is caught', async (t) => {
  const project = await deployedProject(t);
  const newest = project.auditRows().at(-1)!.seq;
  project.tamper(`DELETE FROM audit WHERE seq > ${newest - 3}`);
  await verifyFails(project, new RegExp(`^audit log altered: entry ${newest}: missing: .* the log ends at entry ${newest - 3}`, 'm'));
});

test('deleting every entry is caught', async (t) => {
  const project = await deployedProject(t);
  const newest = project.auditRows().at(-1)!.seq;
  project.tamper('DELETE FROM audit');
  await verifyFails(project, new RegExp(`^audit log altered: entry ${newest}: missing: .* but the log is empty`, 'm'));
});

test('editing an entry and recomputing the unkeyed chain after it is caught', async (t) => {
  const project = await deployedProject(t);
  project.tamper(`UPDATE audit SET actor = 'mallory@example.com' WHERE action = 'rollback.started'`);
  const rows = project.auditRows();
  const edited = rows.find((row) => row.action === 'rollback.started')!.seq;
  project.tamper(recomputeChainSql(rows, edited));
  // The links hold again: only the anchor outside the ledger can tell.
  await verifyFails(project, new RegExp(`^audit log altered: entry ${rows.at(-1)!.seq}: its hash is not the one ` +
    `reports/rollbacks/${project.rollbackRunId}/report\\.md and .*/summary\\.json recorded`, 'm'));
});

test('editing a release row in the releases table is caught', async (t) => {
  const project = await deployedProject(t);
  // v2 was rolled back from: make it a rollback target again.
  project.tamper(`UPDATE releases SET status = 'verified', marked_bad_at = NULL WHERE version = 'v2'`);
  const out = await verifyFails(project, /^audit log altered: release rel-\S+ \(v2, shop production\): the releases table says status verified, marked_bad_at null; the audit log \(entry \d+\) says status rolled_back, marked_bad_at \S+$/m);
  assert.doesNotMatch(out, /v1/);
});

test('a release row added behind rewind\'s back is caught', async (t) => {
  const project = await deployedProject(t);
  project.tamper(`INSERT INTO releases (id, app, env, version, sha, artifact, status, deployed_by, deployed_at, verified_at, marked_bad_at,
    activated_at, migrations, source, seq) VALUES ('rel-fake', 'shop', 'production', 'v0', NULL, NULL, 'verified', 'mallory', '2020-01-01T00:00:00.000Z',
    '2020-01-01T00:00:00.000Z', NULL, NULL, '[]', 'rewind', 0)`);
  await verifyFails(project, /^audit log altered: release rel-fake \(v0, shop production\): in the releases table but in no audit entry/m);
});
