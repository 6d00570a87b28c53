import { Option, type Command } from 'commander';
import { recordDeployment } from '../../operations/recordDeployment.js';
import { globalsOf, withEnvironment } from '../context.js';
import { out, printJson, type CliIO } from '../io.js';
import { releaseJson } from '../views/json.js';

export function registerRecord(program: Command, io: CliIO): void {
  program
    .command('record')
    .description('register a deployment made by another system')
    .requiredOption('--version <version>', 'the version that was deployed')
    .option('--sha <sha>', 'the commit it was built from')
    .addOption(new Option('--status <status>', 'how it went').choices(['verified', 'failed']).makeOptionMandatory())
    .option('--source <name>', 'the system that deployed it', 'external')
    .action(async (options: { version: string; sha?: string; status: 'verified' | 'failed'; source: string }, command: Command) => {
      const globals = globalsOf(command);
      const release = await withEnvironment(io, globals, (deps) =>
        recordDeployment(deps, { version: options.version, sha: options.sha ?? null, status: options.status, source: options.source }));
      if (globals.json) printJson(io, { release_id: release.id, release: releaseJson(release) });
      else if (!globals.quiet) out(io, `recorded ${release.version} as ${release.status} (release ${release.id})`);
    });
}
