/**
 * A private npm registry per test: verdaccio 6.8.0 (a dev dependency) on a
 * free loopback port, with no uplink (nothing leaves the machine), storage
 * and htpasswd in a temp dir, and a user made for the test, whose token it
 * returns. `publish` puts a small package version there over the registry's
 * own HTTP API, as `npm publish` would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import * as tar from 'tar';
import { freePort } from '../../src/exec/freePort.js';
import { stopChild } from './stopChild.js';
import { tempDir } from './tmp.js';

const VERDACCIO = join(import.meta.dirname, '..', '..', 'node_modules', 'verdaccio', 'bin', 'verdaccio');

export interface Verdaccio {
  url: string;
  /** The test user's token: publish, dist-tags. */
  token: string;
  dir: string;
  publish(name: string, version: string, more?: { deprecated?: string }): Promise<{ integrity: string }>;
  /** GET with the token, as JSON. */
  get(path: string): Promise<{ status: number; body: any }>;
}

export async function startVerdaccio(t: TestContext): Promise<Verdaccio> {
  let child: ChildProcess | undefined;
  const dir = await tempDir(t, 'rewind-verdaccio-', async () => {
    if (child) await stopChild(child);
  });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = join(dir, 'config.yaml');
  await writeFile(config, [
    `storage: ${JSON.stringify(join(dir, 'storage'))}`,
    'auth:', '  htpasswd:', `    file: ${JSON.stringify(join(dir, 'htpasswd'))}`, '    max_users: 10',
    'uplinks: {}',
    'packages:', "  '**':", '    access: $all', '    publish: $authenticated', '    unpublish: $authenticated',
    'log: { type: stdout, format: pretty, level: warn }',
    '',
  ].join('\n'));
  const log = openSync(join(dir, 'verdaccio.log'), 'a');
  child = spawn(process.execPath, [VERDACCIO, '--config', config, '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', log, log], detached: true, env: { ...process.env, NODE_OPTIONS: '' },
  });
  closeSync(log);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const up = await fetch(`${url}/-/ping`).then((r) => r.ok, () => false);
    if (up) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      throw new Error(`verdaccio did not start: ${(await readFile(join(dir, 'verdaccio.log'), 'utf8')).slice(-500)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const made = await fetch(`${url}/-/user/org.couchdb.user:tester`, {
    method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'tester', password: 'a test password' }),
  });
  const { token } = (await made.json()) as { token: string };
  const auth = { authorization: `Bearer ${token}` };
  return {
    url, token, dir,
    publish: async (name, version, more = {}) => {
      const tarball = await packageTarball(dir, name, version);
      const integrity = `sha512-${createHash('sha512').update(tarball).digest('base64')}`;
      const file = `${name.split('/').at(-1)}-${version}.tgz`;
      const manifest = { name, version, description: `test package ${version}`, ...(more.deprecated ? { deprecated: more.deprecated } : {}),
        dist: { integrity, shasum: createHash('sha1').update(tarball).digest('hex'), tarball: `${url}/${name}/-/${file}` } };
      const body = { _id: name, name, 'dist-tags': { latest: version }, versions: { [version]: manifest },
        _attachments: { [file]: { content_type: 'application/octet-stream', data: tarball.toString('base64'), length: tarball.length } } };
      const put = await fetch(`${url}/${name.replace('/', '%2f')}`, {
        method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body),
      });
      if (!put.ok) throw new Error(`publish ${name}@${version}: ${put.status} ${await put.text()}`);
      return { integrity };
    },
    get: async (path) => {
      const response = await fetch(`${url}${path}`, { headers: auth });
      return { status: response.status, body: await response.json().catch(() => null) };
    },
  };
}

async function packageTarball(dir: string, name: string, version: string): Promise<Buffer> {
  const root = join(dir, 'pack', `${name.replace('/', '_')}-${version}`);
  await mkdir(join(root, 'package'), { recursive: true });
  await writeFile(join(root, 'package', 'package.json'), JSON.stringify({ name, version, main: 'index.js' }));
  await writeFile(join(root, 'package', 'index.js'), `module.exports = ${JSON.stringify(version)};\n`);
  const file = join(root, 'package.tgz');
  await tar.create({ gzip: true, cwd: root, file, portable: true }, ['package']);
  return readFile(file);
}
