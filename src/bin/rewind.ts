#!/usr/bin/env node
import { runCli } from '../cli/main.js';

// Ctrl-C: exit through process.exit so that the runner's exit hook stops the
// commands it started (they run in their own process groups).
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

// The only place the process exits: argv in, exit code out.
const code = await runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
  exitCode: 0,
});
process.exitCode = code;
