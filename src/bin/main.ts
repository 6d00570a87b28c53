import { runCli } from '../cli/main.js';

/**
 * The CLI as a process runs it: argv in, exit code out. A function rather than
 * top-level code so that the CommonJS bundle (which cannot hold a top-level
 * await) exports it and bin/rewind.js awaits it, the same way for the bundle
 * and for the unbundled tree.
 */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  // Ctrl-C: exit through process.exit so that the runner's exit hook stops the
  // commands it started (they run in their own process groups).
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));

  // The only place the process exits: argv in, exit code out.
  process.exitCode = await runCli(argv, {
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    exitCode: 0,
  });
}
