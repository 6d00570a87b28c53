import { checkAnchors, walkChain, type AuditAnchor, type UncheckedEntries } from '../core/auditChain.js';
import type { AuditHead } from '../core/auditHead.js';
import { checkReleases } from '../core/releaseAudit.js';
import type { EnvDeps } from './deps.js';
import { findAuditAnchors } from './auditAnchors.js';

/** One thing found altered: an entry (seq), a release row (releaseId), or both. */
export interface AuditProblem {
  seq: number | null;
  releaseId?: string;
  reason: string;
}

export interface AuditRecordVerdict {
  /** Nothing altered and every entry checked. */
  ok: boolean;
  entries: number;
  head: AuditHead | null;
  /** The chain's first break, then every anchor the chain does not match, then every release row that differs from it. */
  problems: AuditProblem[];
  /** The distinct heads checked, and where they were recorded. */
  anchors: { checked: number; sources: string[] };
  releasesChecked: number;
  /** Keyed entries whose hashes could not be checked (no key, or another key), with one line saying why. */
  unchecked: (UncheckedEntries & { reason: string }) | null;
}

export interface VerifyAuditRequest {
  /** `--expect-head SEQ:HASH`: a head the caller kept (from a notification, say). */
  expectHead?: AuditHead;
}

/**
 * `rewind audit verify`: the chain's links and hashes (keyed entries with the
 * configured key), the chain against every head recorded outside the ledger
 * (reports under the state dir, and --expect-head), and the releases table
 * against the state the chain last recorded for each release.
 */
export async function verifyAuditRecord(
  deps: Pick<EnvDeps, 'ledger' | 'files' | 'stateDir' | 'auditKey' | 'auditKeyEnv'>,
  request: VerifyAuditRequest = {},
): Promise<AuditRecordVerdict> {
  const [events, releases, found] = await Promise.all([
    deps.ledger.listAudit(),
    deps.ledger.listAllReleases(),
    findAuditAnchors(deps.files, deps.stateDir),
  ]);
  const anchors: AuditAnchor[] = [...found, ...(request.expectHead ? [{ ...request.expectHead, source: '--expect-head' }] : [])];
  const chain = walkChain(events, deps.auditKey);
  const problems: AuditProblem[] = [
    ...(chain.firstBad ? [chain.firstBad] : []),
    ...checkAnchors(events, anchors),
    ...checkReleases(events, releases),
  ];
  const unchecked = chain.unchecked ? { ...chain.unchecked, reason: uncheckedReason(chain.unchecked, deps) } : null;
  return {
    ok: problems.length === 0 && unchecked === null,
    entries: chain.entries,
    head: chain.head,
    problems,
    anchors: { checked: new Set(anchors.map((a) => `${a.seq}:${a.hash}`)).size, sources: anchors.map((a) => a.source) },
    releasesChecked: releases.length,
    unchecked,
  };
}

function uncheckedReason(unchecked: UncheckedEntries, deps: Pick<EnvDeps, 'auditKey' | 'auditKeyEnv'>): string {
  const which = unchecked.first === unchecked.last
    ? `entry ${unchecked.first} is`
    : `${unchecked.count} entries (${unchecked.first} to ${unchecked.last}) are`;
  const keys = unchecked.keyIds.map((id) => `key ${id}`).join(', ');
  const given = deps.auditKey
    ? `the key in ${deps.auditKeyEnv ?? 'audit.key_env'} is key ${deps.auditKey.id}`
    : 'audit.key_env is not set';
  return `${which} keyed with ${keys}, and ${given}: their hashes cannot be checked ` +
    '(their links were); give audit verify the key they were written with';
}
