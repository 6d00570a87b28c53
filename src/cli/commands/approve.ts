import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { approveRun } from '../../operations/approveRun.js';
import { resumeRun } from '../../operations/resumeRun.js';
import { globalsOf, withEnvironment } from '../context.js';
import { out, printJson, type CliIO } from '../io.js';
import { runJson } from '../views/json.js';
import { showResumed } from './resume.js';

export function registerApprove(program: Command, io: CliIO): void {
  program
    .command('approve')
    .description('approve a run waiting for approval; with --apply carry it out too')
    .argument('<run>', 'the run id the blocked command printed')
    .option('--apply', 'carry the run out now')
    .option('--key <file>', 'sign the approval with this SSH key (needed when approval.allowed_signers is set): ' +
      'a private key, or its .pub when the key is in ssh-agent')
    .action(async (runId: string, options: { apply?: boolean; key?: string }, command: Command) => {
      const globals = globalsOf(command);
      const keyFile = options.key === undefined ? undefined : keyPath(io, options.key);
      await withEnvironment(io, globals, async (deps) => {
        const run = await approveRun(deps, runId, { keyFile });
        if (options.apply) {
          io.exitCode = showResumed(io, globals, await resumeRun(deps, run.id));
          return;
        }
        if (globals.json) printJson(io, { run_id: run.id, approved_by: run.approvedBy, run: runJson(run) });
        else if (!globals.quiet) out(io, `approved ${run.id} as ${run.approvedBy}: carry it out with \`rewind resume ${run.id}\``);
      });
    });
}

/** `--key=~/.ssh/id_ed25519` reaches us with the `~` unexpanded; relative paths are from where rewind was started. */
function keyPath(io: CliIO, key: string): string {
  const home = key === '~' || key.startsWith('~/') ? `${io.env.HOME ?? homedir()}${key.slice(1)}` : key;
  return resolve(io.cwd, home);
}
