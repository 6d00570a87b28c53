import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isMissing } from '../exec/realPaths.js';
import type { ArtifactReader } from '../operations/pipeline/pipelineDeps.js';

/**
 * The real file system as an ArtifactReader. Only regular files count:
 * symlinks are not followed (an artifact dir must not lead the hash outside it).
 */
export const fsArtifactReader: ArtifactReader = {
  async digestTree(dir) {
    const found: { file: string; sha256: string }[] = [];
    await walk(dir, found);
    return found.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  },
};

async function walk(dir: string, found: { file: string; sha256: string }[]): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  for (const name of names) {
    const path = join(dir, name);
    const stat = await lstat(path);
    if (stat.isDirectory()) await walk(path, found);
    else if (stat.isFile()) found.push({ file: path, sha256: await sha256Of(path) });
  }
}

function sha256Of(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
