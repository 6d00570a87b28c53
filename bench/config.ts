/**
 * The rewind.yaml files the benchmark writes: one a user could write for
 * speed (measured), one for setting the stage (first start of the app under
 * PM2, and putting the broken release back before each sample).
 */
export interface ConfigInput {
  urls: string[];
  identityFile: string;
  knownHosts: string;
  repo: string;
  root: string;
  port: number;
  node: string;
  pm2: string;
  mode: ExecMode;
}

export type ExecMode = 'cluster' | 'fork';

/** PM2's exec mode and instance count, as the sample app's ecosystem file reads them. */
export function modeEnv(mode: ExecMode): string[] {
  return mode === 'cluster' ? ['EXEC_MODE=cluster', 'INSTANCES=2'] : ['EXEC_MODE=fork', 'INSTANCES=1'];
}

/** The measured config: `pm2 reload demo-shop` (PM2 keeps the `current` path, so it runs the newly linked release), health every 50 ms, one success. */
export function measuredConfig(input: ConfigInput): string {
  const reload = ['env', `PM2_HOME=${input.root}/pm2-{host}`, ...modeEnv(input.mode), input.node, input.pm2, 'reload', 'demo-shop'];
  return configText(input, reload, '10s');
}

/** The stage config: startOrReload from the release's ecosystem file (starts PM2 the first time); a broken release fails in 1 s. */
export function stageConfig(input: ConfigInput): string {
  const reload = ['env', `PM2_HOME=${input.root}/pm2-{host}`, 'BIND={host}', `PORT=${input.port}`, ...modeEnv(input.mode), input.node, input.pm2, 'startOrReload', 'ecosystem.config.cjs', '--update-env'];
  return configText(input, reload, '1s');
}

function configText(input: ConfigInput, reload: string[], healthTimeout: string): string {
  const q = (s: string): string => JSON.stringify(s);
  return `app: demo-shop
default_env: production
environments:
  production:
    driver: releases
    hosts: [${input.urls.join(', ')}]
    ssh: { identity_file: ${q(input.identityFile)}, known_hosts: ${q(input.knownHosts)} }
    concurrency: ${Math.max(16, input.urls.length)}
    canary: 0
    approval: { required_for: none }
    releases:
      path: ${q(`${input.root}/srv-{host}`)}
      source: { git: ${q(input.repo)}, ref: "{version}" }
      build: [[${q(input.node)}, "build.js"]]
      shared: [logs]
    reload: [${reload.map(q).join(', ')}]
    health: { url: "http://{host}:${input.port}/health", timeout: ${healthTimeout}, interval: 50ms, successes: 1 }
`;
}
