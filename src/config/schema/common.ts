import { z } from 'zod';
import { unknownPlaceholders } from '../../core/template.js';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;

/** Durations are strings such as `250ms`, `30s`, `5m`; parsed to milliseconds. */
export const duration = z
  .string()
  .regex(DURATION, 'expected a duration such as "250ms", "30s" or "5m"')
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
  .array(z.string())
  .min(1, 'expected a command as a non-empty argument array, e.g. ["npm", "ci"]')
  .superRefine((argv, ctx) => {
    for (const item of argv) {
      const unknown = unknownPlaceholders(item);
      if (unknown.length > 0) {
        ctx.addIssue({ code: 'custom', message: `unknown placeholder {${unknown[0]}}; known: {version} {sha} {release_dir} {previous_release_dir} {env} {app} {host}` });
      }
    }
  })
  .meta({ description: 'A command as an argument array, never a shell string: ["pm2", "reload", "app"].' });

export const commandList = z.array(command);
