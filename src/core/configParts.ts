/**
 * Pieces of the configuration schema that every section uses, drivers' own
 * sections included: durations, commands as argument arrays, names. Pure.
 */
import { z } from 'zod';
import { PLACEHOLDERS, unknownPlaceholders } from './template.js';

/** App and environment names: they appear in paths, process names and report file names. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;

const DURATION_EXPECTED = 'expected a duration such as "250ms", "30s" or "5m"';

/** Durations are strings such as `250ms`, `30s`, `5m`; parsed to milliseconds. */
export const duration = z
  // The same message for a bare number (`timeout: 30`) as for a bad string: the fix is the same.
  .string({ error: DURATION_EXPECTED })
  .regex(DURATION, DURATION_EXPECTED)
  .transform(parseDuration)
  .meta({ description: 'A duration: a number followed by ms, s, m or h ("250ms", "30s", "5m").' });

export function parseDuration(text: string): number {
  const match = DURATION.exec(text);
  if (!match) throw new Error(`not a duration: ${text}`);
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(match[1]) * factor);
}

/** One command as an argument array; placeholders are substituted per item. */
export const command = z
  // A shell string here is the usual mistake; say what shape is wanted instead.
  .array(z.string(), { error: 'expected a command as an argument array such as ["npm", "ci"], not a shell string' })
  .min(1, 'expected a command as a non-empty argument array such as ["npm", "ci"]')
  .superRefine((argv, ctx) => {
    argv.forEach((item, index) => {
      const unknown = unknownPlaceholders(item);
      if (unknown.length > 0) {
        // Pointing at the item (not the whole command) puts the error on the item's own line.
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message: `unknown placeholder {${unknown[0]}} (expected one of: ${PLACEHOLDERS.map((name) => `{${name}}`).join(' ')})`,
        });
      }
    });
  })
  .meta({ description: 'A command as an argument array, never a shell string: ["pm2", "reload", "app"].' });

export const commandList = z.array(command, { error: 'expected a list of commands such as [["npm", "run", "smoke"]]' });
