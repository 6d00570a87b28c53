import { z } from 'zod';
import { boundedDuration, command, commandList } from '../../core/configParts.js';
import { approvalSchema } from './approval.js';
import { healthSchema } from './health.js';
import { migrationsSchema } from './migrations.js';
import { notifySchema } from './notify.js';
import { slaSchema } from './sla.js';
import { SSH_HOST, sshSchema } from './ssh.js';
import { trafficSchema } from './traffic.js';
import { trafficIssues } from './trafficRules.js';
import { watchSchema } from './watch.js';
import { DRIVERS } from '../../drivers/index.js';

const kinds = DRIVERS.map((d) => d.kind) as [string, ...string[]];

/** Each driver's own section (`releases:`, `git:`, ...), optional here: the driver named must have its own. */
const driverSections = Object.fromEntries(DRIVERS.map((d) => [d.kind, d.schema.optional()])) as Record<
  string,
  z.ZodOptional<z.ZodType<unknown>>
>;

export const environmentSchema = z
  .strictObject({
    driver: z.enum(kinds).meta({
      description: `How this environment is switched between versions: ${DRIVERS.map((d) => `${d.kind} (${d.summary})`).join(', ')}.`,
    }),
    hosts: z
      .array(z.union([z.literal('local'), z.string().regex(SSH_HOST)], { error: 'expected "local" or ssh://user@host:port' }))
      .min(1)
      .refine((hosts) => new Set(hosts).size === hosts.length, 'a host is listed twice')
      .default(['local'])
      .meta({ description: 'Where the app runs: local (this machine) or ssh://user@host:port for each remote host.' }),
    ssh: sshSchema.prefault({}),
    concurrency: z.number().int().min(1).default(8).meta({ description: 'Hosts changed at the same time, at most.' }),
    canary: z
      .number()
      .int()
      .min(0)
      .default(0)
      .meta({ description: 'The first N hosts change alone and are verified before any other host is touched.' }),
    batch: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({
        description:
          'After the canary, hosts change in batches of this many, each verified before the next ' +
          '(default: all the rest at once).',
      }),
    default: z.boolean().optional().meta({ description: 'Use this environment when --env is not given and default_env is not set.' }),
    ...driverSections,
    reload: command
      .optional()
      .meta({ description: 'Run after the switch, e.g. ["pm2", "startOrReload", "ecosystem.config.cjs", "--update-env"].' }),
    health: healthSchema.optional(),
    watch: watchSchema.optional(),
    traffic: trafficSchema.optional(),
    migrations: migrationsSchema.optional(),
    smoke: commandList.default([]).meta({ description: 'Commands that must exit 0 for a release to pass verification.' }),
    diagnostics: commandList.default([]).meta({
      description: 'Commands run on each host before a rollback switches, their output kept (redacted) for the post-mortem: ' +
        'diagnostics/<host>/<n>.txt in the run\'s report dir.',
    }),
    diagnostics_timeout: boundedDuration('diagnostics').prefault('3s').meta({
      description: 'One bound for every diagnostic on every host: what has not finished is cut and noted; never fails the rollback.',
    }),
    approval: approvalSchema.prefault({}),
    sla: slaSchema.prefault({}),
    notify: z.array(notifySchema).default([]).meta({ description: 'Where run events are sent: generic JSON webhooks, Slack, Telegram.' }),
    env: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name'), z.string())
      .default({})
      .meta({
        description:
          'Environment variables for the build, reload and smoke commands (e.g. NODE_ENV, PM2_HOME); ' +
          'values that look secret are redacted from output.',
      }),
  })
  .superRefine((env, ctx) => {
    const module = DRIVERS.find((d) => d.kind === env.driver);
    if (!module) return;
    if ((env as Record<string, unknown>)[module.kind] === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [module.kind],
        message: `driver "${module.kind}" needs a ${module.kind} section (${module.needs})`,
      });
    }
    if (module.scope === 'environment' && (env.hosts.length !== 1 || env.hosts[0] !== 'local')) {
      ctx.addIssue({
        code: 'custom',
        path: ['hosts'],
        message: `driver "${module.kind}" acts on the whole environment, not on hosts: remove hosts`,
      });
    }
    for (const issue of trafficIssues(env, module, DRIVERS)) ctx.addIssue({ code: 'custom', ...issue });
  })
  .meta({ description: 'One place the app runs.' });

/** The common settings, typed; each driver's section is read by its own module (see driverSection). */
export type EnvironmentConfig = z.infer<typeof environmentSchema> & { readonly [section: string]: unknown };

/** The section of the environment's own driver (`releases:` for driver: releases), as its schema parsed it. */
export function driverSection(env: EnvironmentConfig): unknown {
  return env[env.driver];
}
