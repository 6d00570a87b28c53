/**
 * sha256 of a whole file, streamed, and the `.sha256` file beside a tarball
 * in sha256sum's format, so `sha256sum -c v1.tar.gz.sha256` checks it by hand.
 * Reads go straight to this machine's disk: the driver works only here.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Files } from '../../core/ports.js';
import { sidecarOf } from './layout.js';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** The sha256 the `.sha256` beside `tarball` names, or undefined when it is missing or not one. */
export async function readSidecar(files: Files, tarball: string): Promise<string | undefined> {
  const text = await files.readFile(sidecarOf(tarball));
  const match = /^([0-9a-f]{64})\s/.exec(text ?? '');
  return match?.[1];
}

export async function writeSidecar(files: Files, tarball: string, sha: string): Promise<void> {
  await files.writeFileAtomic(sidecarOf(tarball), `${sha}  ${basename(tarball)}\n`);
}
