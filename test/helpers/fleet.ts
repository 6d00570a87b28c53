import { appendFile, readFile, readlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { createGuardedFiles } from '../../src/exec/guardedFiles.js';
import { createLocalExec } from '../../src/exec/localExec.js';
import type { SampleVersion } from '../../src/wiring/demo/sampleApp.js';
import { makeSampleRepo } from '../../src/wiring/demo/sampleRepo.js';
import { rewind, type CliRun } from './cli.js';
import { startSshd, type Sshd, type SshdOptions } from './sshd.js';
import { tempDir } from './tmp.js';

export interface Fleet {
  root: string;
  configFile: string;
  sshds: Sshd[];
  /** user@127.0.0.N:port, as steps and reports name them, in config order. */
  hosts: string[];
  addresses: string[];
  cli: (...args: string[]) => Promise<CliRun>;
  current: (address: string) => Promise<string | undefined>;
  served: (address: string) => Promise<{ http: number; version?: string; sha?: string } | null>;
  shaOf: (tag: string) => Promise<string>;
  /** Replace text in rewind.yaml. */
  patchConfig: (from: string, to: string) => Promise<void>;
}

const node = process.execPath;
const pm2 = join(import.meta.dirname, '..', '..', 'node_modules', 'pm2', 'bin', 'pm2');

/**
 * Several hosts reached over real SSH: one private sshd per host, each on its
 * own loopback address (127.0.0.2, .3, ...), each with its own deploy path and
 * its own PM2 (PM2_HOME per host) serving the sample app on that address.
 */
export async function makeFleet(
  t: TestContext,
  versions: SampleVersion[],
  count: number,
  policy = '    canary: 1\n    batch: 2\n',
  /** Per host (by index): how its sshd differs, e.g. `{ sftp: false }`. */
  sshdOptions: (index: number) => SshdOptions = () => ({}),
): Promise<Fleet> {
  const exec = createLocalExec();
  const addresses = Array.from({ length: count }, (_, i) => `127.0.0.${i + 2}`);
  const root = await tempDir(t, 'rewind-fleet-', async (dir) => {
    await Promise.all(addresses.map((a) => exec.run([node, pm2, 'kill'], { env: { PM2_HOME: join(dir, `pm2-${a}`) }, timeoutMs: 15_000 })));
  });
  const sshds = await Promise.all(addresses.map((address, index) => startSshd(t, { ...sshdOptions(index), address })));
  const identity = (sshds[0] as Sshd).identityFile;
  const publicKey = await readFile(`${identity}.pub`, 'utf8');
  await Promise.all(sshds.slice(1).map((s) => appendFile(join(s.dir, 'authorized_keys'), publicKey)));
  const knownHosts = join(root, 'known_hosts');
  await writeFile(knownHosts, (await Promise.all(sshds.map((s) => readFile(s.knownHostsFile, 'utf8')))).join(''));
  const repo = join(root, 'app');
  await makeSampleRepo(createGuardedFiles([root]), exec, repo, versions);
  const port = await freePortOn(addresses);
  const urls = sshds.map((s) => s.url);
  const hosts = urls.map((u) => u.replace('ssh://', ''));
  const configFile = join(root, 'rewind.yaml');
  await writeFile(configFile, `app: demo-shop
default_env: production
environments:
  production:
    driver: releases
    hosts: [${urls.join(', ')}]
    ssh: { identity_file: ${JSON.stringify(identity)}, known_hosts: ${JSON.stringify(knownHosts)} }
${policy}    releases:
      path: ${JSON.stringify(join(root, 'srv-{host}'))}
      source: { git: ${JSON.stringify(repo)}, ref: "{version}" }
      build: [[${JSON.stringify(node)}, "build.js"]]
      shared: [logs]
    reload: ["env", "PM2_HOME=${join(root, 'pm2-{host}')}", "BIND={host}", "PORT=${port}", ${JSON.stringify(node)}, ${JSON.stringify(pm2)}, "startOrReload", "ecosystem.config.cjs", "--update-env"]
    health: { url: "http://{host}:${port}/health", timeout: 2s, interval: 100ms, successes: 2 }
`);
  return {
    root, configFile, sshds, hosts, addresses,
    cli: (...args) => rewind(root, args),
    current: (address) => readlink(join(root, `srv-${address}`, 'current')).catch(() => undefined),
    served: async (address) => {
      try {
        const response = await fetch(`http://${address}:${port}/health`, { signal: AbortSignal.timeout(2000) });
        const body = (await response.json()) as { version?: string; sha?: string };
        return { http: response.status, version: body.version, sha: body.sha };
      } catch {
        return null;
      }
    },
    shaOf: async (tag) => (await exec.run(['git', '-C', repo, 'rev-parse', `${tag}^{commit}`])).stdout.trim(),
    patchConfig: async (from, to) => {
      const text = await readFile(configFile, 'utf8');
      if (!text.includes(from)) throw new Error(`rewind.yaml has no ${JSON.stringify(from)}`);
      await writeFile(configFile, text.replace(from, to));
    },
  };
}

/** A port free on every one of the addresses. */
export async function freePortOn(addresses: string[]): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer().once('error', reject).listen(0, addresses[0], () => {
        const { port: p } = server.address() as { port: number };
        server.close(() => resolve(p));
      });
    });
    const free = await Promise.all(addresses.map((a) => new Promise<boolean>((resolve) => {
      const server = createServer().once('error', () => resolve(false)).listen(port, a, () => server.close(() => resolve(true)));
    })));
    if (free.every(Boolean)) return port;
  }
}
