import { confirm, isCancel } from '@clack/prompts';
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
  const answer = await confirm({ message: question, initialValue: false });
  return !isCancel(answer) && answer === true;
}
