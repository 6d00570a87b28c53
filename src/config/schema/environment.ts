import { z } from 'zod';
import { command, commandList } from './common.js';
import { approvalSchema } from './approval.js';
import { gitSchema } from './git.js';
import { healthSchema } from './health.js';
import { migrationsSchema } from './migrations.js';
import { notifySchema } from './notify.js';
import { slaSchema } from './sla.js';
import { SSH_HOST, sshSchema } from './ssh.js';
import { releasesSchema } from './releases.js';

export const environmentSchema = z
  .strictObject({
    driver: z.enum(['releases', 'git']).meta({ description: 'How this environment is switched between versions: releases (release dirs and a current symlink, switched atomically) or git (a checkout moved to the tag in place: the slow path).' }),
    hosts: z
      .array(z.union([z.literal('local'), z.string().regex(SSH_HOST)], { error: 'expected "local" or ssh://user@host:port' }))
      .min(1)
      .refine((hosts) => new Set(hosts).size === hosts.length, 'a host is listed twice')
      .default(['local'])
      .meta({ description: 'Where the app runs: local (this machine) or ssh://user@host:port for each remote host.' }),
    ssh: sshSchema.prefault({}),
    concurrency: z.number().int().min(1).default(8).meta({ description: 'Hosts changed at the same time, at most.' }),
    canary: z.number().int().min(0).default(0).meta({ description: 'The first N hosts change alone and are verified before any other host is touched.' }),
    batch: z.number().int().min(1).optional().meta({ description: 'After the canary, hosts change in batches of this many, each verified before the next (default: all the rest at once).' }),
    default: z.boolean().optional().meta({ description: 'Use this environment when --env is not given and default_env is not set.' }),
    releases: releasesSchema.optional(),
    git: gitSchema.optional(),
    reload: command.optional().meta({ description: 'Run after the switch, e.g. ["pm2", "startOrReload", "ecosystem.config.cjs", "--update-env"].' }),
    health: healthSchema.optional(),
    migrations: migrationsSchema.optional(),
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
    if (env.driver === 'git' && !env.git) {
      ctx.addIssue({ code: 'custom', path: ['git'], message: 'driver "git" needs a git section (path of the checkout)' });
    }
  })
  .meta({ description: 'One place the app runs.' });

export type EnvironmentConfig = z.infer<typeof environmentSchema>;
