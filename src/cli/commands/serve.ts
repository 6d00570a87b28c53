import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { environmentNames } from '../../config/environments.js';
import { loadConfig } from '../../config/load.js';
import { RewindError } from '../../core/errors.js';
import { ignoreEvents } from '../../core/events.js';
import { createDashboard } from '../../server/app.js';
import { listen } from '../../server/listen.js';
import { openEnvironment, type OpenEnvironment } from '../../wiring/openEnvironment.js';
import { globalsOf } from '../context.js';
import { err, out, printJson, type CliIO } from '../io.js';

interface ServeOptions {
  host: string;
  port: string;
}

/**
 * `rewind serve`: the dashboard over every environment of the config (or
 * --env's), until the process is stopped. The command hands the opened
 * environments to server/, which renders them; it is read-only unless
 * REWIND_SERVE_TOKEN is set.
 */
export function registerServe(program: Command, io: CliIO): void {
  program
    .command('serve')
    .description('the dashboard: what runs where, timelines, runs, the audit log, DORA figures (127.0.0.1:8080 by default)')
    .option('--host <address>', 'the address to listen on (default 127.0.0.1: this machine only)', '127.0.0.1')
    .option('--port <port>', 'the port to listen on', '8080')
    .action(async (options: ServeOptions, command: Command) => {
      const globals = globalsOf(command);
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new RewindError('USAGE', `--port ${options.port}: expected a port number from 0 to 65535`);
      }
      const loaded = await loadConfig({ cwd: io.cwd, file: globals.config });
      const names = globals.env === undefined ? environmentNames(loaded.config) : [globals.env];
      const envs = new Map<string, OpenEnvironment>();
      try {
        for (const name of names) {
          const opened = await openEnvironment({
            cwd: io.cwd, configFile: globals.config, envName: name, events: ignoreEvents, processEnv: io.env,
          });
          envs.set(name, opened);
        }
        const token = io.env.REWIND_SERVE_TOKEN?.trim() || undefined;
        const dashboard = createDashboard({ app: loaded.config.app, envs, token, random: () => randomBytes(16).toString('hex') });
        const listening = await listen(dashboard, options.host, port);
        const mode = token ? 'approvals enabled with REWIND_SERVE_TOKEN' : 'read-only (set REWIND_SERVE_TOKEN to allow approvals)';
        if (globals.json) printJson(io, { url: listening.url, environments: names, read_only: token === undefined });
        else if (!globals.quiet) out(io, `rewind serve: ${listening.url} (${mode}); Ctrl-C stops it`);
        // Served until the process is stopped (bin/main turns SIGINT and SIGTERM into an exit).
        await new Promise<never>(() => undefined);
      } catch (error) {
        for (const env of envs.values()) await env.close().catch((e: unknown) => err(io, `rewind: warning: ${String(e)}`));
        throw error;
      }
    });
}
