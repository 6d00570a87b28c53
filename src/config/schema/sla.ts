import { z } from 'zod';

export const slaSchema = z
  .strictObject({
    rollback_seconds: z
      .number()
      .positive()
      .default(90)
      .meta({
        description: 'A rollback that takes longer than this (from start to verified) is an SLA breach, logged to sla-breaches.csv.',
      }),
  })
  .meta({ description: 'Service levels a run is measured against.' });

export type SlaConfig = z.infer<typeof slaSchema>;
