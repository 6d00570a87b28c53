import assert from 'node:assert/strict';
import { test } from 'node:test';
import { environmentNames, selectEnvironment } from '../../src/config/environments.js';
import type { LoadedConfig } from '../../src/config/load.js';
import { parseConfigText } from '../../src/config/parse.js';
import { resolvePaths } from '../../src/config/paths.js';
import { FULL_CONFIG, releasesOf } from './fixtures.js';

function loaded(text: string, dir = '/work/app'): LoadedConfig {
  return { file: `${dir}/rewind.yaml`, dir, config: parseConfigText(text, 'rewind.yaml') };
}

const env = (name: string, extra = ''): string => `  ${name}:\n    driver: releases\n    releases: { path: ${name}, source: { dir: . } }\n${extra}`;
const two = (header = '', extra = ''): string => `app: shop\n${header}environments:\n${env('production')}${env('staging', extra)}`;

test('environmentNames lists environments in file order', () => {
  assert.deepEqual(environmentNames(loaded(two()).config), ['production', 'staging']);
});

test('an explicit name wins over default_env', () => {
  assert.equal(selectEnvironment(loaded(two('default_env: production\n')), 'staging').name, 'staging');
});

test('default_env is used when no name is given', () => {
  const selected = selectEnvironment(loaded(two('default_env: staging\n')));
  assert.equal(selected.name, 'staging');
  assert.equal(releasesOf(selected.env)?.path, 'staging');
});

test('the environment marked default: true is used when neither name nor default_env is given', () => {
  assert.equal(selectEnvironment(loaded(two('', '    default: true\n'))).name, 'staging');
});

test('a single environment needs no naming', () => {
  assert.equal(selectEnvironment(loaded(`app: shop\nenvironments:\n${env('live')}`)).name, 'live');
});

test('several environments and no default: UNKNOWN_ENV asking for --env', () => {
  assert.throws(() => selectEnvironment(loaded(two())), (error: unknown) => {
    assert.equal((error as { code?: string }).code, 'UNKNOWN_ENV');
    assert.match((error as Error).message, /^no environment chosen: pass --env NAME \(expected one of: production, staging\)/);
    return true;
  });
});

test('an unknown name: UNKNOWN_ENV naming it and the choices', () => {
  assert.throws(() => selectEnvironment(loaded(two()), 'stagin'), { code: 'UNKNOWN_ENV', message: 'unknown environment "stagin" (expected one of: production, staging)' });
  // Inherited object properties are not environments.
  assert.throws(() => selectEnvironment(loaded(two()), 'toString'), { code: 'UNKNOWN_ENV' });
  assert.throws(() => selectEnvironment(loaded(two()), '../production'), { code: 'UNKNOWN_ENV' });
});

test('resolvePaths: state dir and write roots resolved against the config dir', () => {
  const paths = resolvePaths(loaded(FULL_CONFIG, '/work/app'));
  assert.equal(paths.configDir, '/work/app');
  assert.equal(paths.stateDir, '/work/app/.rewind');
  assert.deepEqual(paths.releasePaths, { production: '/srv/shop', staging: '/work/staging' });
  assert.deepEqual(paths.writeRoots, ['/work/app/.rewind', '/work/app/docs/deploys', '/srv/shop', '/work/staging']);
});

test('resolvePaths: a state dir outside the listed roots is still a write root', () => {
  const text = FULL_CONFIG.replace('  dir: .rewind', '  dir: /var/lib/rewind').replace('[.rewind, docs/deploys]', '[out]');
  assert.deepEqual(resolvePaths(loaded(text, '/work/app')).writeRoots, ['/work/app/out', '/var/lib/rewind', '/srv/shop', '/work/staging']);
});
