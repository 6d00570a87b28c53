import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { sanitizeAppName } from '../../src/config/appName.js';
import { initConfig } from '../../src/config/init.js';
import { loadConfig } from '../../src/config/load.js';
import { parseConfigText } from '../../src/config/parse.js';
import { starterConfig } from '../../src/config/starter.js';
import { tempDir } from '../helpers/tmp.js';
import { releasesOf } from './fixtures.js';

const writeFileText = (path: string, text: string): Promise<void> => writeFile(path, text);

test('the starter config validates against the schema and has what a new user needs', () => {
  const config = parseConfigText(starterConfig({ app: 'shop' }), 'starter');
  assert.equal(config.app, 'shop');
  assert.equal(config.default_env, 'production');
  const production = config.environments.production;
  assert.equal(production?.driver, 'releases');
  assert.deepEqual(releasesOf(production)?.source, { git: '.', ref: '{version}' });
  assert.equal(production?.reload?.[0], 'pm2');
  assert.equal(production?.health?.url, 'http://127.0.0.1:3000/health');
  assert.equal(production?.health?.expect_version, 'sha');
  assert.ok((production?.smoke.length ?? 0) > 0);
});

test('the starter comments every key it sets', () => {
  const lines = starterConfig({ app: 'shop' }).split('\n');
  lines.forEach((line, index) => {
    if (/^\s*[a-z_]+:/.test(line)) assert.match(lines[index - 1] ?? '', /^\s*#/, `line ${index + 1} (${line.trim()}) has no comment above it`);
  });
});

test('the starter quotes an app name YAML would read as something else', () => {
  assert.equal(parseConfigText(starterConfig({ app: '123' }), 'starter').app, '123');
  assert.equal(parseConfigText(starterConfig({ app: 'null' }), 'starter').app, 'null');
});

test('the starter refuses an invalid app name', () => {
  assert.throws(() => starterConfig({ app: 'my app' }), { code: 'USAGE' });
});

test('init writes a rewind.yaml that loads, named after package.json', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: '@acme/web-shop' }));
  const written: string[] = [];
  const result = await initConfig({ dir, force: false, write: async (path, text) => { written.push(path); await writeFile(path, text); } });
  assert.equal(result.file, join(dir, 'rewind.yaml'));
  assert.deepEqual(written, [result.file]);
  const loaded = await loadConfig({ cwd: dir });
  assert.equal(loaded.config.app, 'web-shop');
});

test('init names the app after the directory when there is no package.json', async (t) => {
  const parent = await tempDir(t);
  const dir = join(parent, 'my service.v2');
  await mkdir(dir);
  await initConfig({ dir, force: false, write: writeFileText });
  assert.equal((await loadConfig({ cwd: dir })).config.app, 'my-service-v2');
});

test('init uses the app name it is given, and refuses an invalid one without writing', async (t) => {
  const dir = await tempDir(t);
  let writes = 0;
  const write = async (path: string, text: string): Promise<void> => { writes += 1; await writeFile(path, text); };
  await assert.rejects(initConfig({ dir, app: 'bad/name', force: false, write }), { code: 'USAGE' });
  assert.equal(writes, 0);
  await initConfig({ dir, app: 'api', force: false, write });
  assert.equal((await loadConfig({ cwd: dir })).config.app, 'api');
});

test('init refuses to overwrite rewind.yaml without force and leaves it unchanged', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'rewind.yaml'), 'app: mine\n');
  let writes = 0;
  const write = async (path: string, text: string): Promise<void> => { writes += 1; await writeFile(path, text); };
  await assert.rejects(initConfig({ dir, force: false, write }), { code: 'CONFIG_EXISTS', message: new RegExp('rewind\\.yaml already exists; pass --force') });
  assert.equal(writes, 0);
  assert.equal(await readFile(join(dir, 'rewind.yaml'), 'utf8'), 'app: mine\n');
  await initConfig({ dir, app: 'forced', force: true, write });
  assert.equal(writes, 1);
  assert.equal((await loadConfig({ cwd: dir })).config.app, 'forced');
});

test('init also refuses when a rewind.yml is there', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'rewind.yml'), 'app: mine\n');
  await assert.rejects(initConfig({ dir, force: false, write: writeFileText }), { code: 'CONFIG_EXISTS' });
});

test('sanitizeAppName', () => {
  assert.equal(sanitizeAppName('@scope/Shop_Front'), 'Shop_Front');
  assert.equal(sanitizeAppName('.hidden--dir.'), 'hidden-dir');
  assert.equal(sanitizeAppName('---'), 'app');
  assert.equal(sanitizeAppName('x'.repeat(100)).length, 64);
});
