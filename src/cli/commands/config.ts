import type { Command } from 'commander';
import { configJsonSchema } from '../../config/jsonSchema.js';
import { printJson, type CliIO } from '../io.js';

export function registerConfig(program: Command, io: CliIO): void {
  const config = program.command('config').description('the configuration file');
  config
    .command('schema')
    .description('print the JSON Schema of rewind.yaml (for editors)')
    .action(() => {
      printJson(io, configJsonSchema());
    });
}
