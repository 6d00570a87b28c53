import { RewindError } from '../core/errors.js';
import { assertSafeName } from '../core/names.js';
import type { Release } from '../core/release.js';
import { audit } from './audit.js';
import type { EnvDeps } from './deps.js';
import { newRelease } from './newRecords.js';

export interface RecordRequest {
  version: string;
  sha: string | null;
  status: 'verified' | 'failed';
  /** Which system made the deployment (for history). */
  source?: string;
}

const SHA = /^[0-9a-f]{7,64}$/i;

/**
 * Register a deployment another system made. A verified one becomes the
 * live release; a failed one is kept as bad so it is never a rollback target.
 */
export async function recordDeployment(deps: EnvDeps, request: RecordRequest): Promise<Release> {
  const version = assertSafeName(request.version, '--version');
  if (request.sha !== null && !SHA.test(request.sha)) {
    throw new RewindError('USAGE', `--sha ${JSON.stringify(request.sha)} is not a commit sha: expected 7 to 64 hexadecimal characters`);
  }
  const now = deps.clock.now().toISOString();
  const release = newRelease(deps, {
    version,
    sha: request.sha,
    source: request.source ?? 'external',
    status: request.status === 'verified' ? 'live' : 'failed',
    verifiedAt: request.status === 'verified' ? now : null,
    markedBadAt: request.status === 'failed' ? now : null,
  });
  await deps.ledger.insertRelease(release);
  if (request.status === 'verified') await deps.ledger.markLive(release.id, 'verified', now);
  await audit(deps, 'release.recorded', request.status, { version, sha: request.sha, source: release.source });
  return (await deps.ledger.getRelease(release.id)) ?? release;
}
