import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { openSqliteLedger } from '../../src/ledger/sqlite.js';
import { rewind } from '../helpers/cli.js';
import { MINIMAL_CONFIG } from '../helpers/minimalConfig.js';
import { tempDir } from '../helpers/tmp.js';
import { release, run } from '../ledger/fixtures.js';

/** A ledger of 120 releases and 70 runs, all finished: `history` shows it a page at a time. */
async function project(t: Parameters<typeof tempDir>[0]): Promise<string> {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'rewind.yaml'), MINIMAL_CONFIG);
  await mkdir(join(dir, '.rewind'));
  const ledger = await openSqliteLedger(join(dir, '.rewind', 'ledger.sqlite'));
  try {
    for (let i = 0; i < 120; i++) await ledger.insertRelease(release(`r${i}`, { status: 'superseded', version: `v${i}` }));
    for (let i = 0; i < 70; i++) await ledger.insertRun(run(`u${i}`, { status: 'succeeded', kind: 'deploy' }));
  } finally {
    await ledger.close();
  }
  return dir;
}

const ids = (from: number, to: number, prefix: string) => Array.from({ length: from - to + 1 }, (_, i) => `${prefix}${from - i}`);

test('history is paged: 50 of each by default, --before goes on from a cursor, `next` says where, every entry once', async (t) => {
  const dir = await project(t);
  const page = async (...args: string[]) => {
    const shown = await rewind(dir, ['history', '--json', ...args]);
    assert.equal(shown.code, 0, shown.stderr);
    const doc = shown.json();
    return { releases: doc.releases.map((r: any) => r.release_id), runs: doc.runs.map((r: any) => r.run_id), next: doc.next };
  };
  const first = await page();
  assert.deepEqual(first, { releases: ids(119, 70, 'r'), runs: ids(69, 20, 'u'), next: { releases: 'r70', runs: 'u20' } });
  const second = await page('--before', 'r70', '--before', 'u20');
  assert.deepEqual(second, { releases: ids(69, 20, 'r'), runs: ids(19, 0, 'u'), next: { releases: 'r20', runs: null } });
  // A list without a cursor of its own is left out once paging started: nothing is shown twice.
  const third = await page('--before', second.next.releases);
  assert.deepEqual(third, { releases: ids(19, 0, 'r'), runs: [], next: { releases: null, runs: null } });
  assert.deepEqual([...first.releases, ...second.releases, ...third.releases], ids(119, 0, 'r'));
  assert.deepEqual(await page('--limit', '3', '--before', 'u5'), { releases: [], runs: ['u4', 'u3', 'u2'], next: { releases: null, runs: 'u2' } });

  const text = await rewind(dir, ['history', '--limit', '2']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^v119 +sha-r11 +superseded .* r119$/m);
  assert.doesNotMatch(text.stdout, /r117/);
  assert.match(text.stdout, /^older: rewind history --before r118 --before u68$/m);
});

test('history refuses a cursor or a limit it cannot use, in one line, exit 2', async (t) => {
  const dir = await project(t);
  const refused = async (args: string[], message: RegExp) => {
    const shown = await rewind(dir, ['history', ...args]);
    assert.equal(shown.code, 2, shown.stdout + shown.stderr);
    assert.match(shown.stderr, message);
    assert.equal(shown.stderr.split('\n').filter(Boolean).length, 1, shown.stderr);
    assert.equal(shown.stdout, '');
  };
  await refused(['--before', 'nope'], /^rewind: --before nope: no release or run with that id in production; expected an id `rewind history` lists$/m);
  await refused(['--before', 'r3', '--before', 'r4'], /^rewind: --before r4: the releases already start before r3; give one cursor per list$/m);
  await refused(['--limit', '0'], /^rewind: --limit 0: expected a whole number from 1 to 10000$/m);
  await refused(['--limit', 'ten'], /^rewind: --limit ten: expected a whole number from 1 to 10000$/m);
});
