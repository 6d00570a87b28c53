/**
 * Rewrites the configuration reference in README.md from the schema.
 * Usage: npx tsx scripts/gen-config-reference.ts [--check]
 * --check writes nothing and exits 1 when the README is out of date.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { withConfigReference } from '../src/config/readmeSection.js';
import { configReference } from '../src/config/reference.js';

const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));
const current = await readFile(readmePath, 'utf8');
const next = withConfigReference(current, configReference());

if (process.argv.includes('--check')) {
  if (next !== current) {
    console.error('README.md configuration reference is out of date: run `npx tsx scripts/gen-config-reference.ts`');
    process.exitCode = 1;
  }
} else if (next !== current) {
  await writeFile(readmePath, next);
  console.log('README.md: configuration reference updated');
} else {
  console.log('README.md: configuration reference already up to date');
}
