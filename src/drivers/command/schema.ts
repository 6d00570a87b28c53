import { z } from 'zod';
import { boundedDuration, command, commandList } from '../../core/configParts.js';

/**
 * The `command:` section. The commands are the user's own programs, so the
 * schema refuses what could only go wrong at run time: a placeholder this
 * driver never has a value for would reach the program as literal text.
 */
export const commandSchema = z
  .strictObject({
    activate: commandList
      .min(1, 'expected at least one activate command, such as [["./switch.sh", "{version}"]]')
      .meta({ description: 'Commands that switch the target to {version}, run in order; the first that fails stops the switch.' }),
    inspect: command.meta({
      description:
        'Prints the version the target is switched to on stdout (its first non-empty line; nothing when none is); ' +
        'run by status, plans and drills.',
    }),
    prepare: commandList
      .default([])
      .meta({
        description:
          'Commands that make {version} ready to switch to (fetch, unpack, build), run in order; ' +
          'skipped when present says it is ready.',
      }),
    present: command.optional().meta({
      description: 'Exits 0 when {version} is ready to switch to, non-zero when it is not; without it every version counts as ready.',
    }),
    cwd: z
      .string()
      .optional()
      .meta({
        description:
          'Where the commands run, and {release_dir}; relative to the config file (its dir by default); ' +
          "must be absolute for remote hosts. {host} is each host's address.",
      }),
    timeout: boundedDuration('commandTimeout')
      .prefault('5m')
      .meta({ description: 'How long each command may run before its process group is killed and it counts as failed.' }),
  })
  .superRefine((section, ctx) => {
    const named = (commands: readonly (readonly string[])[], key: string) =>
      commands.flatMap((argv, i) => argv.map((item, j) => ({ item, path: [key, i, j] })));
    const items = [
      ...named(section.activate, 'activate'),
      ...named(section.prepare, 'prepare'),
      ...section.inspect.map((item, j) => ({ item, path: ['inspect', j] })),
      ...(section.present ?? []).map((item, j) => ({ item, path: ['present', j] })),
    ];
    for (const { item, path } of items) {
      // Nothing here knows a commit: a release of this driver has none.
      if (item.includes('{sha}')) {
        ctx.addIssue({ code: 'custom', path, message: 'the command driver knows no commit sha: {sha} would stay empty; use {version}' });
      }
    }
    for (const { item, path } of items.filter((i) => i.path[0] === 'inspect')) {
      if (item.includes('{version}')) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: 'inspect finds the live version out and is not told one: {version} has no value here',
        });
      }
    }
  })
  .meta({ description: "The command driver: the user's own commands switch, inspect and prepare the target (the escape hatch)." });

export type CommandConfig = z.infer<typeof commandSchema>;
