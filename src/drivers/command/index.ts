/**
 * The `command` driver: the escape hatch for targets rewind has no driver
 * for. The user's own commands switch the target (activate), say what it
 * runs (inspect), make a version ready (prepare) and say whether it is
 * (present). rewind brings what it brings to every driver: versions
 * checked before they reach an argument, placeholders substituted per
 * argument and never through a shell, a timeout on every command, the
 * REWIND_* variables, one-line errors, journaled steps, verification and
 * rollback. Commands run only through the Exec it is given, so the same
 * driver runs on a remote host over SSH.
 */
import type { Driver } from '../../core/driver.js';
import { assertSafeName, isSafeName } from '../../core/names.js';
import { activateVersion, describeActivation } from './activate.js';
import type { CommandDriverContext } from './context.js';
import { inspectTarget } from './inspect.js';
import { prepareVersion } from './prepare.js';
import { readiness } from './present.js';
import { commandVars } from './told.js';

export type { CommandDriverContext } from './context.js';

/** ctx.cwd must already be absolute (see module.ts). */
export function createCommandDriver(ctx: CommandDriverContext): Driver {
  return {
    kind: 'command',

    inspect: () => inspectTarget(ctx),

    async prepare(version, options) {
      assertSafeName(version, 'version');
      return prepareVersion(ctx, version, options);
    },

    async isPresent(version) {
      // An unsafe name never reaches a command; it cannot be a version this target has.
      if (!isSafeName(version)) return false;
      return (await readiness(ctx, version)).ready;
    },

    async activate(version, run) {
      assertSafeName(version, 'version');
      return activateVersion(ctx, version, run);
    },

    async describeActivate(version) {
      assertSafeName(version, 'version');
      return describeActivation(ctx, version);
    },

    // Old versions are the user's commands' business: rewind removes nothing it did not make.
    prune: async () => [],

    async vars(version) {
      assertSafeName(version, 'version');
      return commandVars(ctx, version);
    },
  };
}
