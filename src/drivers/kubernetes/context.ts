import type { Clock, Files } from '../../core/ports.js';
import type { Cluster } from './cluster.js';
import type { KubernetesConfig } from './schema.js';

/** What the kubernetes driver of one environment works with. */
export interface KubeContext {
  app: string;
  env: string;
  config: KubernetesConfig;
  /** The cluster, opened on first use and kept for the run. */
  cluster(): Promise<Cluster>;
  /** This machine's files: the recorded ConfigMaps live under stateDir. */
  files: Files;
  stateDir: string;
  clock: Clock;
  sleep(ms: number): Promise<void>;
}
