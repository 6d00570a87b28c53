import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { z } from 'zod';
import type { DriverIo, DriverModule } from '../../src/core/driver.js';
import { planRollback } from '../../src/core/planRollback.js';
import type { Release } from '../../src/core/release.js';
import { createGuardedFiles } from '../../src/exec/guardedFiles.js';
import { createLocalExec } from '../../src/exec/localExec.js';
import { environmentTargets } from '../../src/wiring/targets.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * A driver of the environment as a whole, made for this test: the live
 * version is one file (as a dist-tag is one value on a registry). The real
 * environment-scoped drivers (kubernetes, npm) come through the same path.
 */
const made: DriverIo[] = [];
const pointerDriver: DriverModule<{ file: string }> = {
  kind: 'pointer',
  scope: 'environment',
  summary: 'a file naming the live version',
  schema: z.strictObject({ file: z.string() }),
  needs: 'file',
  writeRoots: (config) => [config.file],
  create(config, io) {
    made.push(io);
    return {
      kind: 'pointer',
      inspect: async () => ({ version: (await readFile(config.file, 'utf8').catch(() => '')).trim() || null, artifact: config.file, problems: [] }),
      prepare: async (version) => ({ version, sha: null, artifact: config.file, reused: true }),
      isPresent: async () => true,
      activate: async (version) => writeFile(config.file, `${version}\n`),
      prune: async () => [],
      vars: async (version) => ({ version, env: io.env, app: io.app }),
    };
  },
};

test('an environment-scoped driver gets one instance for the whole environment, named after it, acting from this machine', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'live');
  const exec = createLocalExec();
  const env = { driver: 'pointer', pointer: { file }, hosts: ['local'], env: {}, ssh: {} } as never;
  const { targets, scope } = environmentTargets({
    app: 'shop', envName: 'registry', env, configDir: dir, stateDir: join(dir, '.rewind'), localExec: exec, localFiles: createGuardedFiles([dir]), secrets: [], drivers: [pointerDriver],
  });
  assert.equal(scope, 'environment');
  assert.deepEqual(targets.map((x) => x.name), ['registry']);
  assert.equal(made.length, 1);
  assert.deepEqual(made[0]?.host, { name: 'registry', address: '127.0.0.1', remote: false, base: dir });
  await targets[0]?.driver.activate('v2');
  assert.equal((await targets[0]?.driver.inspect())?.version, 'v2');
});

test('a plan for an environment-scoped driver speaks of the environment: no hosts, no several-hosts risk, one batch', () => {
  const release = (version: string, status: Release['status'], n: number): Release => ({
    id: `r${n}`, app: 'shop', env: 'registry', version, sha: null, artifact: null, status, deployedBy: 'me', deployedAt: `2026-01-0${n}T00:00:00Z`,
    verifiedAt: '2026-01-01T00:00:00Z', markedBadAt: null, activatedAt: status === 'live' ? `2026-01-0${n}T00:00:00Z` : null, migrations: [], source: 'rewind',
  });
  const plan = planRollback({
    app: 'shop', env: 'registry', driver: 'pointer', hosts: ['registry'], scope: 'environment', now: '2026-12-01T00:00:00Z',
    releases: [release('v3', 'live', 3), release('v2', 'superseded', 2)], observedLive: 'v3', healthConfigured: true, reloadConfigured: false,
    ledgerDigest: 'd', approvalPolicy: 'high',
  });
  assert.equal(plan.scope, 'environment');
  assert.deepEqual(plan.hosts, []);
  assert.equal(plan.risks.some((r) => r.code === 'several_hosts'), false);
  assert.deepEqual(plan.steps.map((s) => s.id), ['ensure:v2', 'switch:v2', 'verify:v2', 'mark:v3']);
  assert.equal(plan.steps.find((s) => s.kind === 'switch')?.title, 'switch to v2');
});
