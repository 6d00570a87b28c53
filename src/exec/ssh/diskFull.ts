import { isRemoteFailure, type RemoteFileOps } from './remoteOps.js';

/**
 * SFTP v3 reports a full disk as a bare "Failure" (and a command's own
 * words may not say more). When the file system now has less room than the
 * write needed (the partial file is already gone), say so; otherwise keep
 * the server's word.
 */
export async function diskFull(ops: RemoteFileOps, dir: string, size: () => Promise<number>, error: unknown): Promise<Error | undefined> {
  if (!isRemoteFailure(error)) return undefined;
  try {
    const [needed, free] = await Promise.all([size(), ops.freeBytes(dir)]);
    return needed > free ? new Error(`no space left on device: ${kib(needed)} to write, ${kib(free)} free`) : undefined;
  } catch {
    return undefined;
  }
}

function kib(bytes: number): string {
  return bytes >= 10 * 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}
