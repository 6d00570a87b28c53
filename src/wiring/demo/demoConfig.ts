import { DEFAULT_DRIVER } from '../../drivers/index.js';

/** The rewind.yaml the demo writes: the releases driver on this host, under PM2. */
export interface DemoLayout {
  root: string;
  appRepo: string;
  deployPath: string;
  pm2Home: string;
  pm2Bin: string;
  node: string;
  port: number;
  ecosystem: string;
}

export function demoConfigYaml(layout: DemoLayout): string {
  const q = (s: string) => JSON.stringify(s);
  return `# Written by \`rewind demo\`: a sample app deployed on this host under PM2.
app: demo-shop
default_env: production
state:
  dir: .rewind
safety:
  allow_writes_only_under: [.rewind]
environments:
  production:
    driver: ${DEFAULT_DRIVER.kind}
    hosts: [local]
    env:
      PM2_HOME: ${q(layout.pm2Home)}
    releases:
      path: ${q(layout.deployPath)}
      keep: 5
      source: { git: ${q(layout.appRepo)}, ref: "{version}" }
      build: [[${q(layout.node)}, "build.js"]]
      shared: [logs]
    reload: [${q(layout.node)}, ${q(layout.pm2Bin)}, "startOrReload", ${q(layout.ecosystem)}, "--update-env"]
    health:
      url: http://127.0.0.1:${layout.port}/health
      expect_status: 200
      expect_version: sha
      timeout: 4s
      interval: 200ms
      successes: 2
    smoke:
      - [${q(layout.node)}, "smoke.js", "http://127.0.0.1:${layout.port}/"]
`;
}

/** PM2 in cluster mode, started from the current symlink so a reload picks up the new release. */
export function ecosystemCjs(layout: DemoLayout): string {
  return `module.exports = {
  apps: [{
    name: 'demo-shop',
    script: 'server.js',
    cwd: ${JSON.stringify(`${layout.deployPath}/current`)},
    exec_mode: 'cluster',
    instances: 2,
    env: { PORT: ${JSON.stringify(String(layout.port))} },
  }],
};
`;
}
