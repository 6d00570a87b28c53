import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { rewind, type CliRun } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { BAD_BUILD, GOOD, makeWorld } from '../helpers/world.js';
import { MINIMAL_CONFIG } from '../helpers/minimalConfig.js';

/** A loopback port that was just free: nothing listens on it. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** One clear line on stderr, no stack trace. */
function oneLine(run: CliRun, pattern: RegExp): void {
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got:\n${run.stderr}`);
  assert.match(lines[0] as string, pattern);
  assert.doesNotMatch(run.stderr, /^\s+at /m);
}

const VALID = MINIMAL_CONFIG;

test('configuration errors: one line naming file, line and key; exit 2', async (t) => {
  const dir = await tempDir(t);
  const config = join(dir, 'rewind.yaml');

  const missing = await rewind(dir, ['status']);
  assert.equal(missing.code, 2);
  oneLine(missing, /no rewind\.yaml/i);

  await writeFile(config, 'app: shop\nenvironments:\n  production:\n    driver: releases\n   bad indent: [\n');
  const malformed = await rewind(dir, ['status']);
  assert.equal(malformed.code, 2);
  oneLine(malformed, /rewind\.yaml:\d+:\d+/);

  await writeFile(config, VALID.replace('      path: ./srv\n', '      path: ./srv\n      kep: 3\n'));
  const unknownKey = await rewind(dir, ['status']);
  assert.equal(unknownKey.code, 2);
  oneLine(unknownKey, /rewind\.yaml:7: .*unknown key "kep"/);

  await writeFile(config, `${VALID}    health:\n      url: http://127.0.0.1:1/health\n      timeout: 5 sec\n`);
  const badDuration = await rewind(dir, ['status']);
  assert.equal(badDuration.code, 2);
  oneLine(badDuration, /rewind\.yaml:10: environments\.production\.health\.timeout: expected a duration/);

  await writeFile(config, VALID);
  const unknownEnv = await rewind(dir, ['status', '--env', 'stagin']);
  assert.equal(unknownEnv.code, 2);
  oneLine(unknownEnv, /unknown environment "stagin" \(expected one of: production\)/);

  const json = await rewind(dir, ['status', '--env', 'stagin', '--json']);
  assert.equal(json.json().error.code, 'UNKNOWN_ENV');
  assert.equal(json.json().error.exit, 2);
});

test('unsafe versions are refused before anything is made', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'rewind.yaml'), VALID);
  for (const version of ['../etc', 'a;rm -rf', 'v1 v2', '-rf', 'a/b', 'x'.repeat(129), '$(id)']) {
    const run = await rewind(dir, ['deploy', version]);
    assert.equal(run.code, 2, version);
    oneLine(run, version.startsWith('-') ? /unknown option '-rf'/ : /is not a safe name/);
  }
  assert.equal(existsSync(join(dir, 'srv', 'releases')), false);
  const history = (await rewind(dir, ['history', '--json'])).json();
  assert.deepEqual(history.releases, []);
});

test('a missing source, a failing build and a refused health check each say what is wrong, and nothing broken becomes current', async (t) => {
  const world = await makeWorld(t, [GOOD('v1'), BAD_BUILD('v2')]);
  const cli = (...args: string[]) => rewind(world.root, args);

  const noTag = await cli('deploy', 'v7');
  assert.equal(noTag.code, 2);
  assert.match(noTag.stdout, /v7/);
  assert.equal(await world.current(), undefined);

  // The health endpoint refuses connections: a config that checks a port nothing listens on.
  const refusing = join(world.root, 'refusing.yaml');
  const text = await readFile(world.configFile, 'utf8');
  const closed = await closedPort();
  await writeFile(refusing, text.replace(/127\.0\.0\.1:\d+\/health/, `127.0.0.1:${closed}/health`).replace('timeout: 4s', 'timeout: 1s'));
  const refused = await cli('deploy', 'v1', '--config', refusing, '--json');
  assert.equal(refused.code, 1);
  assert.match(refused.json().error.message, new RegExp(`connection refused at http://127\\.0\\.0\\.1:${closed}/health`));
  assert.match(refused.json().rollback_skipped, /no release was live before v1/);

  const noGood = await cli('rollback', '--config', refusing);
  assert.equal(noGood.code, 4);
  oneLine(noGood, /no known good release older than v1/);

  const good = await cli('deploy', 'v1');
  assert.equal(good.code, 0, good.stderr);

  const build = await cli('deploy', 'v2');
  assert.equal(build.code, 1);
  assert.match(build.stdout, /deploy of v2 FAILED: .*node build\.js.* exited with code 1: build: cannot resolve module "left-pad"/);
  assert.equal(await world.current(), 'releases/v1');
  assert.deepEqual((await readdir(join(world.layout.deployPath, 'releases'))).filter((n) => !n.startsWith('.')), ['v1']);
  assert.equal((await world.served())?.version, 'v1');

  // Only a driver that can deprecate a version takes --deprecate-failed; nothing is planned otherwise.
  const runsBefore = (await cli('history', '--json')).json().runs.length;
  const deprecate = await cli('rollback', '--deprecate-failed', 'broken');
  assert.equal(deprecate.code, 2);
  oneLine(deprecate, /--deprecate-failed: the releases driver has no way to deprecate a version/);
  assert.equal((await cli('history', '--json')).json().runs.length, runsBefore);
});

test('record registers outside deployments; a bad sha is refused', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'rewind.yaml'), VALID);
  const ok = await rewind(dir, ['record', '--version', 'v5', '--sha', 'abcdef1234', '--status', 'verified', '--json']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.json().release.status, 'verified');
  const failed = await rewind(dir, ['record', '--version', 'v6', '--sha', 'abcdef5678', '--status', 'failed']);
  assert.equal(failed.code, 0, failed.stderr);
  const badSha = await rewind(dir, ['record', '--version', 'v7', '--sha', 'zz;top', '--status', 'verified']);
  assert.equal(badSha.code, 2);
  oneLine(badSha, /--sha "zz;top" is not a commit sha/);
  const badStatus = await rewind(dir, ['record', '--version', 'v7', '--status', 'great']);
  assert.equal(badStatus.code, 2);
  const history = (await rewind(dir, ['history', '--json'])).json();
  assert.deepEqual(history.releases.map((r: any) => [r.version, r.status, r.source]), [['v6', 'failed', 'external'], ['v5', 'verified', 'external']]);
});

test('init, config schema, --version, --help and usage errors', async (t) => {
  const dir = await tempDir(t);
  const init = await rewind(dir, ['init', '--app', 'shop']);
  assert.equal(init.code, 0, init.stderr);
  const written = await readFile(join(dir, 'rewind.yaml'), 'utf8');
  assert.match(written, /^#/m);
  const again = await rewind(dir, ['init']);
  assert.equal(again.code, 2);
  oneLine(again, /already exists|--force/);
  assert.equal(await readFile(join(dir, 'rewind.yaml'), 'utf8'), written);
  assert.equal((await rewind(dir, ['init', '--force', '--app', 'other'])).code, 0);
  assert.match(await readFile(join(dir, 'rewind.yaml'), 'utf8'), /app: other/);

  const schema = await rewind(dir, ['config', 'schema']);
  assert.equal(schema.code, 0);
  assert.ok(schema.json().properties.environments);

  const version = await rewind(dir, ['--version']);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^\d+\.\d+\.\d+/);
  assert.equal((await rewind(dir, ['--help'])).code, 0);
  assert.equal((await rewind(dir, ['rollback', '--help'])).code, 0);
  assert.equal((await rewind(dir, ['frobnicate'])).code, 2);
  assert.equal((await rewind(dir, ['status', '--bogus'])).code, 2);
});
