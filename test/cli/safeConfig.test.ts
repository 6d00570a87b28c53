/**
 * Issue 13, item 5, as it was seen: `releases.path: /` wrote /releases/v1.0.0
 * and /current; `state.dir: ../..` and `health.timeout: 600h` were accepted.
 * Each is now one line naming the key, exit 2, and nothing written anywhere.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { rewind, type CliRun } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const config = (releases: string, extra = ''): string => `app: shop
${extra}environments:
  production:
    driver: releases
    releases:
      path: ${releases}
      source: { dir: "./build/{version}" }
`;

/** A project two levels below a fresh temp dir, with a v1.0.0 build ready to deploy. */
async function project(t: Parameters<typeof tempDir>[0], text: string): Promise<{ top: string; dir: string }> {
  const top = await tempDir(t, 'rewind-safeconfig-');
  const dir = join(top, 'work', 'shop');
  await mkdir(join(dir, 'build', 'v1.0.0'), { recursive: true });
  await writeFile(join(dir, 'build', 'v1.0.0', 'index.js'), 'console.log("v1")\n');
  await writeFile(join(dir, 'rewind.yaml'), text);
  return { top, dir };
}

function refused(run: CliRun, pattern: RegExp): void {
  assert.equal(run.code, 2, run.stdout + run.stderr);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got:\n${run.stderr}`);
  assert.match(lines[0] as string, pattern);
  assert.doesNotMatch(run.stderr, /^\s+at /m);
}

/** Everything under `dir`, relative, sorted: what a refused command must leave as it was. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String).sort();
}

test('releases.path: / is refused by deploy, rollback (the plan) and status before anything is written', async (t) => {
  // The unfixed tool wrote these; if they are here already the test cannot tell who made them.
  if (existsSync('/releases') || existsSync('/current') || existsSync('/shared')) {
    t.skip('/releases, /current or /shared exists on this machine');
    return;
  }
  const { top, dir } = await project(t, config('/'));
  const before = await tree(top);
  for (const args of [['deploy', 'v1.0.0'], ['rollback'], ['status']]) {
    const run = await rewind(dir, args);
    refused(run, /^rewind: rewind\.yaml:6: environments\.production\.releases\.path: "\/" is the root directory/);
    for (const written of ['/releases', '/current', '/shared']) assert.equal(existsSync(written), false, `${args[0]} made ${written}`);
    assert.deepEqual(await tree(top), before, `${args[0]} wrote into the project`);
  }
  const json = await rewind(dir, ['deploy', 'v1.0.0', '--json']);
  assert.equal(json.code, 2);
  assert.equal(json.json().error.code, 'CONFIG_INVALID');
});

test('a releases.path that is the config file\'s dir or one of its parents is refused; nothing is written', async (t) => {
  for (const path of ['.', '..', '../..']) {
    const { top, dir } = await project(t, config(path));
    const before = await tree(top);
    const run = await rewind(dir, ['deploy', 'v1.0.0']);
    refused(run, /^rewind: rewind\.yaml:6: environments\.production\.releases\.path: .* (is|holds) the directory of rewind\.yaml/);
    assert.deepEqual(await tree(top), before, `releases.path: ${path} wrote something`);
  }
});

test('state.dir: ../.. is refused before the ledger is made', async (t) => {
  const { top, dir } = await project(t, config('./srv', 'state:\n  dir: ../..\n'));
  const before = await tree(top);
  for (const args of [['deploy', 'v1.0.0'], ['status'], ['history']]) {
    const run = await rewind(dir, args);
    refused(run, /^rewind: rewind\.yaml:3: state\.dir: .* holds the directory of rewind\.yaml/);
  }
  assert.deepEqual(await tree(top), before);
});

test('health.timeout: 600h is refused with the bound', async (t) => {
  const { top, dir } = await project(t, `${config('./srv')}    health:\n      url: http://127.0.0.1:1/health\n      timeout: 600h\n`);
  const before = await tree(top);
  const run = await rewind(dir, ['deploy', 'v1.0.0']);
  refused(run, /^rewind: rewind\.yaml:10: environments\.production\.health\.timeout: expected a duration of at most 1h \(got "600h"\)$/);
  assert.deepEqual(await tree(top), before);
});
