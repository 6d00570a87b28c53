import { makeId } from '../core/ids.js';
import type { Release } from '../core/release.js';
import type { Run, RunKind } from '../core/run.js';
import type { EnvDeps } from './deps.js';

/** Fresh ledger records with ids, timestamps and the acting user filled in. */

export function newRelease(deps: EnvDeps, fields: Pick<Release, 'version'> & Partial<Release>): Release {
  const now = deps.clock.now();
  return {
    id: makeId('rel', now, deps.random()),
    app: deps.app,
    env: deps.envName,
    sha: null,
    artifact: null,
    status: 'deploying',
    deployedBy: deps.user,
    deployedAt: now.toISOString(),
    verifiedAt: null,
    markedBadAt: null,
    activatedAt: null,
    migrations: [],
    source: 'rewind',
    ...fields,
  };
}

export function newRun(deps: EnvDeps, kind: RunKind, fields: Partial<Run> = {}): Run {
  const now = deps.clock.now();
  return {
    id: makeId(kind, now, deps.random()),
    app: deps.app,
    env: deps.envName,
    kind,
    status: 'running',
    fromVersion: null,
    toVersion: null,
    fromReleaseId: null,
    toReleaseId: null,
    requestedBy: deps.user,
    approvedBy: null,
    reason: null,
    trigger: 'manual',
    plan: null,
    createdAt: now.toISOString(),
    startedAt: now.toISOString(),
    finishedAt: null,
    error: null,
    ...fields,
  };
}
