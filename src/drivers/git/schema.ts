import { z } from 'zod';
import { commandList } from '../../core/configParts.js';

/**
 * A remote's name as git allows it, minus anything a tool could read as a
 * flag (a leading `-`) or as a path out of refs/remotes (`..`).
 */
const REMOTE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._/-]{0,99}$/;

const remote = z
  .union([
    z.literal(false),
    z
      .string()
      .regex(REMOTE_NAME, 'expected a git remote name such as "origin" (letters, digits, ".", "_", "/", "-"), or false')
      .refine((name) => !name.includes('..'), 'a git remote name cannot contain ".."'),
  ], { error: 'expected a git remote name such as "origin", or false to never fetch' })
  .default('origin')
  .meta({
    description:
      'The remote fetched with `git fetch --tags --force` before a deploy or rollback, when the checkout has it ' +
      '(a missing remote is skipped); false to never fetch.',
  });

export const gitSchema = z
  .strictObject({
    path: z.string().meta({
      description: "The app's git checkout on the host, where tags are checked out in place; relative to the config file or absolute.",
    }),
    remote,
    install: commandList
      .default([['npm', 'ci', '--omit=dev']])
      .meta({ description: 'Commands run inside the checkout after each checkout (and inside the preflight worktree), in order.' }),
    build: commandList.default([]).meta({ description: 'Commands run after install, in the same place, in order.' }),
    preflight: z
      .boolean()
      .default(true)
      .meta({
        description:
          'Before touching the checkout, build the target tag in a scratch worktree beside it (<path>.rewind-preflight/<version>); ' +
          'a target that does not build stops the run.',
      }),
    allow_dirty: z
      .boolean()
      .default(false)
      .meta({
        description:
          'Let a switch proceed over uncommitted changes to tracked files; ' +
          'they are saved with `git stash` first, then discarded from the checkout.',
      }),
  })
  .meta({
    description:
      'The git driver: check the version tag out in place, install, build. ' +
      'Slow and not atomic; preflight builds the target first.',
  });

export type GitConfig = z.infer<typeof gitSchema>;
