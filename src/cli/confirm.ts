import { RewindError, type ErrorCode } from '../core/errors.js';
import { terminalText } from '../core/terminalText.js';
import type { CliIO } from './io.js';

/**
 * Ask before changing a target. Without a terminal there is nobody to ask:
 * that is an error unless --yes said the answer up front.
 */
export async function confirmChange(
  io: CliIO,
  question: string,
  yes: boolean,
  unanswered: ErrorCode = 'CONFIRMATION_NEEDED',
): Promise<boolean> {
  if (yes) return true;
  if (!io.interactive) {
    // `unanswered` lets a command that must report "blocked" (exit 3) say so with its own code.
    throw new RewindError(unanswered, `${question} needs confirmation and there is no terminal to ask on: pass --yes`);
  }
  // Loaded only when someone is asked: most runs (--yes, CI) never need it, and start-up time counts.
  const { confirm, isCancel } = await import('@clack/prompts');
  const answer = await confirm({ message: terminalText(question), initialValue: false });
  return !isCancel(answer) && answer === true;
}
