/**
 * rewind's containers on one engine: the one under docker.container (live),
 * and the ones a switch renamed and kept stopped, which are what a rollback
 * can go back to and what pruning may remove. Every container rewind makes
 * carries LABELS; one without them under the name is someone else's.
 */
import type Dockerode from 'dockerode';
import { LABELS } from './carry.js';

export interface KeptContainer {
  id: string;
  name: string;
  version: string;
  image: string;
  /** When a switch set it aside, from its name. */
  keptAt: string;
  /** Set aside because it failed to start or to become healthy, not because another took over. */
  failed: boolean;
}

const KEPT_SUFFIX = /-(\d{8}T\d{6}\.\d{3}Z)(-failed)?$/;

/** The name a container is kept under once another takes over: `<container>-<version>-<time>`. */
export function keptName(container: string, version: string, at: Date, failed = false): string {
  // Container names do not allow '+'; versions do.
  const time = at.toISOString().replace(/[-:]/g, '');
  return `${container}-${version.replace(/\+/g, '_')}-${time}${failed ? '-failed' : ''}`;
}

export async function containerNamed(docker: Dockerode, name: string): Promise<Dockerode.ContainerInspectInfo | null> {
  try {
    const found = await docker.getContainer(name).inspect();
    // The engine also matches an ID prefix; only the name counts here.
    return found.Name === `/${name}` ? found : null;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

export function isOurs(container: Pick<Dockerode.ContainerInspectInfo, 'Config'>, name: string): boolean {
  return container.Config.Labels?.[LABELS.container] === name;
}

export function versionOf(container: Pick<Dockerode.ContainerInspectInfo, 'Config'>): string | null {
  return container.Config.Labels?.[LABELS.version] ?? null;
}

/** The containers a switch kept, newest first. */
export async function keptContainers(docker: Dockerode, name: string): Promise<KeptContainer[]> {
  const listed = await docker.listContainers({ all: true, filters: { label: [`${LABELS.container}=${name}`] } });
  const kept: KeptContainer[] = [];
  for (const c of listed) {
    const own = (c.Names[0] ?? '').replace(/^\//, '');
    const suffix = KEPT_SUFFIX.exec(own);
    const version = c.Labels[LABELS.version];
    // The label says whose it is, exactly: shop-web-blue's are not shop-web's. The name must be one a switch gave it.
    if (!own.startsWith(`${name}-`) || !suffix || !version) continue;
    const stamp = suffix[1] as string;
    const keptAt = `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:` +
      `${stamp.slice(13)}`;
    kept.push({ id: c.Id, name: own, version, image: c.ImageID, keptAt, failed: suffix[2] !== undefined });
  }
  return kept.sort((a, b) => b.keptAt.localeCompare(a.keptAt));
}

/** rewind's `<container>-<version>-next` containers that were created and never started (an interrupted switch). */
export async function unstartedNext(docker: Dockerode, name: string): Promise<string[]> {
  const listed = await docker.listContainers({ all: true, filters: { label: [`${LABELS.container}=${name}`], status: ['created'] } });
  return listed.filter((c) => (c.Names[0] ?? '').endsWith('-next')).map((c) => c.Id);
}

export async function imageExists(docker: Dockerode, ref: string): Promise<Dockerode.ImageInspectInfo | null> {
  try {
    return await docker.getImage(ref).inspect();
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

export function isNotFound(error: unknown): boolean {
  return (error as { statusCode?: number } | undefined)?.statusCode === 404;
}

/** An engine error as one line: dockerode puts the engine's JSON message after its own prefix. */
export function engineSaid(error: unknown): string {
  const json = (error as { json?: { message?: string } } | undefined)?.json;
  if (json?.message) return json.message;
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
