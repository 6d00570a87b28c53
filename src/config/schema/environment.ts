import { z } from 'zod';
import { command, commandList } from './common.js';
import { approvalSchema } from './approval.js';
import { healthSchema } from './health.js';
import { notifySchema } from './notify.js';
import { slaSchema } from './sla.js';
import { releasesSchema } from './releases.js';

export const environmentSchema = z
  .strictObject({
    driver: z.enum(['releases']).meta({ description: 'How this environment is switched between versions: releases (release dirs and a current symlink).' }),
    hosts: z
      .array(z.literal('local', { error: 'expected "local" (remote hosts come with the SSH transport)' }))
      .min(1)
      .default(['local'])
      .meta({ description: 'Where the app runs: local (this machine); remote hosts come with the SSH transport.' }),
    default: z.boolean().optional().meta({ description: 'Use this environment when --env is not given and default_env is not set.' }),
    releases: releasesSchema.optional(),
    reload: command.optional().meta({ description: 'Run after the switch, e.g. ["pm2", "startOrReload", "ecosystem.config.cjs", "--update-env"].' }),
    health: healthSchema.optional(),
    smoke: commandList.default([]).meta({ description: 'Commands that must exit 0 for a release to pass verification.' }),
    approval: approvalSchema.prefault({}),
    sla: slaSchema.prefault({}),
    notify: z.array(notifySchema).default([]).meta({ description: 'Where run events are sent: generic JSON webhooks, Slack, Telegram.' }),
    env: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name'), z.string())
      .default({})
      .meta({ description: 'Environment variables for the build, reload and smoke commands (e.g. NODE_ENV, PM2_HOME); values that look secret are redacted from output.' }),
  })
  .superRefine((env, ctx) => {
    if (env.driver === 'releases' && !env.releases) {
      ctx.addIssue({ code: 'custom', path: ['releases'], message: 'driver "releases" needs a releases section (path, source)' });
    }
  })
  .meta({ description: 'One place the app runs.' });

export type EnvironmentConfig = z.infer<typeof environmentSchema>;
