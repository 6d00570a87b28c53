import { writeFile } from 'node:fs/promises';
import type { ReleasesConfig } from '../../src/drivers/releases/schema.js';
import { join } from 'node:path';

/** A complete, valid rewind.yaml using every key. */
export const FULL_CONFIG = `app: shop
default_env: production
state:
  backend: sqlite
  dir: .rewind
safety:
  allow_writes_only_under: [.rewind, docs/deploys]
environments:
  production:
    driver: releases
    hosts: [local]
    releases:
      path: /srv/shop
      keep: 5
      source: { git: ., ref: "{version}" }
      build: [["npm", "ci", "--omit=dev"], ["npm", "run", "build"]]
      shared: [.env, uploads]
    reload: ["pm2", "startOrReload", "ecosystem.config.cjs", "--update-env"]
    health:
      url: http://127.0.0.1:3000/health
      expect_status: 200
      expect_version: sha
      timeout: 30s
      interval: 250ms
      successes: 2
    smoke: [["npm", "run", "smoke"]]
  staging:
    driver: releases
    releases:
      path: ../staging
      source: { dir: ./build }
`;

/** The smallest valid config, for tests that change one thing. */
export function minimal(environment = '    driver: releases\n    releases: { path: rel, source: { dir: . } }\n'): string {
  return `app: shop\nenvironments:\n  production:\n${environment}`;
}

export async function writeConfig(dir: string, text: string, name = 'rewind.yaml'): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

/** An environment's releases section: each driver's section is typed by its own module, not by the config's type. */
export function releasesOf(env: unknown): ReleasesConfig | undefined {
  return (env as { releases?: ReleasesConfig } | undefined)?.releases;
}
