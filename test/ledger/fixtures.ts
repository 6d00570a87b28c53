import type { Release } from '../../src/core/release.js';
import type { Run } from '../../src/core/run.js';

export function release(id: string, overrides: Partial<Release> = {}): Release {
  return {
    id,
    app: 'shop',
    env: 'production',
    version: `v-${id}`,
    sha: `sha-${id}`,
    artifact: `/srv/shop/releases/v-${id}`,
    status: 'live',
    deployedBy: 'alice@example.com',
    deployedAt: '2025-01-01T10:00:00.000Z',
    verifiedAt: null,
    markedBadAt: null,
    activatedAt: null,
    migrations: [],
    source: 'rewind',
    ...overrides,
  };
}

export function run(id: string, overrides: Partial<Run> = {}): Run {
  return {
    id,
    app: 'shop',
    env: 'production',
    kind: 'rollback',
    status: 'planned',
    fromVersion: '1.2.0',
    toVersion: '1.1.0',
    fromReleaseId: 'r2',
    toReleaseId: 'r1',
    requestedBy: 'bob@example.com',
    approvedBy: null,
    reason: 'error rate',
    trigger: 'manual',
    plan: { steps: ['snapshot', 'switch', 'reload'], risk: { level: 'low' } },
    createdAt: '2025-01-01T11:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    error: null,
    ...overrides,
  };
}
