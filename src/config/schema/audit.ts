import { z } from 'zod';

export const auditSchema = z
  .strictObject({
    key_env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name')
      .optional()
      .meta({
        description:
          'The environment variable holding an HMAC key (16 characters or more) that keys the audit chain, so that recomputing ' +
          'it after an edit needs the key; the key itself never goes in rewind.yaml, and every command refuses to run without it.',
      }),
  })
  .meta({ description: 'The audit log: a hash chain of every run, approval and release change.' });

export type AuditConfig = z.infer<typeof auditSchema>;
