import { runningOn, type HostEvidence } from './runningEvidence.js';

/** One host as `status` saw it: the evidence of what runs, and its health now (null: not checked). */
export interface HostSeen {
  evidence: HostEvidence;
  healthy: boolean | null;
}

export interface StatusVerdict {
  /** Every host reachable, running the ledger's live release, healthy, and nothing disagreeing. */
  ok: boolean;
  /** Why not, one short line each (empty when ok). */
  reasons: string[];
}

/**
 * Is the environment what the ledger says it is? `status` exits 0 only then. A host that cannot be
 * inspected is not "fine": what it runs is unknown. No health check configured is not a failure
 * (nothing can be checked); a failing one is. `drift` is every disagreement found (see
 * runningEvidence's driftLines, and what the driver found odd about a host).
 */
export function statusVerdict(live: string | null, hosts: readonly HostSeen[], drift: readonly string[]): StatusVerdict {
  const prefix = (host: string) => (hosts.length > 1 ? `${host}: ` : '');
  const reasons = hosts.flatMap(({ evidence, healthy }) => {
    const lines: string[] = [];
    const runs = runningOn(evidence);
    if (evidence.cannotInspect !== undefined) lines.push(`${prefix(evidence.host)}cannot be inspected`);
    else if (runs !== live) {
      const instead = live === null ? 'while the ledger has no live release' : `not ${live}`;
      lines.push(`${prefix(evidence.host)}runs ${runs ?? 'nothing'}, ${instead}`);
    }
    if (healthy === false) lines.push(`${prefix(evidence.host)}unhealthy`);
    return lines;
  });
  if (drift.length > 0) reasons.push(drift.length === 1 ? 'drift' : `drift (${drift.length} lines)`);
  return { ok: reasons.length === 0, reasons };
}
