import { readFileSync } from 'node:fs';

/** rewind's own version, from package.json (two levels up from both src/ and dist/). */
export function toolVersion(): string {
  const url = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}
