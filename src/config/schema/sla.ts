import { z } from 'zod';
import { DURATION_BOUNDS, parseDuration } from '../../core/configParts.js';

const { min, max } = DURATION_BOUNDS.slaRollback;

export const slaSchema = z
  .strictObject({
    rollback_seconds: z
      .number()
      .min(parseDuration(min) / 1000)
      .max(parseDuration(max) / 1000)
      .default(90)
      .meta({
        description:
          'Seconds: a rollback that takes longer than this (from start to verified) is an SLA breach, logged to sla-breaches.csv. ' +
          `From ${parseDuration(min) / 1000} to ${parseDuration(max) / 1000}.`,
      }),
  })
  .meta({ description: 'Service levels a run is measured against.' });

export type SlaConfig = z.infer<typeof slaSchema>;
