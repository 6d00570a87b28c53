import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RewindError } from '../../src/core/errors.js';
import { loadConfig } from '../../src/config/load.js';
import { tempDir } from '../helpers/tmp.js';
import { minimal, writeConfig } from './fixtures.js';

const env = (migrations: string) => minimal(`    driver: releases\n    releases: { path: rel, source: { dir: . } }\n    migrations:\n${migrations}`);

async function load(t: import('node:test').TestContext, text: string) {
  const dir = await tempDir(t);
  await writeConfig(dir, text);
  return loadConfig({ cwd: dir });
}

async function refused(t: import('node:test').TestContext, text: string): Promise<string> {
  try {
    await load(t, text);
  } catch (error) {
    assert.ok(error instanceof RewindError);
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.equal(error.exitCode, 2);
    assert.doesNotMatch(error.message, /\n/);
    return error.message;
  }
  return assert.fail('expected the config to be refused');
}

test('migrations: defaults for dir, database_url_env, reversibility and overrides', async (t) => {
  const loaded = await load(t, env('      tool: sql\n'));
  assert.deepEqual(loaded.config.environments.production?.migrations, { tool: 'sql', dir: 'db/migrations', database_url_env: 'DATABASE_URL', reversibility: 'auto', overrides: {} });
});

test('migrations: overrides per id, and the command tool with {migration} in down', async (t) => {
  const loaded = await load(t, env('      tool: command\n      status: ["tool", "status"]\n      up: ["tool", "up"]\n      down: ["tool", "down", "{migration}"]\n      reversibility: manual\n      overrides: { "003_drop_legacy": none }\n'));
  const m = loaded.config.environments.production?.migrations;
  assert.equal(m?.reversibility, 'manual');
  assert.deepEqual(m?.overrides, { '003_drop_legacy': 'none' });
});

test('migrations: an unknown tool, a bad reversibility and a missing command are one line each, naming the key', async (t) => {
  assert.match(await refused(t, env('      tool: flyway\n')), /^rewind\.yaml:\d+: environments\.production\.migrations\.tool: .*sql.*knex.*command/);
  assert.match(await refused(t, env('      tool: sql\n      overrides: { "003_x": maybe }\n')), /migrations\.overrides\.003_x: expected auto, manual or none/);
  assert.match(await refused(t, env('      tool: command\n      status: ["s"]\n      up: ["u"]\n')), /migrations\.down: tool "command" needs down: an argument array/);
  assert.match(await refused(t, env('      tool: sql\n      database_url_env: "not a name"\n')), /database_url_env: expected an environment variable name/);
});
