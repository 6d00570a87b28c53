/**
 * The `command` driver as the registry sees it: one instance per host, its
 * commands run there (over SSH for a remote host).
 *
 * Write roots: none. The write guard checks what rewind itself writes
 * through Files, and this driver writes nothing: the user's commands are
 * processes of their own, which the guard cannot see and does not govern
 * (a build or reload command is no different). Listing the cwd would not
 * constrain them, and since the cwd defaults to the config file's dir it
 * would open the whole project to rewind's own writes, undoing
 * safety.allow_writes_only_under.
 */
import { isAbsolute, resolve } from 'node:path';
import type { DriverHost, DriverModule } from '../../core/driver.js';
import { RewindError } from '../../core/errors.js';
import { expandItem } from '../../core/template.js';
import { createCommandDriver } from './index.js';
import { commandSchema, type CommandConfig } from './schema.js';

export const commandDriver: DriverModule<CommandConfig> = {
  kind: 'command',
  scope: 'host',
  summary: "the user's own commands switch and inspect the target: the escape hatch",
  schema: commandSchema,
  needs: 'activate, inspect',
  writeRoots: (config, host) => {
    // Called for every host before anything connects: a remote host's missing or relative cwd is a config error then.
    commandCwd(config, host);
    return [];
  },
  create: (config, io) => createCommandDriver({
    app: io.app, env: io.env, host: io.host.address, cwd: commandCwd(config, io.host), config, exec: io.exec, slot: io.slot,
  }),
  // Each slot's commands are told {slot} and {port}: the user's scripts run one copy per slot.
  slots: true,
};

/** command.cwd on `host`: `{host}` is its address; the config file's dir by default, and only on this machine. */
export function commandCwd(config: CommandConfig, host: DriverHost): string {
  if (config.cwd === undefined) {
    if (host.remote) {
      throw new RewindError(
        'CONFIG_INVALID',
        `command.cwd must be set to an absolute path for remote hosts (${host.name} has no config file dir to default to)`,
        { field: 'command.cwd' },
      );
    }
    return host.base;
  }
  const cwd = expandItem(config.cwd, { host: host.address });
  if (host.remote && !isAbsolute(cwd)) {
    throw new RewindError('CONFIG_INVALID', `command.cwd must be absolute for remote hosts (got ${JSON.stringify(config.cwd)})`, {
      field: 'command.cwd',
    });
  }
  return resolve(host.base, cwd);
}
