import { RewindError } from '../core/errors.js';
import type { CliIO } from './io.js';

/**
 * Ask before changing a target. Without a terminal there is nobody to ask:
 * that is an error unless --yes said the answer up front.
 */
export async function confirmChange(io: CliIO, question: string, yes: boolean): Promise<boolean> {
  if (yes) return true;
  if (!io.interactive) {
    throw new RewindError('CONFIRMATION_NEEDED', `${question} needs confirmation and there is no terminal to ask on: pass --yes`);
  }
  // Loaded only when someone is asked: most runs (--yes, CI) never need it, and start-up time counts.
  const { confirm, isCancel } = await import('@clack/prompts');
  const answer = await confirm({ message: question, initialValue: false });
  return !isCancel(answer) && answer === true;
}
