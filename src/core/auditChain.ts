/**
 * What `rewind audit verify` concludes about the chain, pure: the links and
 * hashes of the entries themselves, then the anchors (heads recorded outside
 * the ledger), which is what catches the newest entries dropped or the whole
 * chain recomputed after an edit.
 */
import type { AuditHead } from './auditHead.js';
import { GENESIS_HASH, auditHash, canHash, type AuditKey, type ChainBreak } from './auditHash.js';
import type { AuditEvent } from './run.js';

export interface ChainVerdict {
  entries: number;
  /** The newest stored entry; null for an empty log. */
  head: AuditHead | null;
  firstBad: ChainBreak | null;
  /** Keyed entries whose hash could not be recomputed: no key given, or another key. Their links were checked. */
  unchecked: UncheckedEntries | null;
}

export interface UncheckedEntries {
  count: number;
  first: number;
  last: number;
  /** The key ids they name. */
  keyIds: string[];
}

/**
 * Walk the whole chain (it is global to the ledger, not per environment),
 * oldest first. Seq is not covered by the hash, so reordering is caught by
 * the links: an entry moved to another seq no longer follows its predecessor.
 * With a key, an unkeyed entry after a keyed one is a break: the chain was
 * recomputed without the key (or written while the key was not set).
 */
export function walkChain(events: readonly AuditEvent[], key?: AuditKey): ChainVerdict {
  const ordered = [...events].sort((a, b) => a.seq - b.seq);
  const last = ordered.at(-1);
  const head = last ? { seq: last.seq, hash: last.hash } : null;
  const verdict: ChainVerdict = { entries: events.length, head, firstBad: null, unchecked: null };
  const unchecked: AuditEvent[] = [];
  let prevHash = GENESIS_HASH;
  let prevSeq = 0;
  let firstKeyed: number | undefined;
  for (const event of ordered) {
    const expected = prevSeq + 1;
    // A gap names the entry that is gone, not the innocent one after it.
    if (event.seq !== expected) {
      const reason = event.seq > expected
        ? `missing (the log jumps from ${prevSeq === 0 ? 'the start' : `entry ${prevSeq}`} to entry ${event.seq})`
        : `out of sequence (found seq ${event.seq})`;
      return { ...verdict, firstBad: { seq: expected, reason }, unchecked: summarise(unchecked) };
    }
    const broken = linkBreak(event, prevHash, prevSeq) ?? keyBreak(event, key, firstKeyed);
    if (broken) return { ...verdict, firstBad: { seq: event.seq, reason: broken }, unchecked: summarise(unchecked) };
    if (event.keyId) firstKeyed ??= event.seq;
    if (!canHash(event, key)) unchecked.push(event);
    else if (auditHash(prevHash, event, key) !== event.hash) {
      const reason = 'hash does not match its contents (the entry was edited)';
      return { ...verdict, firstBad: { seq: event.seq, reason }, unchecked: summarise(unchecked) };
    }
    prevHash = event.hash;
    prevSeq = event.seq;
  }
  return { ...verdict, unchecked: summarise(unchecked) };
}

function linkBreak(event: AuditEvent, prevHash: string, prevSeq: number): string | undefined {
  if (event.prevHash === prevHash) return undefined;
  return prevSeq === 0
    ? 'prev_hash is not the genesis hash'
    : `prev_hash does not match entry ${prevSeq}'s hash (removed, inserted or reordered entries)`;
}

function keyBreak(event: AuditEvent, key: AuditKey | undefined, firstKeyed: number | undefined): string | undefined {
  if (key === undefined || event.keyId || firstKeyed === undefined) return undefined;
  return `not keyed, though the chain is keyed from entry ${firstKeyed}: it was recomputed without the key ` +
    '(or written while audit.key_env was not set)';
}

function summarise(events: readonly AuditEvent[]): UncheckedEntries | null {
  if (events.length === 0) return null;
  return {
    count: events.length,
    first: events[0]!.seq,
    last: events.at(-1)!.seq,
    keyIds: [...new Set(events.map((e) => e.keyId as string))],
  };
}

/** A head recorded outside the ledger, and where: a report's path, or `--expect-head`. */
export interface AuditAnchor extends AuditHead {
  source: string;
}

export interface AnchorProblem {
  seq: number;
  reason: string;
}

/**
 * Each recorded head must be an entry of the chain with that very hash (a
 * hand-given hash may be a prefix). Anchors naming the same head are told once,
 * with all their sources.
 */
export function checkAnchors(events: readonly AuditEvent[], anchors: readonly AuditAnchor[]): AnchorProblem[] {
  const bySeq = new Map(events.map((e) => [e.seq, e]));
  const newest = events.reduce((max, e) => Math.max(max, e.seq), 0);
  const groups = new Map<string, { head: AuditHead; sources: string[] }>();
  for (const anchor of anchors) {
    const id = `${anchor.seq}:${anchor.hash}`;
    const group = groups.get(id) ?? { head: { seq: anchor.seq, hash: anchor.hash }, sources: [] };
    group.sources.push(anchor.source);
    groups.set(id, group);
  }
  const problems: AnchorProblem[] = [];
  for (const { head, sources } of [...groups.values()].sort((a, b) => a.head.seq - b.head.seq)) {
    const entry = bySeq.get(head.seq);
    const who = named(sources);
    if (!entry) {
      const log = newest === 0
        ? 'the log is empty (every entry was removed)'
        : head.seq > newest
          ? `the log ends at entry ${newest} (its newest entries were removed)`
          : `the log has no entry ${head.seq} (it was removed)`;
      problems.push({ seq: head.seq, reason: `missing: ${who} recorded it as the audit head, but ${log}` });
    } else if (!entry.hash.startsWith(head.hash)) {
      problems.push({
        seq: head.seq,
        reason: `its hash is not the one ${who} recorded (${head.hash.slice(0, 12)}…): the log was rewritten at or before this entry`,
      });
    }
  }
  return problems;
}

function named(sources: readonly string[]): string {
  const [first, second, ...rest] = sources;
  if (second === undefined) return first ?? '';
  return rest.length === 0 ? `${first} and ${second}` : `${first}, ${second} and ${rest.length} more`;
}
