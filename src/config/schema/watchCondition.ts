import { z } from 'zod';
import { boundedDuration } from '../../core/configParts.js';
import { isHttpUrl } from './health.js';

/** The keys that name what a condition reads; a condition has exactly one. */
export const CONDITION_SOURCES = ['query', 'error_rate', 'health'] as const;

const threshold = (side: string) =>
  z.number().optional().meta({ description: `Holds while the value is ${side} this number (strictly).` });

/**
 * One `when:` item. A single mapping with every source key optional (not a
 * union of forms), so a condition with no source or with two gets its own
 * message rather than zod's "none of the forms matched".
 */
export const watchConditionSchema = z
  .strictObject({
    query: z.string().trim().min(1).optional().meta({ description: 'A PromQL instant query answering one number.' }),
    error_rate: z
      .strictObject({
        url: z
          .string()
          .refine(isHttpUrl, 'expected an http:// or https:// URL such as http://127.0.0.1:3000/')
          .meta({ description: 'Requested by rewind each interval; non-2xx answers, refusals and timeouts are errors.' }),
      })
      .optional()
      .meta({ description: 'The fraction of failed requests to a URL (0 to 1), sampled by rewind itself.' }),
    health: z.literal('failing').optional().meta({ description: 'failing: holds while the health check fails.' }),
    above: threshold('above'),
    below: threshold('below'),
    for: boundedDuration('conditionFor').meta({ description: 'How long it must hold before it counts; 0s: at once.' }),
  })
  .superRefine((condition, ctx) => {
    const sources = CONDITION_SOURCES.filter((key) => condition[key] !== undefined);
    if (sources.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: "expected one source: query: '<promql>', error_rate: { url: ... } or health: failing",
      });
      return;
    }
    if (sources.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: [sources[1] as string],
        message: `a condition reads one source, this one names ${sources.join(' and ')}: make it two conditions`,
      });
      return;
    }
    const { above, below } = condition;
    if (sources[0] === 'health') {
      if (above !== undefined || below !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [above !== undefined ? 'above' : 'below'],
          message: 'a health condition holds while the check fails, and takes no above: or below: (remove it)',
        });
      }
      return;
    }
    if (above === undefined && below === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: `expected above: or below: (the number the ${sources[0]} value must cross), e.g. above: 0.2`,
      });
      return;
    }
    // Either side holds on its own, so above <= below would hold for every value.
    if (above !== undefined && below !== undefined && above <= below) {
      ctx.addIssue({
        code: 'custom',
        path: ['below'],
        message:
          `expected below: less than above: (${above}): the condition holds above ${above} or below ${below}, ` +
          `which is every value (got ${below})`,
      });
    }
    if (sources[0] === 'error_rate') {
      for (const [key, value] of [['above', above], ['below', below]] as const) {
        if (value !== undefined && (value < 0 || value > 1)) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `expected a fraction from 0 to 1 (an error rate of 5% is 0.05) (got ${value})`,
          });
        }
      }
    }
  })
  .meta({ description: "{ query: '<promql>' } or { error_rate: { url } } or { health: failing }, with above/below and for." });

export type WatchConditionSection = z.infer<typeof watchConditionSchema>;
