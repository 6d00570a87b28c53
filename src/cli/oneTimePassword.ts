import { terminalText } from '../core/terminalText.js';
import type { CliIO } from './io.js';

/** The commander option that carries a one-time password, for the commands that move a target. */
export const OTP_OPTION = [
  '--otp <code>', 'a one-time password for a registry that asks for one (npm); asked on a terminal otherwise',
] as const;

/**
 * Where a driver gets a one-time password when its registry asks for one:
 * the --otp code, else, on a terminal, a prompt that does not echo, asked
 * once per command (npm too uses one code for every write of a command).
 * Without either there is none, and the driver says what to pass.
 */
export function oneTimePasswordSource(
  io: CliIO,
  given: string | undefined,
  /** The progress view gives the terminal to the prompt meanwhile (its spinner would draw over it). */
  whilePrompting: <T>(ask: () => Promise<T>) => Promise<T> = (ask) => ask(),
): (why: string) => Promise<string | undefined> {
  let code = given;
  return async (why) => {
    if (code !== undefined || !io.interactive) return code;
    // Loaded only when a registry asks: most runs never need it, and start-up time counts.
    const { password, isCancel } = await import('@clack/prompts');
    const answer = await whilePrompting(() => password({ message: terminalText(`${why}: one-time password`) }));
    code = isCancel(answer) || typeof answer !== 'string' || answer.trim() === '' ? undefined : answer.trim();
    return code;
  };
}
