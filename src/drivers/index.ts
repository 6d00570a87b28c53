/**
 * The one list of drivers. Adding a driver is a folder under src/drivers/
 * that exports a DriverModule, and one line here: the config schema, the
 * JSON Schema, the README's reference and the wiring all read this list.
 */
import type { DriverModule } from '../core/driver.js';
import { archiveDriver } from './archive/module.js';
import { commandDriver } from './command/module.js';
import { dockerDriver } from './docker/module.js';
import { gitDriver } from './git/module.js';
import { kubernetesDriver } from './kubernetes/module.js';
import { npmDriver } from './npm/module.js';
import { releasesDriver } from './releases/module.js';

export const DRIVERS: readonly DriverModule<any>[] = [
  releasesDriver,
  gitDriver,
  dockerDriver,
  kubernetesDriver,
  npmDriver,
  archiveDriver,
  commandDriver,
];

/** The driver `rewind init` writes a starting point for and `rewind demo` shows. */
export const DEFAULT_DRIVER = releasesDriver as typeof releasesDriver & { starter: NonNullable<typeof releasesDriver.starter> };

/** The module of a `driver:` value; the schema has already refused unknown kinds. */
export function driverModule(kind: string, drivers: readonly DriverModule<any>[] = DRIVERS): DriverModule<any> {
  const found = drivers.find((d) => d.kind === kind);
  if (!found) throw new Error(`no driver of kind ${JSON.stringify(kind)} (known: ${drivers.map((d) => d.kind).join(', ')})`);
  return found;
}
