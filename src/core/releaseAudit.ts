/**
 * Release rows decide rollback targets, so their every change is an audit
 * entry (`release.state`) carrying the release's whole state as the ledger
 * then held it. `rewind audit verify` compares each row of the releases table
 * with the state its newest such entry records: a row changed, added or
 * removed outside rewind no longer matches the chain.
 */
import { canonicalJson } from './auditHash.js';
import type { Release } from './release.js';
import type { AuditEvent } from './run.js';

export const RELEASE_STATE_ACTION = 'release.state';

/** Every column of a release, in the order a difference is told (a type, so it is a plain record of values). */
export type ReleaseState = {
  release_id: string;
  app: string;
  env: string;
  version: string;
  sha: string | null;
  artifact: string | null;
  status: string;
  verified_at: string | null;
  marked_bad_at: string | null;
  activated_at: string | null;
  deployed_by: string;
  deployed_at: string;
  migrations: string[];
  source: string;
};

export function releaseState(release: Release): ReleaseState {
  return {
    release_id: release.id,
    app: release.app,
    env: release.env,
    version: release.version,
    sha: release.sha,
    artifact: release.artifact,
    status: release.status,
    verified_at: release.verifiedAt,
    marked_bad_at: release.markedBadAt,
    activated_at: release.activatedAt,
    deployed_by: release.deployedBy,
    deployed_at: release.deployedAt,
    migrations: release.migrations,
    source: release.source,
  };
}

const STATE_FIELDS = Object.keys(releaseState({
  id: '', app: '', env: '', version: '', sha: null, artifact: null, status: 'live', deployedBy: '', deployedAt: '', verifiedAt: null,
  markedBadAt: null, activatedAt: null, migrations: [], source: '',
})) as (keyof ReleaseState)[];

/** The fields where `state` differs from what an entry recorded (every field when nothing was recorded). */
export function stateDifferences(state: ReleaseState, recorded: Readonly<Record<string, unknown>> | undefined): (keyof ReleaseState)[] {
  if (recorded === undefined) return [...STATE_FIELDS];
  return STATE_FIELDS.filter((field) => canonicalJson(state[field]) !== canonicalJson(recorded[field] ?? null));
}

/** What a `release.state` entry says a change found, when the row had been changed outside rewind before it. */
export interface OutsideChange {
  /** The entry that recorded the state the row should have had; null when no entry knew the release. */
  entry: number | null;
  fields: string[];
}

export interface AuditedState {
  seq: number;
  state: Readonly<Record<string, unknown>>;
}

/** The state of each release as its newest `release.state` entry records it, by release id. */
export function latestAuditedStates(events: readonly AuditEvent[]): Map<string, AuditedState> {
  const latest = new Map<string, AuditedState>();
  for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
    const id = event.action === RELEASE_STATE_ACTION ? event.detail.release_id : undefined;
    if (typeof id === 'string') latest.set(id, { seq: event.seq, state: event.detail });
  }
  return latest;
}

export interface ReleaseProblem {
  releaseId: string;
  /** The entry the problem is about, when there is one. */
  seq: number | null;
  reason: string;
}

/**
 * Every release row that does not match the chain: changed, added or removed
 * outside rewind, and every change the ledger itself found made outside it
 * (an entry with `outside_change`), which a later write would otherwise hide.
 */
export function checkReleases(events: readonly AuditEvent[], releases: readonly Release[]): ReleaseProblem[] {
  const audited = latestAuditedStates(events);
  const problems: ReleaseProblem[] = [];
  for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
    const outside = event.action === RELEASE_STATE_ACTION ? outsideChangeOf(event.detail) : undefined;
    if (!outside) continue;
    const was = outside.entry === null
      ? 'no audit entry knew it'
      : `it differed from entry ${outside.entry} in ${outside.fields.join(', ')}`;
    problems.push({
      releaseId: String(event.detail.release_id),
      seq: event.seq,
      reason: `${label(event.detail)}: entry ${event.seq} found the row changed outside rewind before this change (${was})`,
    });
  }
  const inTable = new Set<string>();
  for (const release of releases) {
    inTable.add(release.id);
    const state = releaseState(release);
    const known = audited.get(release.id);
    if (!known) {
      const reason = `${label(state)}: in the releases table but in no audit entry (added outside rewind)`;
      problems.push({ releaseId: release.id, seq: null, reason });
      continue;
    }
    const fields = stateDifferences(state, known.state);
    if (fields.length === 0) continue;
    const told = (from: Readonly<Record<string, unknown>>) => fields.map((f) => `${f} ${shown(from[f])}`).join(', ');
    problems.push({
      releaseId: release.id,
      seq: known.seq,
      reason: `${label(state)}: the releases table says ${told(state)}; ` +
        `the audit log (entry ${known.seq}) says ${told(known.state)}`,
    });
  }
  for (const [id, known] of audited) {
    if (inTable.has(id)) continue;
    problems.push({
      releaseId: id,
      seq: known.seq,
      reason: `${label(known.state)}: in the audit log (entry ${known.seq}) but not in the releases table (removed)`,
    });
  }
  return problems;
}

export function outsideChangeOf(detail: Readonly<Record<string, unknown>>): OutsideChange | undefined {
  const value = detail.outside_change;
  if (value === null || typeof value !== 'object') return undefined;
  const { entry, fields } = value as Record<string, unknown>;
  return { entry: typeof entry === 'number' ? entry : null, fields: Array.isArray(fields) ? fields.map(String) : [] };
}

function label(state: Readonly<Record<string, unknown>>): string {
  return `release ${String(state.release_id)} (${String(state.version)}, ${String(state.app)} ${String(state.env)})`;
}

function shown(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
