import { Command, Option } from 'commander';
import { terminalText } from '../core/terminalText.js';
import { toolVersion } from '../operations/toolVersion.js';
import { registerAbandon } from './commands/abandon.js';
import { registerAudit } from './commands/audit.js';
import { registerApprove } from './commands/approve.js';
import { registerConfig } from './commands/config.js';
import { registerDemo } from './commands/demo.js';
import { registerDeploy } from './commands/deploy.js';
import { registerDrill } from './commands/drill.js';
import { registerHistory } from './commands/history.js';
import { registerInit } from './commands/init.js';
import { registerLedger } from './commands/ledger.js';
import { registerMetrics } from './commands/metrics.js';
import { registerPipeline } from './commands/pipeline.js';
import { registerRecord } from './commands/record.js';
import { registerReport } from './commands/report.js';
import { registerResume } from './commands/resume.js';
import { registerRollback } from './commands/rollback.js';
import { registerServe } from './commands/serve.js';
import { registerStatus } from './commands/status.js';
import { registerVerify } from './commands/verify.js';
import { registerWatch } from './commands/watch.js';
import type { CliIO } from './io.js';

/** The whole command line: global flags, then one file per command. */
export function buildProgram(io: CliIO): Command {
  const program = new Command('rewind')
    .description('take a failed deployment back to the last version known to work, and prove it')
    .version(toolVersion(), '--version', 'print the version')
    // `record --version V` is the contract, so rewind's own --version only counts before the command.
    .enablePositionalOptions()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // Usage errors get the same one-line form as every other error.
      outputError: (s, write) => write(`rewind: ${terminalText(s.replace(/^error: /, '').trimEnd())} (see rewind --help)\n`),
    })
    .exitOverride();
  for (const register of [
    registerInit,
    registerConfig,
    registerDemo,
    registerDeploy,
    registerRecord,
    registerStatus,
    registerVerify,
    registerHistory,
    registerRollback,
    registerWatch,
    registerServe,
    registerApprove,
    registerResume,
    registerAbandon,
    registerDrill,
    registerAudit,
    registerMetrics,
    registerReport,
    registerLedger,
    registerPipeline,
  ]) {
    register(program, io);
  }
  addUniversalOptions(program);
  for (const command of program.commands) inherit(command, program);
  return program;
}

/** The universal flags work before the command name and after it. */
function addUniversalOptions(command: Command): void {
  command
    .option('--config <file>', 'rewind.yaml to use (default: found upward from the working directory)')
    .option('--env <name>', 'the environment (default: default_env)')
    .option('--json', 'print one JSON document on stdout and nothing else there')
    .addOption(new Option('--quiet', 'print nothing but errors').conflicts('verbose'))
    .option('--verbose', 'more detail, and stack traces on errors')
    .option('--new-ledger', 'start a new history although the ledger is empty and the targets or reports show an earlier one (audited)');
}

function inherit(command: Command, parent: Command): void {
  command.configureOutput(parent.configureOutput()).exitOverride();
  if (command.commands.length === 0) addUniversalOptions(command);
  for (const sub of command.commands) inherit(sub, command);
}
