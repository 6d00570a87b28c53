import { z } from 'zod';

export const safetySchema = z
  .strictObject({
    allow_writes_only_under: z
      .array(z.string())
      .default(['.rewind'])
      .meta({
        description: 'Directories rewind may write to, relative to the config file; state.dir and each release path are always added.',
      }),
  })
  .meta({ description: 'Limits on what rewind may change.' });

export type SafetyConfig = z.infer<typeof safetySchema>;
