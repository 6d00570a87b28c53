/**
 * The `kubernetes` driver as the registry sees it: one instance for the
 * whole environment, talking to the cluster from this machine.
 *
 * Write roots: none of its own. It writes only the recorded ConfigMaps,
 * under state.dir, which the guard already allows.
 */
import type { DriverModule } from '../../core/driver.js';
import { openCluster, type Cluster } from './cluster.js';
import { createKubernetesDriver } from './index.js';
import { kubernetesSchema, type KubernetesConfig } from './schema.js';

export const kubernetesDriver: DriverModule<KubernetesConfig> = {
  kind: 'kubernetes',
  scope: 'environment',
  summary: 'one Deployment rolled out to an image and back to a verified revision, through the Kubernetes API',
  schema: kubernetesSchema,
  needs: 'deployment, image',
  writeRoots: () => [],
  create: (config, io) => {
    let opened: Promise<Cluster> | undefined;
    return createKubernetesDriver({
      app: io.app, env: io.env, config, files: io.local.files, stateDir: io.stateDir, clock: io.clock,
      cluster: () => (opened ??= openCluster(config, io.configDir, io.variables)),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
  },
};
