import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HostEvidence } from '../../src/core/runningEvidence.js';
import { statusVerdict } from '../../src/core/statusVerdict.js';

const seen = (host: string, current: string | null, serves: string | null, more: Partial<HostEvidence> = {}): HostEvidence =>
  ({ host, current, serves, ...more });

describe('statusVerdict: exit 0 only when every host is reachable, runs the live release and is healthy', () => {
  it('is ok when they do, with or without a health check', () => {
    assert.deepEqual(statusVerdict('v2', [{ evidence: seen('web1', 'v2', 'v2'), healthy: true }], []), { ok: true, reasons: [] });
    assert.deepEqual(statusVerdict('v2', [{ evidence: seen('web1', 'v2', null), healthy: null }], []), { ok: true, reasons: [] });
    assert.deepEqual(statusVerdict(null, [{ evidence: seen('web1', null, null), healthy: null }], []), { ok: true, reasons: [] },
      'nothing live and nothing deployed: nothing disagrees');
  });

  it('says why not, host by host, and still judges every host', () => {
    const verdict = statusVerdict('v2', [
      { evidence: seen('web1', 'v2', 'v1'), healthy: false },
      { evidence: seen('web2', null, null, { cannotInspect: 'refused' }), healthy: null },
      { evidence: seen('web3', 'v2', 'v2'), healthy: false },
    ], ['web1: the ledger says v2 is live, current is v2, the app serves v1']);
    assert.deepEqual(verdict, {
      ok: false,
      reasons: ['web1: runs v1, not v2', 'web1: unhealthy', 'web2: cannot be inspected', 'web3: unhealthy', 'drift'],
    });
  });

  it('is not ok with drift alone, nor with a host running something the ledger does not call live', () => {
    assert.deepEqual(statusVerdict('v2', [{ evidence: seen('local', 'v2', 'v2'), healthy: true }], ['current points outside releases/']).reasons, ['drift']);
    assert.deepEqual(statusVerdict(null, [{ evidence: seen('local', 'v2', null), healthy: null }], []).reasons,
      ['runs v2, while the ledger has no live release']);
  });
});
