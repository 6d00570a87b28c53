/**
 * The `npm` driver as the registry sees it: one instance for the whole
 * environment, talking to the registry from this machine. Write roots: none.
 */
import type { DriverModule } from '../../core/driver.js';
import { createNpmDriver } from './index.js';
import { registryClient } from './registry.js';
import { npmSchema, type NpmConfig } from './schema.js';

export const npmDriver: DriverModule<NpmConfig> = {
  kind: 'npm',
  scope: 'environment',
  summary: "a package's dist-tag on an npm registry, moved to a verified version and back over the registry's HTTP API",
  schema: npmSchema,
  needs: 'package',
  writeRoots: () => [],
  create: (config, io) => createNpmDriver({
    config, registry: registryClient(config, io.variables), clock: io.clock, files: io.local.files,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)), oneTimePassword: io.oneTimePassword,
  }),
};
