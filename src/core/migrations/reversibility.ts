import type { Reversibility } from './tool.js';

export interface ReversibilityPolicy {
  default: Reversibility;
  overrides: Readonly<Record<string, Reversibility>>;
}

const MARKER = /rewind:\s*(irreversible|none|manual|auto|reversible)\b/i;

/** The marker a migration file carries (`-- rewind: irreversible`, `// rewind: manual`), if any. */
export function markerIn(text: string): Reversibility | undefined {
  const found = MARKER.exec(text)?.[1]?.toLowerCase();
  if (found === undefined) return undefined;
  if (found === 'irreversible' || found === 'none') return 'none';
  if (found === 'reversible') return 'auto';
  return found as Reversibility;
}

/**
 * How one migration is undone. A migration without a down step can only be
 * `none`, whatever anyone says. Otherwise the file's own marker wins (its
 * author knows best what the down step can restore), then the environment's
 * per-id override, then the environment's default.
 */
export function reversibilityOf(
  id: string,
  source: { down: string | null; markerText: string },
  policy: ReversibilityPolicy,
): Reversibility {
  if (source.down === null || source.down.trim() === '') return 'none';
  return markerIn(source.markerText) ?? policy.overrides[id] ?? policy.default;
}
