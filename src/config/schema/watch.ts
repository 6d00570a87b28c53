import { z } from 'zod';
import { boundedDuration, showDuration } from '../../core/configParts.js';
import { isHttpUrl } from './health.js';
import { watchConditionSchema } from './watchCondition.js';

const tierSchema = z
  .strictObject({
    tier: z.literal([1, 2, 3]).meta({ description: '1 (most severe), 2 or 3.' }),
    action: z.enum(['rollback', 'page', 'record']).meta({
      description:
        'rollback: roll back to the last known good at once, no human in the loop; page: a critical notification, ' +
        'and the watch waits for a decision; record: note it and keep watching.',
    }),
    when: z
      .array(watchConditionSchema)
      .min(1, 'expected at least one condition, e.g. when: [{ query: "...", above: 0.2, for: 30s }]')
      .meta({ description: 'The conditions; any one breached takes the action.' }),
  })
  .meta({ description: 'One tier: { tier, action, when: [conditions] }.' });

export const watchSchema = z
  .strictObject({
    for: boundedDuration('watchFor')
      .prefault('10m')
      .meta({ description: 'How long to watch a release after it goes live (deploy --watch and rewind watch may say otherwise).' }),
    interval: boundedDuration('watchInterval')
      .prefault('10s')
      .meta({ description: 'Every condition is read once per interval; at most for.' }),
    prometheus: z
      .strictObject({
        url: z
          .string()
          .refine(isHttpUrl, 'expected an http:// or https:// URL such as http://127.0.0.1:9090')
          .meta({
            description: 'The Prometheus server that query: conditions are sent to (its /api/v1/query), e.g. http://127.0.0.1:9090.',
          }),
        timeout: boundedDuration('prometheusTimeout')
          .prefault('5s')
          .meta({ description: 'How long one query may take before it counts as a probe error.' }),
      })
      .optional()
      .meta({ description: 'Where query: conditions are evaluated; required when any condition has a query.' }),
    no_data: z
      .enum(['inconclusive', 'fail', 'pass'])
      .default('inconclusive')
      .meta({
        description:
          'What a query that returns no sample counts as: inconclusive (neither a breach nor a pass), ' +
          'fail (as if the condition held) or pass (as if it did not).',
      }),
    error_limit: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(4)
      .meta({
        description:
          "Consecutive probe errors (Prometheus or the URL unreachable, a rejected query) after which a condition's tier acts anyway.",
      }),
    tiers: z
      .array(tierSchema)
      .min(1, 'expected at least one tier, e.g. tiers: [{ tier: 1, action: rollback, when: [...] }]')
      .meta({
        description:
          'What to watch and what to do, by severity: [{ tier: 1|2|3, action, when: [conditions] }]. action: rollback (at once, ' +
          'to the last known good, no human in the loop), page (a critical notification; the watch waits for a decision) or ' +
          "record (noted; watching goes on). A condition reads one source: { query: '<promql>' } (through prometheus), " +
          '{ error_rate: { url } } (rewind requests the URL each interval and counts failures) or { health: failing } ' +
          '(the health check); with above: and/or below: (a number; with both, it holds outside the band between them) and ' +
          'for: (it must hold for this whole window; 0s: at once, else at least interval; at most 1h). The most severe tier ' +
          'acts that has a breached condition, or one whose probe failed error_limit times in a row.',
      }),
  })
  .superRefine((watch, ctx) => {
    if (watch.interval > watch.for) {
      ctx.addIssue({
        code: 'custom',
        path: ['interval'],
        message:
          `expected at most for (${showDuration(watch.for)}): a watch shorter than one interval reads each condition once ` +
          `at most (got ${showDuration(watch.interval)})`,
      });
    }
    const firstAt = new Map<number, number>();
    watch.tiers.forEach((tier, t) => {
      const first = firstAt.get(tier.tier);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['tiers', t, 'tier'],
          message: `tier ${tier.tier} is declared twice (first at tiers[${first}]): put all its conditions in one when: list`,
        });
      } else {
        firstAt.set(tier.tier, t);
      }
      tier.when.forEach((condition, c) => {
        const at = ['tiers', t, 'when', c];
        if (condition.query !== undefined && watch.prometheus === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [...at, 'query'],
            message: 'a query: condition needs watch.prometheus (e.g. prometheus: { url: http://127.0.0.1:9090 }) to send it to',
          });
        }
        // A window shorter than the pause between readings is seen by one reading at most: say the intent (0s) or widen it.
        if (condition.for > 0 && condition.for < watch.interval) {
          ctx.addIssue({
            code: 'custom',
            path: [...at, 'for'],
            message:
              `expected 0s (at once) or at least interval (${showDuration(watch.interval)}): with a reading every ` +
              `${showDuration(watch.interval)}, a ${showDuration(condition.for)} window is never seen whole ` +
              `(got ${showDuration(condition.for)})`,
          });
        }
      });
    });
  })
  .meta({ description: 'Watching a release after it goes live, and what a breach triggers (rewind watch, deploy --watch).' });

export type WatchSection = z.infer<typeof watchSchema>;
