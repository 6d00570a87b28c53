import { z } from 'zod';
import { NAME_PATTERN as NAME } from '../../core/configParts.js';
import { auditSchema } from './audit.js';
import { environmentSchema } from './environment.js';
import { pipelineSchema } from './pipeline.js';
import { safetySchema } from './safety.js';
import { stateSchema } from './state.js';

export const configSchema = z
  .strictObject({
    app: z
      .string()
      .regex(NAME, 'expected an app name of up to 64 letters, digits, "_" or "-", starting with a letter or digit')
      .meta({ description: 'The application name; used in reports and as {app} in commands.' }),
    default_env: z.string().optional().meta({ description: 'The environment used when --env is not given; must be one of environments.' }),
    state: stateSchema.prefault({}),
    safety: safetySchema.prefault({}),
    audit: auditSchema.prefault({}),
    environments: z
      .record(
        z.string().regex(NAME, 'expected an environment name of up to 64 letters, digits, "_" or "-", starting with a letter or digit'),
        environmentSchema,
        {
          // Only for a non-mapping; a bad key keeps the key's own message.
          error: (issue) =>
            issue.code === 'invalid_type'
              ? 'expected a mapping of environment names to their settings, e.g. production: { driver: releases, ... }'
              : undefined,
        },
      )
      .refine((envs) => Object.keys(envs).length > 0, 'expected at least one environment')
      .meta({ description: 'Where the app runs, by name (letters, digits, _ or -); --env NAME picks one.' }),
    pipeline: pipelineSchema.optional(),
  })
  .superRefine((config, ctx) => {
    const names = Object.keys(config.environments);
    // hasOwn, not `in`: "toString" must not count as a declared environment.
    if (config.default_env !== undefined && !Object.hasOwn(config.environments, config.default_env)) {
      ctx.addIssue({
        code: 'custom',
        path: ['default_env'],
        message: `unknown environment "${config.default_env}" (expected one of: ${names.join(', ')})`,
      });
    }
    const marked = names.filter((name) => config.environments[name]?.default === true);
    if (marked.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['environments', marked[1] as string, 'default'],
        message: `only one environment may be marked default: true (found: ${marked.join(', ')})`,
      });
    }
  })
  .meta({
    title: 'rewind.yaml',
    description: 'Configuration for rewind, the deployment rollback tool (see README "Configuration reference").',
  });

export type RewindConfig = z.infer<typeof configSchema>;
export type { EnvironmentConfig } from './environment.js';
export type { HealthConfig } from './health.js';
export type { PipelineConfig } from './pipeline.js';
