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
      .optional()
      .meta({
        description:
          'Where the app runs, by name (letters, digits, _ or -); --env NAME picks one. ' +
          'Required unless the file holds only a pipeline (the pipeline commands need no environment).',
      }),
    pipeline: pipelineSchema.optional(),
  })
  .superRefine((config, ctx) => {
    const environments = config.environments ?? {};
    const names = Object.keys(environments);
    if (names.length === 0 && config.pipeline === undefined) {
      // Shaped like zod's own missing-key issue, so a file without the key reads 'missing required key "environments"'.
      ctx.addIssue(
        config.environments === undefined
          ? { code: 'invalid_type', expected: 'record', input: undefined, path: ['environments'], message: 'missing' }
          : { code: 'custom', path: ['environments'], message: 'expected at least one environment (or a pipeline: section)' },
      );
    }
    // hasOwn, not `in`: "toString" must not count as a declared environment.
    if (config.default_env !== undefined && !Object.hasOwn(environments, config.default_env)) {
      ctx.addIssue({
        code: 'custom',
        path: ['default_env'],
        message:
          `unknown environment "${config.default_env}" ` +
          (names.length > 0 ? `(expected one of: ${names.join(', ')})` : '(no environments are declared)'),
      });
    }
    const marked = names.filter((name) => environments[name]?.default === true);
    if (marked.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['environments', marked[1] as string, 'default'],
        message: `only one environment may be marked default: true (found: ${marked.join(', ')})`,
      });
    }
  })
  // A pipeline-only file has no environments: to everything after the loader, that is an empty mapping.
  .transform((config) => ({ ...config, environments: config.environments ?? {} }))
  .meta({
    title: 'rewind.yaml',
    description: 'Configuration for rewind, the deployment rollback tool (see README "Configuration reference").',
  });

export type RewindConfig = z.output<typeof configSchema>;
export type { EnvironmentConfig } from './environment.js';
export type { HealthConfig } from './health.js';
export type { PipelineConfig } from './pipeline.js';
