import { z } from 'zod';
import { environmentSchema } from './environment.js';
import { safetySchema } from './safety.js';
import { stateSchema } from './state.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export const configSchema = z
  .strictObject({
    app: z.string().regex(NAME, 'expected an app name of letters, digits, "_" or "-"').meta({ description: 'The application name.' }),
    default_env: z.string().optional().meta({ description: 'The environment used when --env is not given.' }),
    state: stateSchema.prefault({}),
    safety: safetySchema.prefault({}),
    environments: z
      .record(z.string().regex(NAME, 'expected an environment name of letters, digits, "_" or "-"'), environmentSchema)
      .refine((envs) => Object.keys(envs).length > 0, 'expected at least one environment')
      .meta({ description: 'Where the app runs, by name.' }),
  })
  .superRefine((config, ctx) => {
    if (config.default_env !== undefined && !(config.default_env in config.environments)) {
      ctx.addIssue({ code: 'custom', path: ['default_env'], message: `"${config.default_env}" is not one of the environments (${Object.keys(config.environments).join(', ')})` });
    }
  })
  .meta({ title: 'rewind.yaml', description: 'Configuration for rewind: https://github.com/rewind (see README "Configuration reference").' });

export type RewindConfig = z.infer<typeof configSchema>;
export type { EnvironmentConfig } from './environment.js';
export type { HealthConfig } from './health.js';
export type { ReleasesConfig, SourceConfig } from './releases.js';
