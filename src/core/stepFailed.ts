/**
 * STEP_FAILED's messages, each a function of its context (the style of
 * semantic-release's errors table): callers hand over facts, and the words
 * a user reads are written once, here, beside the code's explanation.
 */
import { RewindError } from './errors.js';

export const STEP_FAILED_MESSAGES = {
  /** A command rewind ran for a step exited non-zero. */
  commandExited: (c: { what: string; command: string; code: number; reason?: string | null }) =>
    `${c.what} \`${c.command}\` exited ${c.code}${c.reason ? `: ${c.reason}` : ''}`,
  /** An argument array with nothing in it. */
  emptyCommand: (_c: Record<string, never>) => 'cannot run an empty command: expected an argument array such as ["npm", "ci"]',
  /** The target's source now gives another commit than the one that was verified. */
  commitChanged: (c: { version: string; now: string; verified: string }) =>
    `${c.version} now gives commit ${c.now.slice(0, 7)}, not the verified ${c.verified.slice(0, 7)}`,
  /** A resumed deploy had already failed (and started its automatic rollback) before its process stopped. */
  deployFailedBefore: (c: { version: string; why: string }) => `the deploy of ${c.version} had failed before it stopped: ${c.why}`,
  /** A run ended failed without an error of its own (a bug, never expected). */
  noReason: (c: { run: string }) => `the ${c.run} stopped without saying why`,
} as const;

type Messages = typeof STEP_FAILED_MESSAGES;

/** A STEP_FAILED error whose message is built from the table by its case and context. */
export function stepFailed<K extends keyof Messages>(
  kind: K,
  context: Parameters<Messages[K]>[0],
  details: Record<string, unknown> = {},
): RewindError {
  const build = STEP_FAILED_MESSAGES[kind] as (c: Parameters<Messages[K]>[0]) => string;
  return new RewindError('STEP_FAILED', build(context), { ...details, case: kind });
}
