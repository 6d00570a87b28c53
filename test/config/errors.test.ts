import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { RewindError } from '../../src/core/errors.js';
import type { ConfigIssue } from '../../src/config/issues.js';
import { loadConfig } from '../../src/config/load.js';
import { tempDir } from '../helpers/tmp.js';
import { FULL_CONFIG, minimal, writeConfig } from './fixtures.js';

/** Load `text` as rewind.yaml and return the CONFIG_INVALID error it must raise. */
async function invalid(t: TestContext, text: string): Promise<RewindError> {
  const dir = await tempDir(t);
  await writeConfig(dir, text);
  try {
    await loadConfig({ cwd: dir });
  } catch (error) {
    assert.ok(error instanceof RewindError, `expected a RewindError, got ${String(error)}`);
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.doesNotMatch(error.message, /\n/, 'the message must be one line');
    return error;
  }
  assert.fail('the config loaded, but should have been refused');
}

const issues = (error: RewindError): ConfigIssue[] => error.details.issues as ConfigIssue[];

test('malformed YAML: file:line:col and what is wrong', async (t) => {
  const error = await invalid(t, 'app: shop\nenvironments:\n  production: [unclosed\n  staging: {}\n');
  assert.match(error.message, /^rewind\.yaml:\d+:\d+: \S/);
});

test('a duplicate key names the key and both lines', async (t) => {
  const error = await invalid(t, 'app: shop\nenvironments: {}\napp: other\n');
  assert.equal(error.message, 'rewind.yaml:3:1: duplicate key "app" (first on line 1)');
});

test('a tab used for indentation', async (t) => {
  const error = await invalid(t, 'app: shop\nenvironments:\n\tproduction: {}\n');
  assert.equal(error.message, 'rewind.yaml:3:1: tabs are not allowed for indentation in YAML; indent with spaces');
});

test('an unclosed quote is reported where it opens', async (t) => {
  const error = await invalid(t, 'app: shop\ndefault_env: "production\nenvironments: {}\n');
  assert.equal(error.message, 'rewind.yaml:2:14: this quoted string is never closed');
});

test('an alias without an anchor', async (t) => {
  const error = await invalid(t, 'app: shop\nenvironments: *envs\n');
  assert.equal(error.message, 'rewind.yaml:2:15: unknown alias *envs (no anchor &envs before it)');
});

test('an empty file and a file of comments get their own message', async (t) => {
  for (const text of ['', '# nothing yet\n']) {
    const error = await invalid(t, text);
    assert.match(error.message, /^rewind\.yaml is empty: expected a mapping with at least app and environments/);
  }
});

test('a top level that is not a mapping', async (t) => {
  assert.equal((await invalid(t, '- app: shop\n')).message, 'rewind.yaml:1: expected a mapping of keys (app, environments, ...) at the top level, not a list');
  assert.match((await invalid(t, 'shop\n')).message, /^rewind\.yaml:1: .*not a single value$/);
});

test('an unknown key at the top level is reported on its own line with the keys allowed there', async (t) => {
  const error = await invalid(t, `${FULL_CONFIG}bogus: 1\n`);
  assert.equal(error.message, 'rewind.yaml:32: unknown key "bogus" (expected one of: app, default_env, state, safety, audit, environments, pipeline)');
});

test('an unknown key in a section', async (t) => {
  const error = await invalid(t, FULL_CONFIG.replace('  dir: .rewind\n', '  dir: .rewind\n  bogus: true\n'));
  assert.equal(error.message, 'rewind.yaml:6: state: unknown key "bogus" (expected one of: backend, url, dir)');
});

test('an unknown key deep inside an environment', async (t) => {
  const error = await invalid(t, FULL_CONFIG.replace('      successes: 2\n', '      successes: 2\n      retries: 3\n'));
  assert.equal(error.message, 'rewind.yaml:26: environments.production.health: unknown key "retries" (expected one of: url, expect_status, expect_version, timeout, interval, successes)');
  assert.deepEqual(issues(error), [{ line: 26, path: 'environments.production.health', message: 'unknown key "retries" (expected one of: url, expect_status, expect_version, timeout, interval, successes)' }]);
});

test('an unknown key in a source lists the keys of the form being used', async (t) => {
  const error = await invalid(t, FULL_CONFIG.replace('source: { git: ., ref: "{version}" }', 'source: { git: ., branch: main }'));
  assert.equal(error.message, 'rewind.yaml:15: environments.production.releases.source: unknown key "branch" (expected one of: git, ref)');
});

test('a missing required key is reported at the mapping that should hold it', async (t) => {
  const error = await invalid(t, minimal('    driver: releases\n    releases:\n      keep: 3\n      source: { dir: . }\n'));
  assert.equal(error.message, 'rewind.yaml:5: environments.production.releases: missing required key "path"');
});

test('a missing top-level key', async (t) => {
  const error = await invalid(t, '# my app\nenvironments:\n  production:\n    driver: releases\n    releases: { path: rel, source: { dir: . } }\n');
  assert.equal(error.message, 'rewind.yaml:2: missing required key "app"');
});

test('a wrong type names what was expected and what was given', async (t) => {
  const error = await invalid(t, FULL_CONFIG.replace('expect_status: 200', 'expect_status: "ok"'));
  assert.equal(error.message, 'rewind.yaml:21: environments.production.health.expect_status: expected a number (got "ok")');
});

test('an empty section', async (t) => {
  const error = await invalid(t, minimal('    driver: releases\n    releases:\n'));
  assert.equal(error.message, 'rewind.yaml:5: environments.production.releases: expected a mapping (key: value) (got an empty value)');
});

test('a bad duration', async (t) => {
  const error = await invalid(t, FULL_CONFIG.replace('timeout: 30s', 'timeout: 5 sec'));
  assert.equal(error.message, 'rewind.yaml:23: environments.production.health.timeout: expected a duration such as "250ms", "30s" or "5m" (got "5 sec")');
});

test('a bare number where a duration belongs', async (t) => {
  const error = await invalid(t, FULL_CONFIG.replace('interval: 250ms', 'interval: 250'));
  assert.equal(error.message, 'rewind.yaml:24: environments.production.health.interval: expected a duration such as "250ms", "30s" or "5m" (got 250)');
});

test('an unknown placeholder in a command is reported at that item', async (t) => {
  const error = await invalid(t, FULL_CONFIG.replace('smoke: [["npm", "run", "smoke"]]', 'smoke:\n      - ["npm", "run", "smoke"]\n      - ["curl", "{base_url}/ping"]'));
  assert.equal(error.message, 'rewind.yaml:28: environments.production.smoke[1][1]: unknown placeholder {base_url} (expected one of: {version} {sha} {release_dir} {previous_release_dir} {env} {app} {host} {slot} {port})');
});

test('a shell string where a command belongs', async (t) => {
  const error = await invalid(t, FULL_CONFIG.replace('reload: ["pm2", "startOrReload", "ecosystem.config.cjs", "--update-env"]', 'reload: pm2 reload shop'));
  assert.equal(error.message, 'rewind.yaml:18: environments.production.reload: expected a command as an argument array such as ["npm", "ci"], not a shell string (got "pm2 reload shop")');
});

test('one command where a list of commands belongs is one problem, with the fix', async (t) => {
  const error = await invalid(t, FULL_CONFIG.replace('smoke: [["npm", "run", "smoke"]]', 'smoke: ["npm", "run", "smoke"]'));
  assert.equal(error.message, 'rewind.yaml:26: environments.production.smoke: expected a list of commands; wrap this one command in another [ ]: [["npm", "run", "smoke"]]');
});

test('default_env naming an environment that does not exist', async (t) => {
  const error = await invalid(t, FULL_CONFIG.replace('default_env: production', 'default_env: prod'));
  assert.equal(error.message, 'rewind.yaml:2: default_env: unknown environment "prod" (expected one of: production, staging)');
});

test('a bad environment name and an unknown driver', async (t) => {
  assert.equal((await invalid(t, FULL_CONFIG.replace('  staging:', '  "stag ing":'))).message, 'rewind.yaml:27: environments["stag ing"]: expected an environment name of up to 64 letters, digits, "_" or "-", starting with a letter or digit');
  assert.equal((await invalid(t, minimal('    driver: nomad\n'))).message, 'rewind.yaml:4: environments.production.driver: expected one of: releases, git, docker, kubernetes, npm, archive, command (got "nomad")');
});

test('two environments marked default', async (t) => {
  const text = FULL_CONFIG.replace('default_env: production\n', '').replace('    hosts: [local]\n', '    hosts: [local]\n    default: true\n').replace('      source: { dir: ./build }\n', '      source: { dir: ./build }\n    default: true\n');
  const error = await invalid(t, text);
  assert.equal(error.message, 'rewind.yaml:32: environments.staging.default: only one environment may be marked default: true (found: production, staging)');
});

test('several problems: the first in document order, then how many more; all in details.issues', async (t) => {
  const text = `app: shop
state:
  backend: mysql
environments:
  production:
    driver: releases
    releases:
      source: { dir: . }
    health:
      url: http://127.0.0.1:3000/health
      timeout: soon
    colour: blue
`;
  const error = await invalid(t, text);
  assert.equal(error.message, 'rewind.yaml:3: state.backend: expected one of: sqlite, postgres (got "mysql") (and 3 more problems)');
  assert.deepEqual(issues(error), [
    { line: 3, path: 'state.backend', message: 'expected one of: sqlite, postgres (got "mysql")' },
    { line: 7, path: 'environments.production.releases', message: 'missing required key "path"' },
    { line: 11, path: 'environments.production.health.timeout', message: 'expected a duration such as "250ms", "30s" or "5m" (got "soon")' },
    { line: 12, path: 'environments.production', message: 'unknown key "colour" (expected one of: driver, hosts, ssh, concurrency, canary, batch, default, releases, git, docker, kubernetes, npm, archive, command, reload, health, watch, traffic, migrations, smoke, diagnostics, diagnostics_timeout, approval, sla, notify, env)' },
  ]);
  assert.equal(error.details.file, 'rewind.yaml');
});
