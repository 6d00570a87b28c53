import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { createHash } from 'node:crypto';
import { GENESIS_HASH, canonicalJson, hashedFields } from '../../src/core/auditHash.js';
import { rowToAudit } from '../../src/ledger/rows.js';
import { MINIMAL_CONFIG } from '../helpers/minimalConfig.js';
import { spawnCli } from '../helpers/spawnCli.js';
import { deployedProject, recomputeChainSql } from './project.js';

/** A name that does not look secret: only audit.key_env makes rewind treat its value as one. */
const VARIABLE = 'REWIND_CHAIN_SEAL';
const KEY = 'k3y-0f-the-audit-chain-7c1e9a';
const KEYED = `${MINIMAL_CONFIG}audit:\n  key_env: ${VARIABLE}\n`;

test('a keyed chain verifies with its key, and every entry names the key without holding it', async (t) => {
  const project = await deployedProject(t, KEYED, { [VARIABLE]: KEY });
  const rows = project.auditRows();
  const keyIds = new Set(rows.map((row) => row.key_id));
  assert.equal(keyIds.size, 1);
  assert.match([...keyIds][0] ?? '', /^[0-9a-f]{16}$/);
  // Not the public sha256: without the key the first hash cannot be made again.
  const first = rowToAudit(rows[0]!);
  const unkeyed = createHash('sha256').update(GENESIS_HASH + canonicalJson(hashedFields(first))).digest('hex');
  assert.notEqual(rows[0]!.hash, unkeyed);
  const run = await project.cli(['audit', 'verify']);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /^audit log intact: /);
  const exported = (await project.cli(['audit', 'export', '--json'])).json().entries;
  assert.ok(exported.every((e: any) => e.key_id === [...keyIds][0]));
});

test('an entry edited and the chain recomputed without the key is caught, with the reports gone too', async (t) => {
  const project = await deployedProject(t, KEYED, { [VARIABLE]: KEY });
  // The attacker removes the anchors as well: the key alone must tell.
  await rm(join(project.dir, '.rewind', 'reports'), { recursive: true });
  project.tamper(`UPDATE audit SET actor = 'mallory@example.com' WHERE action = 'rollback.started'`);
  const rows = project.auditRows();
  const edited = rows.find((row) => row.action === 'rollback.started')!.seq;
  project.tamper(recomputeChainSql(rows, edited));
  const run = await project.cli(['audit', 'verify']);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.match(run.stdout, new RegExp(`^audit log altered: entry ${edited}: not keyed, though the chain is keyed from entry 1: ` +
    'it was recomputed without the key', 'm'));
});

test('recomputing with sha256 while keeping the key id is caught as an edit', async (t) => {
  const project = await deployedProject(t, KEYED, { [VARIABLE]: KEY });
  const rows = project.auditRows();
  const target = rows.find((row) => row.action === 'rollback.started')!;
  const event = { ...rowToAudit(target), actor: 'mallory@example.com' };
  const hash = createHash('sha256').update(target.prev_hash + canonicalJson(hashedFields(event))).digest('hex');
  project.tamper(`UPDATE audit SET actor = 'mallory@example.com', hash = '${hash}' WHERE seq = ${target.seq}`);
  const run = await project.cli(['audit', 'verify']);
  assert.equal(run.code, 1);
  assert.match(run.stdout, new RegExp(`^audit log altered: entry ${target.seq}: hash does not match its contents`, 'm'));
});

test('the whole chain recomputed without the key is caught by the heads the reports recorded', async (t) => {
  const project = await deployedProject(t, KEYED, { [VARIABLE]: KEY });
  project.tamper(recomputeChainSql(project.auditRows(), 1));
  const run = await project.cli(['audit', 'verify']);
  assert.equal(run.code, 1);
  assert.match(run.stdout, /^audit log altered: entry \d+: its hash is not the one reports\/rollbacks\/.* recorded/m);
});

test('without the key, with another key, or with audit.key_env removed: one clear line each, never a crash', async (t) => {
  const project = await deployedProject(t, KEYED, { [VARIABLE]: KEY });
  const entries = project.auditRows().length;
  const keyId = project.auditRows()[0]!.key_id;

  const unset = await project.cli(['audit', 'verify'], { [VARIABLE]: undefined });
  assert.equal(unset.code, 2);
  assert.equal(unset.stdout, '');
  assert.equal(unset.stderr, `rewind: ${join(project.dir, 'rewind.yaml')}: audit.key_env names ${VARIABLE}, which is not set: the audit chain ` +
    `is keyed with the key it holds; set ${VARIABLE} (or remove audit.key_env to write unkeyed entries)\n`);
  // Every command, not only verify: nothing is written that the key should have covered.
  const deploy = await project.cli(['deploy', 'v2'], { [VARIABLE]: '' });
  assert.equal(deploy.code, 2);
  assert.match(deploy.stderr, /audit\.key_env names REWIND_CHAIN_SEAL, which is not set/);
  assert.equal(project.auditRows().length, entries);

  const short = await project.cli(['status'], { [VARIABLE]: 'short' });
  assert.equal(short.code, 2);
  assert.equal(short.stderr, `rewind: ${VARIABLE} (audit.key_env) holds a key of 5 characters: expected 16 or more\n`);

  const other = await project.cli(['audit', 'verify'], { [VARIABLE]: 'another-key-of-the-same-length' });
  assert.equal(other.code, 2, other.stdout + other.stderr);
  assert.match(other.stdout, new RegExp(`^audit log not verifiable: ${entries} entries \\(1 to ${entries}\\) are keyed with key ${keyId}, ` +
    `and the key in ${VARIABLE} is key [0-9a-f]{16}: their hashes cannot be checked \\(their links were\\); ` +
    'give audit verify the key they were written with\n$'));
  const otherJson = await project.cli(['audit', 'verify', '--json'], { [VARIABLE]: 'another-key-of-the-same-length' });
  assert.equal(otherJson.code, 2);
  assert.deepEqual([otherJson.json().ok, otherJson.json().problems, otherJson.json().unchecked.count], [false, [], entries]);

  await writeFile(join(project.dir, 'rewind.yaml'), MINIMAL_CONFIG);
  const removed = await project.cli(['audit', 'verify'], { [VARIABLE]: undefined });
  assert.equal(removed.code, 2);
  assert.match(removed.stdout, /^audit log not verifiable: .* and audit\.key_env is not set: their hashes cannot be checked/);
});

test('the key never reaches a report, the ledger, the audit log or the output, even when a build prints it', async (t) => {
  const config = KEYED.replace('      source: { dir: "./build/{version}" }\n',
    '      source: { dir: "./build/{version}" }\n' +
    // Prints the key, and fails for a release holding a file named fail: a failed build's output is kept and shown.
    `      build: [["node", "-e", "console.log('seal=' + process.env.${VARIABLE}); process.exit(require('fs').existsSync('fail') ? 1 : 0)"]]\n`);
  const project = await deployedProject(t, config, { [VARIABLE]: KEY });
  // A real process whose environment holds the key, so the build really prints it.
  await mkdir(join(project.dir, 'build', 'v3'));
  await writeFile(join(project.dir, 'build', 'v3', 'fail'), '');
  const spawned = await spawnCli(project.dir, ['deploy', 'v3', '--verbose'], { [VARIABLE]: KEY });
  assert.equal(spawned.code, 1, spawned.stderr);
  // The build did print it: what reached the user, the journal and the audit log is the redacted line.
  assert.match(spawned.stdout + spawned.stderr, /seal=\*\*\*/);
  assert.ok(!(spawned.stdout + spawned.stderr).includes(KEY));
  const exported = await project.cli(['audit', 'export']);
  const verified = await project.cli(['audit', 'verify', '--json']);
  assert.equal(verified.code, 0, verified.stdout);
  for (const run of [exported, verified]) assert.ok(!(run.stdout + run.stderr).includes(KEY));
  assert.match(exported.stdout, /"action":"deploy\.failed".*seal=\*\*\*/);
  const files = await readdir(project.dir, { recursive: true, withFileTypes: true });
  let read = 0;
  for (const file of files.filter((f) => f.isFile())) {
    const bytes = await readFile(join(file.parentPath, file.name));
    assert.equal(bytes.includes(KEY), false, `${join(file.parentPath, file.name)} holds the key`);
    read += 1;
  }
  assert.ok(read >= 8, `only ${read} files were looked at`);
});
