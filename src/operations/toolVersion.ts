import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * rewind's own version, from its package.json: the nearest one upward from
 * this module, which works from src/, from dist/ and from the bundle.
 */
export function toolVersion(): string {
  if (cached) return cached;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      const found = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (found.name === 'rewind' && found.version) return (cached = found.version);
    } catch {
      // No package.json here: keep going up.
    }
    if (dirname(dir) === dir) return (cached = '0.0.0');
  }
}
