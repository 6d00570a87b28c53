/**
 * A project whose production environment is a container on a real, private
 * Docker engine: images of each version made from busybox (testImage.ts),
 * pushed to a real registry on loopback and removed from the engine, so
 * that a deploy pulls for real. The app serves /health on a free loopback
 * port of the host network.
 */
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type Dockerode from 'dockerode';
import { freePort } from '../../src/exec/freePort.js';
import { rewind, type CliRun } from './cli.js';
import { startDockerd, type Dockerd } from './dockerd.js';
import { pushImage, startRegistry, type Registry } from './dockerRegistry.js';
import { buildTestImage, type TestImageOptions } from './testImage.js';
import { tempDir } from './tmp.js';

export type VersionImage = Omit<TestImageOptions, 'ref' | 'version' | 'port'>;

export interface DockerWorld {
  root: string;
  dockerd: Dockerd;
  docker: Dockerode;
  registry: Registry;
  port: number;
  ref: (version: string) => string;
  /** The image ID each version was pushed as. */
  ids: Record<string, string>;
  cli: (...args: string[]) => Promise<CliRun>;
  served: () => Promise<{ http: number; version?: string } | null>;
  /** rewind's containers on the engine, by name, with their state and version label. */
  containers: () => Promise<Array<{ name: string; state: string; version: string | undefined; image: string }>>;
  writeConfig: (more?: string) => Promise<void>;
}

export const CONTAINER = 'shop-web';

export async function makeDockerWorld(
  t: TestContext, versions: Record<string, VersionImage>, options: { port?: number } = {},
): Promise<DockerWorld> {
  const [dockerd, registry] = await Promise.all([startDockerd(t), startRegistry(t)]);
  const Docker = createRequire(import.meta.url)('dockerode') as typeof Dockerode;
  const docker = new Docker({ socketPath: dockerd.socket });
  const root = await tempDir(t, 'rewind-docker-e2e-', async () => {
    // Containers first: the engine stops with them otherwise, slower.
    for (const c of await docker.listContainers({ all: true }).catch(() => [])) {
      await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    }
  });
  const port = options.port ?? (await freePort());
  const ref = (version: string) => `${registry.address}/shop:${version}`;
  const ids: Record<string, string> = {};
  for (const [version, options] of Object.entries(versions)) {
    ids[version] = await buildTestImage(docker, { ...options, ref: ref(version), version, port });
    await pushImage(docker, ref(version));
    await docker.getImage(ref(version)).remove();
  }
  const world: DockerWorld = {
    root, dockerd, docker, registry, port, ref, ids,
    cli: (...args) => rewind(root, args),
    served: async () => {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) });
        const body = (await response.json()) as { version?: string };
        return { http: response.status, version: body.version };
      } catch {
        return null;
      }
    },
    containers: async () => (await docker.listContainers({ all: true }))
      .map((c) => ({ name: (c.Names[0] ?? '').slice(1), state: c.State, version: c.Labels['rewind.version'], image: c.ImageID }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    writeConfig: (more = '') => writeFile(join(root, 'rewind.yaml'), `app: shop
environments:
  production:
    driver: docker
    docker:
      socket: ${dockerd.socket}
      container: ${CONTAINER}
      image: "${registry.address}/shop:{version}"
      stop_timeout: 2s
      healthy_timeout: 10s
${more}    health: { url: "http://127.0.0.1:${port}/health", expect_version: version, timeout: 5s, interval: 100ms, successes: 1 }
`),
  };
  await world.writeConfig();
  return world;
}
