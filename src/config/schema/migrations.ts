import { z } from 'zod';
import { PLACEHOLDERS, unknownPlaceholders } from '../../core/template.js';
import { command } from '../../core/configParts.js';

/** Like `command`, plus {migration}: the id being reverted. */
const downCommand = z
  .array(z.string(), { error: 'expected a command as an argument array such as ["npx", "tool", "down", "{migration}"]' })
  .min(1, 'expected a command as a non-empty argument array')
  .superRefine((argv, ctx) => {
    argv.forEach((item, index) => {
      const unknown = unknownPlaceholders(item).filter((name) => name !== 'migration');
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message:
            `unknown placeholder {${unknown[0]}} ` +
            `(expected one of: ${[...PLACEHOLDERS, 'migration'].map((n) => `{${n}}`).join(' ')})`,
        });
      }
    });
  });

const reversibility = z.enum(['auto', 'manual', 'none'], { error: 'expected auto, manual or none' });

/** Migration ids name files and appear in argv items: the same safe shape as versions. */
const MIGRATION_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export const migrationsSchema = z
  .strictObject({
    tool: z.enum(['sql', 'knex', 'command']).meta({
      description:
        'Who applies and reverts migrations: sql (rewind runs NNN_name.sql / NNN_name.down.sql itself), ' +
        "knex (the release's own knex CLI), command (any other tool, through status/up/down).",
    }),
    dir: z.string().default('db/migrations').meta({ description: 'Where the migration files are, relative to the release dir.' }),
    database_url_env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name')
      .default('DATABASE_URL')
      .meta({
        description:
          "The variable of rewind's own environment holding the app database's connection string; " +
          'passed on to knex and command tools, redacted everywhere.',
      }),
    status: command.optional().meta({ description: 'command tool: prints the applied migration ids, one per line.' }),
    up: command.optional().meta({ description: 'command tool: applies every pending migration (run in the release dir).' }),
    down: downCommand.optional().meta({ description: 'command tool: reverts one migration; {migration} stands for its id.' }),
    reversibility: reversibility.default('auto').meta({
      description:
        'How a migration of this environment is undone unless it says otherwise: ' +
        'auto (its down step), manual (an operator must act) or none (irreversible: forward fix only).',
    }),
    overrides: z
      .record(z.string().regex(MIGRATION_ID, 'expected a migration id such as 003_drop_legacy'), reversibility)
      .default({})
      .meta({
        description:
          'Reversibility per migration id, e.g. { "003_drop_legacy": none }; ' +
          'a marker in the file itself (-- rewind: manual) wins.',
      }),
  })
  .superRefine((m, ctx) => {
    if (m.tool !== 'command') return;
    for (const key of ['status', 'up', 'down'] as const) {
      if (!m[key]) ctx.addIssue({ code: 'custom', path: [key], message: `tool "command" needs ${key}: an argument array` });
    }
    if (m.down && !m.down.some((item) => item.includes('{migration}'))) {
      ctx.addIssue({ code: 'custom', path: ['down'], message: 'down must name the migration to revert with {migration}' });
    }
  })
  .meta({ description: 'Database migrations that roll back with the code: recorded per release at deploy, reverted before the switch.' });

export type MigrationsConfig = z.infer<typeof migrationsSchema>;
export { MIGRATION_ID };
