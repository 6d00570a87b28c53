import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { leaseMsFromEnv } from '../../src/core/rewindEnv.js';
import { openEnvironment } from '../../src/wiring/openEnvironment.js';
import { rejectsWith } from '../ledger/contract.js';
import { MINIMAL_CONFIG } from '../helpers/minimalConfig.js';
import { tempDir } from '../helpers/tmp.js';

test('REWIND_LEASE_MS: unset or empty means the default; a whole number of ms from 500 up; anything else is a usage error', () => {
  assert.equal(leaseMsFromEnv({}), undefined);
  assert.equal(leaseMsFromEnv({ REWIND_LEASE_MS: ' ' }), undefined);
  assert.equal(leaseMsFromEnv({ REWIND_LEASE_MS: '1500' }), 1500);
  assert.equal(leaseMsFromEnv({ REWIND_LEASE_MS: ' 120000 ' }), 120_000);
  for (const bad of ['1.5', '60s', '-1000', '499', '1e4', '0x600']) {
    assert.throws(() => leaseMsFromEnv({ REWIND_LEASE_MS: bad }), rejectsWith('USAGE', /^REWIND_LEASE_MS must be a whole number of milliseconds, at least 500 \(default 60000\), got "/), bad);
  }
});

test('openEnvironment hands REWIND_LEASE_MS to the operations as leaseMs, and refuses a bad one before opening anything', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'rewind.yaml'), MINIMAL_CONFIG);
  const env = { REWIND_USER: 'x@example.com', PATH: process.env.PATH };
  const deps = await openEnvironment({ cwd: dir, processEnv: { ...env, REWIND_LEASE_MS: '1500' } });
  t.after(() => deps.close());
  assert.equal(deps.leaseMs, 1500);
  const standard = await openEnvironment({ cwd: dir, processEnv: env });
  t.after(() => standard.close());
  assert.equal(standard.leaseMs, undefined);
  await assert.rejects(openEnvironment({ cwd: dir, processEnv: { ...env, REWIND_LEASE_MS: 'soon' } }), rejectsWith('USAGE', /REWIND_LEASE_MS/));
});
