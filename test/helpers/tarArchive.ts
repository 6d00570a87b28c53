/**
 * A tar archive (POSIX ustar) in memory, for image root filesystems and build
 * contexts: a handful of regular files and directories, owned by root, no
 * links. Written by hand because the format is small and node_modules has no
 * direct tar dependency of ours (tar-stream only arrives through dockerode).
 */

export interface TarEntry {
  /** Relative path inside the archive, `/`-separated, no leading slash; a trailing `/` makes a directory. */
  path: string;
  /** File content; ignored for directories. */
  content?: string | Buffer;
  /** Permission bits; 0o755 for directories and 0o644 for files unless given. */
  mode?: number;
}

const BLOCK = 512;
// A fixed time keeps archives (and so imported layers) byte-identical between runs.
const MTIME = Math.floor(Date.UTC(2024, 0, 1) / 1000);

export function tarArchive(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const directory = entry.path.endsWith('/');
    const body = directory ? Buffer.alloc(0) : Buffer.from(entry.content ?? '');
    parts.push(header(entry.path, directory, body.length, entry.mode ?? (directory ? 0o755 : 0o644)));
    parts.push(body, Buffer.alloc(padding(body.length)));
  }
  // The end of an archive: two empty blocks.
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

function header(path: string, directory: boolean, size: number, mode: number): Buffer {
  if (path.startsWith('/') || Buffer.byteLength(path) > 99) throw new Error(`tar path must be relative and under 100 bytes: ${path}`);
  const block = Buffer.alloc(BLOCK);
  block.write(path, 0, 100, 'utf8');
  octal(block, 100, 8, mode);
  octal(block, 108, 8, 0); // uid
  octal(block, 116, 8, 0); // gid
  octal(block, 124, 12, size);
  octal(block, 136, 12, MTIME);
  block.write(directory ? '5' : '0', 156, 1, 'ascii');
  block.write('ustar\u000000', 257, 8, 'ascii');
  block.write('root', 265, 32, 'ascii');
  block.write('root', 297, 32, 'ascii');
  // The checksum is summed with its own field read as eight spaces.
  block.fill(' ', 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'ascii');
  return block;
}

function octal(block: Buffer, offset: number, length: number, value: number): void {
  block.write(`${value.toString(8).padStart(length - 1, '0')}\u0000`, offset, length, 'ascii');
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}
