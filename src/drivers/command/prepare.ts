/**
 * Making a version ready: ask present first (a ready version is reused, as
 * the releases driver reuses an intact release), else run the prepare
 * commands in order, then ask present again, so a prepare that "succeeded"
 * without making the version ready is caught before anything switches to it.
 * Nothing here switches the target: preparing is safe while the current
 * version serves.
 */
import type { PreparedRelease, PrepareOptions } from '../../core/driver.js';
import { RewindError } from '../../core/errors.js';
import type { CommandDriverContext } from './context.js';
import { readiness } from './present.js';
import { runOrFail } from './run.js';
import { showArgv, showCommands } from './show.js';

export async function prepareVersion(ctx: CommandDriverContext, version: string, options: PrepareOptions = {}): Promise<PreparedRelease> {
  const { present, prepare } = ctx.config;
  // Asked unless told to make it again (it was found damaged) and there is a way to; without a present command there is nothing to ask.
  const ask = present !== undefined && (options.rebuild !== true || prepare.length === 0);
  const before = ask ? await readiness(ctx, version) : null;
  if (before?.ready === true) return { version, sha: null, artifact: `${version}, ready by ${shown(before.asked)}`, reused: true };
  if (prepare.length === 0) {
    if (before === null) return { version, sha: null, artifact: `${version} (no prepare commands)`, reused: true };
    throw new RewindError(
      'BUILD_FAILED',
      `${version} is not ready (present ${shown(before.asked)} exited non-zero) and there are no prepare commands to make it`,
      { version },
    );
  }
  const ran: string[][] = [];
  for (const command of prepare) ran.push((await runOrFail(ctx, 'prepare', command, { version, run: options.run }, 'BUILD_FAILED')).argv);
  if (present !== undefined) {
    const after = await readiness(ctx, version);
    if (!after.ready) {
      throw new RewindError(
        'BUILD_FAILED',
        `the prepare commands exited 0, but present ${shown(after.asked)} still says ${version} is not ready`,
        { version },
      );
    }
  }
  return { version, sha: null, artifact: `${version} by ${showCommands(ran)}`, reused: false };
}

function shown(argv: readonly string[] | null): string {
  return argv === null ? 'the present command' : `\`${showArgv(argv)}\``;
}
