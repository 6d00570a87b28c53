/**
 * The audit head: the newest entry's seq and hash. Written outside the ledger
 * (summary.json, report.md, notifications), it anchors the chain: an edit of
 * the ledger that rewrites or drops entries can no longer match what was
 * recorded elsewhere. Written and read as `SEQ:HASH`, e.g. `17:3fa4…` (64 hex).
 */
import { RewindError } from './errors.js';

export interface AuditHead {
  seq: number;
  hash: string;
}

/** A hash given by hand may be shortened, but not so far that another entry could match it by chance. */
export const MIN_HEAD_HASH_PREFIX = 12;

export function formatAuditHead(head: AuditHead): string {
  return `${head.seq}:${head.hash}`;
}

/** `SEQ:HASH` as the user typed it (for --expect-head): HASH in full or its first 12 or more hex digits. */
export function parseAuditHead(text: string, what: string): AuditHead {
  const match = /^([1-9]\d{0,9}):([0-9a-fA-F]+)$/.exec(text.trim());
  if (!match || match[2]!.length < MIN_HEAD_HASH_PREFIX || match[2]!.length > 64) {
    throw new RewindError(
      'USAGE',
      `${what} ${JSON.stringify(text)} is not an audit head: expected SEQ:HASH, e.g. 17:3fa4c2d9e8b1 ` +
        `(the entry's seq, a colon, and its hash: 64 hex digits, or the first ${MIN_HEAD_HASH_PREFIX} or more)`,
    );
  }
  return { seq: Number(match[1]), hash: match[2]!.toLowerCase() };
}

/** An audit head as found in a file: a positive integer seq and a full 64-hex hash, else nothing. */
export function auditHeadFrom(value: unknown): AuditHead | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const { seq, hash } = value as Record<string, unknown>;
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 1) return undefined;
  if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) return undefined;
  return { seq, hash };
}
