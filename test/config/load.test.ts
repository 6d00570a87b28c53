import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { RewindError } from '../../src/core/errors.js';
import { findConfigFile, loadConfig } from '../../src/config/load.js';
import { tempDir } from '../helpers/tmp.js';
import { FULL_CONFIG, minimal, releasesOf, writeConfig } from './fixtures.js';

test('a full config loads with defaults filled and durations in milliseconds', async (t) => {
  const dir = await tempDir(t);
  const file = await writeConfig(dir, FULL_CONFIG);
  const loaded = await loadConfig({ cwd: dir });
  assert.equal(loaded.file, file);
  assert.equal(loaded.dir, dir);
  const production = loaded.config.environments.production;
  assert.equal(production?.health?.timeout, 30_000);
  assert.equal(production?.health?.interval, 250);
  assert.deepEqual(releasesOf(production)?.source, { git: '.', ref: '{version}' });
  assert.deepEqual(releasesOf(production)?.build, [['npm', 'ci', '--omit=dev'], ['npm', 'run', 'build']]);
  const staging = loaded.config.environments.staging;
  assert.deepEqual(staging?.hosts, ['local']);
  assert.equal(releasesOf(staging)?.keep, 5);
  assert.deepEqual(releasesOf(staging)?.build, []);
  assert.deepEqual(staging?.smoke, []);
  assert.equal(staging?.health, undefined);
});

test('defaults fill a minimal config, including omitted sections and health timings', async (t) => {
  const dir = await tempDir(t);
  await writeConfig(dir, minimal('    driver: releases\n    releases: { path: rel, source: { dir: . } }\n    health: { url: "http://127.0.0.1:1/h" }\n'));
  const { config } = await loadConfig({ cwd: dir });
  assert.deepEqual(config.state, { backend: 'sqlite', dir: '.rewind' });
  assert.deepEqual(config.safety, { allow_writes_only_under: ['.rewind'] });
  assert.deepEqual(config.environments.production?.health, { url: 'http://127.0.0.1:1/h', expect_status: 200, expect_version: 'sha', timeout: 30_000, interval: 250, successes: 2 });
});

test('findConfigFile walks up from a nested directory, preferring rewind.yaml over rewind.yml', async (t) => {
  const root = await tempDir(t);
  const nested = join(root, 'a', 'b', 'c');
  await mkdir(nested, { recursive: true });
  await writeConfig(root, minimal(), 'rewind.yml');
  assert.equal(findConfigFile(nested), join(root, 'rewind.yml'));
  await writeConfig(root, minimal());
  assert.equal(findConfigFile(nested), join(root, 'rewind.yaml'));
  await writeConfig(join(root, 'a'), minimal());
  assert.equal(findConfigFile(nested), join(root, 'a', 'rewind.yaml'));
  const loaded = await loadConfig({ cwd: nested });
  assert.equal(loaded.dir, join(root, 'a'));
});

test('a directory named rewind.yaml is not a config file', async (t) => {
  const root = await tempDir(t);
  await mkdir(join(root, 'sub', 'rewind.yaml'), { recursive: true });
  await writeConfig(root, minimal());
  assert.equal(findConfigFile(join(root, 'sub')), join(root, 'rewind.yaml'));
});

test('no config anywhere: CONFIG_NOT_FOUND naming the directory searched', async (t) => {
  const dir = await tempDir(t);
  // Only meaningful when nothing above the temp dir holds a config.
  if (findConfigFile(dir) !== undefined) return t.skip('a rewind.yaml exists above the temp dir');
  await assert.rejects(loadConfig({ cwd: dir }), (error: unknown) => {
    assert.ok(error instanceof RewindError);
    assert.equal(error.code, 'CONFIG_NOT_FOUND');
    assert.match(error.message, new RegExp(`no rewind\\.yaml or rewind\\.yml in ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} or any parent`));
    assert.equal(error.exitCode, 2);
    return true;
  });
});

test('--config pointing at a missing file: CONFIG_NOT_FOUND naming that path', async (t) => {
  const dir = await tempDir(t);
  await writeConfig(dir, minimal());
  await assert.rejects(loadConfig({ cwd: dir, file: 'deploy/rewind.yaml' }), (error: unknown) => {
    assert.ok(error instanceof RewindError);
    assert.equal(error.code, 'CONFIG_NOT_FOUND');
    assert.equal(error.message, `config file not found: --config deploy/rewind.yaml (${join(dir, 'deploy/rewind.yaml')})`);
    return true;
  });
});

test('--config is read relative to cwd, under any name, and named relatively in errors', async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, 'ops'));
  await writeFile(join(dir, 'ops', 'prod.yaml'), minimal());
  const loaded = await loadConfig({ cwd: dir, file: 'ops/prod.yaml' });
  assert.equal(loaded.file, join(dir, 'ops', 'prod.yaml'));
  assert.equal(loaded.dir, join(dir, 'ops'));
  await writeFile(join(dir, 'ops', 'bad.yaml'), 'app: [\n');
  await assert.rejects(loadConfig({ cwd: dir, file: 'ops/bad.yaml' }), /^RewindError: ops\/bad\.yaml:\d+:\d+: /);
});

test('--config naming a directory says so', async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, 'ops'));
  await assert.rejects(loadConfig({ cwd: dir, file: 'ops' }), { code: 'CONFIG_NOT_FOUND', message: /is a directory/ });
});
