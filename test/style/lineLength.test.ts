import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const SRC = join(import.meta.dirname, '..', '..', 'src');
const LIMIT = 140;

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map(async (e) => {
    if (e.isDirectory()) return sources(join(dir, e.name));
    return e.name.endsWith('.ts') ? [join(dir, e.name)] : [];
  }));
  return nested.flat();
}

test(`no line of src/ is longer than ${LIMIT} characters`, async () => {
  const long: string[] = [];
  for (const file of await sources(SRC)) {
    (await readFile(file, 'utf8')).split('\n').forEach((line, i) => {
      if (line.length > LIMIT) long.push(`${relative(SRC, file)}:${i + 1} (${line.length})`);
    });
  }
  assert.deepEqual(long, []);
});
