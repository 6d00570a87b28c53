/**
 * A private image registry per test, from Debian's docker-registry
 * (distribution 2.8): plain HTTP on a free loopback port, no auth, storage in
 * a temp dir, stopped by its own pid before the dir goes. The engine trusts
 * registries on 127.0.0.0/8 without TLS by default, so no daemon flag is
 * needed to push to it or pull from it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type Dockerode from 'dockerode';
import { freePort } from '../../src/exec/freePort.js';
import { followProgress } from './dockerProgress.js';
import { stopChild } from './stopChild.js';
import { splitRef } from './testImage.js';
import { tempDir } from './tmp.js';

export const DOCKER_REGISTRY = '/usr/bin/docker-registry';

export interface Registry {
  /** `127.0.0.1:PORT`: the host part of image refs, as in `${address}/rewind/app:v1`. */
  address: string;
  pid: number;
  dir: string;
  logFile: string;
}

export function dockerRegistrySkipReason(): string | undefined {
  if (existsSync(DOCKER_REGISTRY) || process.env.CI === 'true') return undefined;
  const reason = `SKIPPED LOUDLY: ${DOCKER_REGISTRY} is missing (apt-get install docker-registry); the registry tests did not run`;
  process.stderr.write(`\n*** ${reason} ***\n\n`);
  return reason;
}

export async function startRegistry(t: TestContext): Promise<Registry> {
  let child: ChildProcess | undefined;
  const dir = await tempDir(t, 'rewind-registry-', async () => {
    if (child) await stopChild(child);
  });
  const logFile = join(dir, 'registry.log');
  const config = join(dir, 'config.yml');
  // REGISTRY_* variables override the config file; none of the caller's may leak in.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('REGISTRY_')));
  // A port found free can be taken before the registry binds it: try a few.
  for (let attempt = 1; ; attempt += 1) {
    const address = `127.0.0.1:${await freePort()}`;
    await writeFile(config, registryConfig(join(dir, 'storage'), address));
    const log = openSync(logFile, 'a');
    child = spawn(DOCKER_REGISTRY, ['serve', config], { stdio: ['ignore', log, log], detached: true, env });
    // The child has its own copy.
    closeSync(log);
    const started = child;
    if (await answersV2(address, started, 10_000)) return { address, pid: started.pid as number, dir, logFile };
    await stopChild(started);
    const said = await readFile(logFile, 'utf8').catch(() => '');
    if (attempt >= 3 || !/address already in use/.test(said)) {
      throw new Error(`docker-registry did not start on ${address}; its log says: ${said.trim().split('\n').slice(-5).join(' | ')}`);
    }
  }
}

/** Pushes a local `registry/repo:tag` image; returns the manifest digest the registry stored. */
export async function pushImage(docker: Dockerode, ref: string): Promise<string> {
  const { repo, tag } = splitRef(ref);
  // Without an X-Registry-Auth header the engine reads credentials from the body and fails on an empty one; {} means none.
  const stream = await docker.getImage(repo).push({ tag, authconfig: {} });
  const messages = await followProgress(docker, stream, `pushing ${ref}`);
  const digest = messages.map((message) => message.aux?.Digest).find((value) => typeof value === 'string');
  if (typeof digest !== 'string') throw new Error(`pushing ${ref}: the engine reported no digest`);
  return digest;
}

/** Pulls `registry/repo:tag` (or `registry/repo@sha256:...`) to the engine; returns the local image ID. */
export async function pullImage(docker: Dockerode, ref: string): Promise<string> {
  const stream = await docker.pull(ref);
  await followProgress(docker, stream, `pulling ${ref}`);
  return (await docker.getImage(ref).inspect()).Id;
}

/** JSON is YAML: no quoting rules of our own. */
function registryConfig(rootdirectory: string, addr: string): string {
  return JSON.stringify({
    version: 0.1,
    log: { level: 'info', formatter: 'text', accesslog: { disabled: false } },
    storage: { filesystem: { rootdirectory }, delete: { enabled: true } },
    // A secret of its own, or it makes one up and warns about it.
    http: { addr, secret: randomBytes(16).toString('hex') },
  });
}

async function answersV2(address: string, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
    const status = await fetch(`http://${address}/v2/`, { signal: AbortSignal.timeout(1000) }).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}
