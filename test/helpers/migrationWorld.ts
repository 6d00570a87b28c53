import { readFile, readlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import { createGuardedFiles } from '../../src/exec/guardedFiles.js';
import { createLocalExec } from '../../src/exec/localExec.js';
import { makeSampleRepo } from '../../src/wiring/demo/sampleRepo.js';
import { rewind, type CliRun } from './cli.js';
import { withTempDatabase, type AppDatabase } from './appDatabase.js';
import { freePort } from '../../src/exec/freePort.js';
import { tempDir } from './tmp.js';
import { REPO_NODE_MODULES } from '../migrations/fixtures.js';

/** One version of the fixture app: its migration files, and whether its health check fails. */
export interface AppVersion {
  version: string;
  broken: boolean;
  /** Migration files, relative to the release dir. */
  files: Record<string, string>;
  /** The app inserts into items naming this column too (it knows the newer schema). */
  knowsNote?: boolean;
}

export interface MigrationWorld {
  root: string;
  db: AppDatabase;
  cli: (...args: string[]) => Promise<CliRun>;
  current: () => Promise<string | undefined>;
  served: () => Promise<{ http: number; version?: string; error?: string } | null>;
  report: (path: string) => Promise<string>;
}

const require = createRequire(import.meta.url);
const PM2_BIN = join(dirname(require.resolve('pm2/package.json')), 'bin', 'pm2');

/**
 * A small app whose health check writes to its database: old code inserts a
 * row naming only the columns it knows, so a NOT NULL column left behind by
 * a newer migration makes it unhealthy. Deployed by the real CLI under a PM2
 * of its own, against a database of its own; everything stops afterwards.
 * Undefined when there is no PostgreSQL server (the test is skipped).
 */
export async function makeMigrationWorld(t: TestContext, tool: 'sql' | 'knex', versions: AppVersion[]): Promise<MigrationWorld | undefined> {
  const db = await withTempDatabase(t);
  if (!db) return undefined;
  const exec = createLocalExec();
  const dir = await tempDir(t, 'rewind-mig-world-', (d) => exec.run([process.execPath, PM2_BIN, 'kill'], { env: { PM2_HOME: join(d, 'world', 'pm2') }, timeoutMs: 15_000 }));
  const root = join(dir, 'world');
  const files = createGuardedFiles([root]);
  const port = await freePort();
  await files.mkdir(root);
  const appRepo = join(root, 'app');
  // makeSampleRepo commits whatever files each version brings, one tag per version.
  await makeSampleRepo(files, exec, appRepo, versions.map((v) => ({ version: v.version, broken: v.broken, note: v.version })));
  await recommit(exec, files, appRepo, versions, tool);
  const ecosystem = join(root, 'ecosystem.config.cjs');
  await files.writeFile(ecosystem, `module.exports = { apps: [{ name: 'mig-app', script: 'server.js', cwd: ${JSON.stringify(join(root, 'srv', 'current'))}, exec_mode: 'fork', instances: 1, env: { PORT: ${JSON.stringify(String(port))}, DATABASE_URL: ${JSON.stringify(db.url)} } }] };\n`);
  await files.writeFile(join(root, 'rewind.yaml'), config(root, port, ecosystem, tool));
  const cli = (...args: string[]) => rewind(root, args, { DATABASE_URL: db.url });
  return {
    root,
    db,
    cli,
    current: () => readlink(join(root, 'srv', 'current')).catch(() => undefined),
    served: async () => {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(3000) });
        const body = (await response.json()) as { version?: string; error?: string };
        return { http: response.status, version: body.version, error: body.error };
      } catch {
        return null;
      }
    },
    report: (path) => readFile(path, 'utf8'),
  };
}

function config(root: string, port: number, ecosystem: string, tool: 'sql' | 'knex'): string {
  const q = JSON.stringify;
  const build = tool === 'knex' ? `      build: [["ln", "-s", ${q(REPO_NODE_MODULES)}, "node_modules"]]\n` : '';
  const migrations = tool === 'knex' ? '      tool: knex\n      dir: migrations\n' : '      tool: sql\n';
  return `app: shop
default_env: production
state:
  dir: .rewind
safety:
  allow_writes_only_under: [.rewind]
environments:
  production:
    driver: releases
    hosts: [local]
    env:
      PM2_HOME: ${q(join(root, 'pm2'))}
    releases:
      path: ${q(join(root, 'srv'))}
      source: { git: ${q(join(root, 'app'))}, ref: "{version}" }
${build}    reload: [${q(process.execPath)}, ${q(PM2_BIN)}, "startOrReload", ${q(ecosystem)}, "--update-env"]
    health:
      url: http://127.0.0.1:${port}/health
      expect_version: sha
      timeout: 5s
      interval: 200ms
      successes: 2
    migrations:
${migrations}`;
}

/** Replace the sample app of each tag by the fixture app: a new commit per version, the tag moved to it. */
async function recommit(exec: ReturnType<typeof createLocalExec>, files: ReturnType<typeof createGuardedFiles>, repo: string, versions: AppVersion[], tool: 'sql' | 'knex'): Promise<void> {
  const git = async (...args: string[]) => {
    const result = await exec.run(['git', '-C', repo, ...args], { env: { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
    if (result.code !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  };
  for (const v of versions) {
    await git('rm', '-r', '-q', '--ignore-unmatch', 'db', 'migrations');
    const app: Record<string, string> = { 'server.js': serverJs(v), ...v.files, ...(tool === 'knex' ? { 'knexfile.js': KNEXFILE } : {}) };
    for (const [name, text] of Object.entries(app)) {
      await files.mkdir(dirname(join(repo, name)));
      await files.writeFile(join(repo, name), text);
    }
    await git('add', '--all');
    await git('commit', '-q', '--no-gpg-sign', '-m', `${v.version}: fixture app`);
    await git('tag', '-f', v.version);
  }
}

const KNEXFILE = `module.exports = { client: 'pg', connection: process.env.DATABASE_URL, migrations: { directory: './migrations' } };\n`;

function serverJs(v: AppVersion): string {
  const insert = v.knowsNote ? "insert into items (name, note) values ('health', 'n') returning id" : "insert into items (name) values ('health') returning id";
  return `'use strict';
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const { Client } = require(${JSON.stringify(join(REPO_NODE_MODULES, 'pg'))});
const version = ${JSON.stringify(v.version)};
const revision = path.join(__dirname, 'REVISION');
const sha = fs.existsSync(revision) ? fs.readFileSync(revision, 'utf8').trim() : 'unknown';

// The health check writes a row as this version's code does: it fails when the schema is not the one it knows.
async function check() {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    await client.query(${JSON.stringify(insert)});
  } finally {
    await client.end();
  }
}

http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  check().then(() => {
    res.statusCode = ${v.broken} ? 503 : 200;
    res.end(JSON.stringify({ status: ${v.broken} ? 'error' : 'ok', version, sha }));
  }, (error) => {
    res.statusCode = 503;
    res.end(JSON.stringify({ status: 'error', error: error.message, version, sha }));
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
`;
}
