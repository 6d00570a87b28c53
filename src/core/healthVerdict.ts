/**
 * The verdict over one health observation: did the service answer with the
 * expected status, and does it report the build we expect to be running?
 * Pure, so every rule about "healthy" is tested without a network.
 */

export interface HealthObservation {
  status?: number;
  body?: string;
  /** Set when there was no answer at all: connection refused, timeout, DNS. */
  error?: string;
}

export interface HealthExpectation {
  status: number;
  /** The JSON field (dots for nesting) the app reports its build in; false: status only. */
  field: string | false;
  version: string;
  sha: string | null;
}

export interface HealthVerdict {
  ok: boolean;
  /** One line an operator can act on. */
  reason: string;
  /** The value found at the field, whether or not it matched. */
  reported: string | null;
}

/** Below this a prefix is too likely to match by chance (git's own default abbreviation). */
const MIN_SHA_PREFIX = 7;

export function healthVerdict(observation: HealthObservation, expectation: HealthExpectation): HealthVerdict {
  if (observation.error !== undefined) {
    return { ok: false, reason: oneLine(observation.error), reported: null };
  }
  const status = observation.status;
  const body = observation.body ?? '';
  const found = expectation.field === false ? undefined : readField(body, expectation.field);
  const reported = found?.kind === 'value' ? found.value : null;

  if (status !== expectation.status) {
    return { ok: false, reason: `status ${status ?? 'missing'}, expected ${expectation.status}`, reported };
  }
  if (expectation.field === false || found === undefined) {
    return { ok: true, reason: `status ${status}`, reported: null };
  }
  const field = expectation.field;
  switch (found.kind) {
    case 'not-json':
      return { ok: false, reason: `body is not JSON (${preview(body)}), expected a "${field}" field`, reported: null };
    case 'missing':
      return { ok: false, reason: `no "${field}" field in the body (${preview(body)})`, reported: null };
    case 'not-scalar':
      return { ok: false, reason: `"${field}" is ${found.type}, expected a version or sha string`, reported: null };
    case 'value':
      break;
  }
  if (found.value === expectation.version || (expectation.sha !== null && shaMatches(found.value, expectation.sha))) {
    return { ok: true, reason: `status ${status}, reports ${abbreviate(found.value)} at "${field}"`, reported: found.value };
  }
  return { ok: false, reason: mismatchReason(found.value, field, expectation), reported: found.value };
}

/**
 * Case-insensitive; equal, or one is a prefix of the other and the shorter
 * has at least 7 characters (apps often report an abbreviated sha).
 */
export function shaMatches(reported: string, sha: string): boolean {
  const a = reported.trim().toLowerCase();
  const b = sha.trim().toLowerCase();
  if (a.length === 0 || b.length === 0) return false;
  if (a === b) return true;
  const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a];
  return shorter.length >= MIN_SHA_PREFIX && longer.startsWith(shorter);
}

type Found =
  | { kind: 'value'; value: string }
  | { kind: 'not-json' }
  | { kind: 'missing' }
  | { kind: 'not-scalar'; type: string };

function readField(body: string, path: string): Found {
  let node: unknown;
  try {
    node = JSON.parse(body);
  } catch {
    return { kind: 'not-json' };
  }
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, key)) {
      return { kind: 'missing' };
    }
    node = (node as Record<string, unknown>)[key];
  }
  if (typeof node === 'string') return { kind: 'value', value: node.trim() };
  // A numeric version such as 2 or 1.5 is still a version.
  if (typeof node === 'number' && Number.isFinite(node)) return { kind: 'value', value: String(node) };
  return { kind: 'not-scalar', type: describe(node) };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function mismatchReason(reported: string, field: string, expectation: HealthExpectation): string {
  const shown = expectation.sha === null ? null : distinguishable(reported, expectation.sha);
  if (expectation.sha === null || shown === null) {
    return `reports ${reported === '' ? 'an empty value' : abbreviate(reported)} at "${field}", expected ${expectation.version}`;
  }
  return `reports ${shown.reported} at "${field}", expected ${shown.sha} (${expectation.version})`;
}

/** Short forms of both values, unless abbreviating would make them look equal. */
function distinguishable(reported: string, sha: string): { reported: string; sha: string } | null {
  if (reported === '') return { reported: 'an empty value', sha: abbreviate(sha) };
  const short = { reported: abbreviate(reported), sha: abbreviate(sha) };
  if (short.reported.toLowerCase() !== short.sha.toLowerCase()) return short;
  return { reported: clip(reported, 80), sha };
}

/** A hex sha is shown the way git shows it; anything else is only clipped. */
function abbreviate(value: string): string {
  return /^[0-9a-f]{12,64}$/i.test(value) ? value.slice(0, MIN_SHA_PREFIX) : clip(value, 60);
}

function preview(body: string): string {
  const flat = oneLine(body);
  return flat === '' ? 'empty body' : `starts ${JSON.stringify(clip(flat, 40))}`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
