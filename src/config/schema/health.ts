import { z } from 'zod';
import { boundedDuration, showDuration } from '../../core/configParts.js';

export const healthSchema = z
  .strictObject({
    url: z
      .string()
      // {host} stands for each host's address, so the URL is checked with one in its place.
      .refine(
        (url) => isHttpUrl(url.replaceAll('{host}', 'example.invalid').replaceAll('{port}', '1').replaceAll('{slot}', 'blue')),
        'expected an http:// or https:// URL such as http://127.0.0.1:3000/health',
      )
      .meta({
        description: "The health endpoint, e.g. http://127.0.0.1:3000/health; {host} stands for each host's address, " +
          "{port} for a blue/green slot's port.",
      }),
    expect_status: z.number().int().min(100).max(599).default(200).meta({ description: 'The HTTP status a healthy service answers with.' }),
    expect_version: z
      .union([z.string().min(1), z.literal(false)], {
        error: 'expected the name of a JSON field such as "sha" or "build.version", or false',
      })
      .default('sha')
      .meta({
        description:
          "The JSON field (dots for nesting) the app reports its build in; must equal the release's sha or version. " +
          'false: do not check.',
      }),
    timeout: boundedDuration('healthTimeout')
      .prefault('30s')
      .meta({ description: 'How long to keep trying before the release counts as failed.' }),
    interval: boundedDuration('healthInterval').prefault('250ms').meta({ description: 'Pause between attempts; at most timeout.' }),
    successes: z.number().int().min(1).default(2).meta({ description: 'Consecutive passing attempts needed.' }),
  })
  .superRefine((health, ctx) => {
    if (health.interval > health.timeout) {
      ctx.addIssue({
        code: 'custom',
        path: ['interval'],
        message:
          `expected at most timeout (${showDuration(health.timeout)}): ` +
          `a pause longer than the whole check (got ${showDuration(health.interval)})`,
      });
    }
  })
  .meta({ description: 'The HTTP health check.' });

export type HealthConfig = z.infer<typeof healthSchema>;

/** An http: or https: URL (what fetch can ask); other schemes are refused, not guessed at. */
export function isHttpUrl(text: string): boolean {
  try {
    return /^https?:$/.test(new URL(text).protocol);
  } catch {
    return false;
  }
}
