/**
 * What the live container was, kept in the run's report dir before a switch
 * stops it, for the post-mortem: its configuration and image ID (env values
 * redacted: they hold secrets, and the kept container still has them) and
 * the last 200 lines of its log.
 */
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import type { Files } from '../../core/ports.js';

export const LOG_LINES = 200;

export interface SnapshotFiles {
  config: string;
  log: string;
}

export async function snapshotContainer(
  docker: Dockerode,
  live: Dockerode.ContainerInspectInfo,
  into: { files: Files; dir: string; host: string },
): Promise<SnapshotFiles> {
  const base = `${into.host.replace(/[^A-Za-z0-9._-]/g, '_')}-${live.Name.replace(/^\//, '')}`;
  const paths = { config: join(into.dir, `${base}.container.json`), log: join(into.dir, `${base}.log`) };
  const shown = {
    ...live,
    Config: { ...live.Config, Env: (live.Config.Env ?? []).map((entry) => `${entry.split('=')[0]}=<redacted>`) },
  };
  await into.files.mkdir(into.dir);
  await into.files.writeFileAtomic(paths.config, `${JSON.stringify({ image_id: live.Image, container: shown }, null, 2)}\n`);
  await into.files.writeFileAtomic(paths.log, await lastLines(docker.getContainer(live.Id), live.Config.Tty));
  return paths;
}

async function lastLines(container: Dockerode.Container, tty: boolean): Promise<string> {
  const raw = (await container.logs({ stdout: true, stderr: true, tail: LOG_LINES, timestamps: true, follow: false })) as Buffer;
  return tty ? raw.toString('utf8') : demux(raw);
}

/** The engine's log stream without a TTY: frames of an 8-byte header (stream, 0, 0, 0, size) and the bytes. */
export function demux(raw: Buffer): string {
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 8 <= raw.length) {
    const size = raw.readUInt32BE(at + 4);
    parts.push(raw.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}
