import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { createGuardedFiles } from '../../src/exec/guardedFiles.js';
import { driverWriteRoots } from '../../src/wiring/targets.js';
import { rewindError } from '../helpers/driverTesting.js';
import { tempDir } from '../helpers/tmp.js';
import { minimal, writeConfig } from '../config/fixtures.js';

test("the write guard lets rewind write nginx's upstream file, and only that file of its directory", async (t) => {
  const dir = await tempDir(t);
  const confD = join(dir, 'etc', 'nginx', 'conf.d');
  await mkdir(confD, { recursive: true });
  const upstreamFile = join(confD, 'shop-upstream.conf');
  await writeConfig(dir, minimal(`    driver: releases
    releases: { path: rel, source: { dir: . } }
    health: { url: "http://127.0.0.1:{port}/health" }
    traffic:
      slots: { blue: { port: 3001 }, green: { port: 3002 } }
      proxy: { type: nginx, upstream_file: ${JSON.stringify(upstreamFile)}, upstream: shop, url: "http://127.0.0.1:8080/health" }
`));
  const { config } = await loadConfig({ cwd: dir });
  const env = config.environments.production;
  assert.ok(env);
  const roots = driverWriteRoots(env, dir);
  assert.deepEqual(roots, [join(dir, 'rel'), upstreamFile]);
  const files = createGuardedFiles(roots);
  await files.writeFileAtomic(upstreamFile, 'upstream shop {}\n');
  assert.equal(await readFile(upstreamFile, 'utf8'), 'upstream shop {}\n');
  await assert.rejects(files.writeFile(join(confD, 'default.conf'), 'x'), rewindError('WRITE_REFUSED', /outside the write roots/));
});
