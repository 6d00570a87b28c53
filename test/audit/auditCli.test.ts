import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { rewind } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { MINIMAL_CONFIG } from '../helpers/minimalConfig.js';

const CONFIG = MINIMAL_CONFIG;

/** A project whose ledger holds four audit entries, made through the CLI. */
async function project(t: TestContext): Promise<{ dir: string; tamper: (sql: string) => void }> {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'rewind.yaml'), CONFIG);
  for (const [version, status] of [['v1', 'verified'], ['v2', 'verified'], ['v3', 'failed'], ['v4', 'verified']] as const) {
    const run = await rewind(dir, ['record', '--version', version, '--sha', 'abcdef1', '--status', status]);
    assert.equal(run.code, 0, run.stderr);
  }
  const tamper = (sql: string) => {
    const db = new Database(join(dir, '.rewind', 'ledger.sqlite'));
    try {
      db.exec(sql);
    } finally {
      db.close();
    }
  };
  return { dir, tamper };
}

async function assertAltered(dir: string, seq: number, reason: RegExp): Promise<void> {
  const run = await rewind(dir, ['audit', 'verify']);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.match(run.stdout, new RegExp(`^audit log altered: entry ${seq}: `));
  assert.match(run.stdout, reason);
  const json = await rewind(dir, ['audit', 'verify', '--json']);
  assert.equal(json.code, 1);
  assert.equal(json.json().ok, false);
  assert.equal(json.json().first_bad.seq, seq);
}

test('an untouched log verifies, in words and in JSON', async (t) => {
  const { dir } = await project(t);
  const run = await rewind(dir, ['audit', 'verify']);
  assert.equal(run.code, 0, run.stderr);
  // Four records, and the release.state entries of the releases they made and superseded.
  const entries = (await rewind(dir, ['audit', 'export', '--json'])).json().entries;
  assert.equal(entries.filter((e: any) => e.action === 'release.recorded').length, 4);
  const head = `${entries.length}:${entries.at(-1).hash}`;
  assert.equal(run.stdout, `audit log intact: ${entries.length} entries, head ${head}\n` +
    'no recorded head to check it against (reports record one; so does --expect-head); 4 releases match their audited state\n');
  const json = await rewind(dir, ['audit', 'verify', '--json']);
  assert.equal(json.code, 0);
  assert.deepEqual(json.json(), {
    ok: true, entries: entries.length, first_bad: null, head: { seq: entries.length, hash: entries.at(-1).hash }, problems: [],
    anchors: { checked: 0, sources: [] }, releases_checked: 4, unchecked: null,
  });
  const quiet = await rewind(dir, ['audit', 'verify', '--quiet']);
  assert.equal(quiet.code, 0);
  assert.equal(quiet.stdout + quiet.stderr, '');
});

test('an edited detail is caught at that entry', async (t) => {
  const { dir, tamper } = await project(t);
  tamper(`UPDATE audit SET detail = '{"version":"v9","sha":"abcdef1","source":"external"}' WHERE seq = 2`);
  await assertAltered(dir, 2, /hash does not match/);
});

test('an edited actor is caught at that entry, and --quiet still says so on stderr', async (t) => {
  const { dir, tamper } = await project(t);
  tamper(`UPDATE audit SET actor = 'mallory@example.com' WHERE seq = 2`);
  await assertAltered(dir, 2, /edited/);
  const quiet = await rewind(dir, ['audit', 'verify', '--quiet']);
  assert.equal(quiet.code, 1);
  assert.equal(quiet.stdout, '');
  assert.match(quiet.stderr, /^audit log altered: entry 2: /);
});

test('a removed entry is named as missing', async (t) => {
  const { dir, tamper } = await project(t);
  tamper('DELETE FROM audit WHERE seq = 2');
  await assertAltered(dir, 2, /missing/);
});

test('a removed entry whose successors were renumbered is caught by the broken link', async (t) => {
  const { dir, tamper } = await project(t);
  tamper('DELETE FROM audit WHERE seq = 2; UPDATE audit SET seq = seq - 1 WHERE seq > 2');
  await assertAltered(dir, 2, /prev_hash does not match entry 1/);
});

test('swapped seq values are caught at the first swapped entry', async (t) => {
  const { dir, tamper } = await project(t);
  // seq is the primary key: swap through a value no entry has.
  tamper('UPDATE audit SET seq = -1 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = -1');
  await assertAltered(dir, 2, /prev_hash/);
});

test('swapped contents (seq kept in place) are caught at the first swapped entry', async (t) => {
  const { dir, tamper } = await project(t);
  const columns = ['at', 'actor', 'action', 'app', 'env', 'run_id', 'outcome', 'detail', 'prev_hash', 'hash'];
  const fromRow = (seq: number) => columns.map((c) => `${c} = (SELECT ${c} FROM saved WHERE seq = ${seq})`).join(', ');
  tamper(`CREATE TEMP TABLE saved AS SELECT * FROM audit WHERE seq IN (2, 3);
    UPDATE audit SET ${fromRow(3)} WHERE seq = 2;
    UPDATE audit SET ${fromRow(2)} WHERE seq = 3;`);
  await assertAltered(dir, 2, /prev_hash/);
});

test('a removed first entry is named', async (t) => {
  const { dir, tamper } = await project(t);
  tamper('DELETE FROM audit WHERE seq = 1');
  await assertAltered(dir, 1, /missing/);
});

test('export prints one parseable entry per line, oldest first', async (t) => {
  const { dir } = await project(t);
  const run = await rewind(dir, ['audit', 'export']);
  assert.equal(run.code, 0, run.stderr);
  assert.ok(run.stdout.endsWith('\n'));
  const entries = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
  assert.deepEqual(entries.map((e) => e.seq), entries.map((_, i) => i + 1));
  assert.deepEqual(Object.keys(entries[0]), ['seq', 'at', 'actor', 'action', 'app', 'env', 'run_id', 'outcome', 'detail', 'prev_hash', 'hash']);
  assert.deepEqual(entries.filter((e) => e.action === 'release.recorded').map((e) => e.detail.version), ['v1', 'v2', 'v3', 'v4']);
  assert.equal(entries[0].actor, 'tester@example.com');
  assert.equal(entries[0].prev_hash, '0'.repeat(64));
  for (let i = 1; i < entries.length; i += 1) assert.equal(entries[i].prev_hash, entries[i - 1].hash);

  const json = await rewind(dir, ['audit', 'export', '--json']);
  assert.equal(json.code, 0);
  assert.deepEqual(json.json().entries, entries);
});
