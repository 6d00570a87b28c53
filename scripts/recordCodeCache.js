// Run by scripts/writeCodeCache.ts in a plain node child: V8 accepts a code cache only under the
// flags it was made with, which must be the ones `node bin/rewind.js` runs with.
// Usage: node scripts/recordCodeCache.js <bundle> <cache file> <{ argv, exit } as JSON>...
import { readFileSync, writeFileSync } from 'node:fs';
import { encodeCodeCache } from '../dist/bin/codeCacheFile.js';
import { loadBundle } from '../dist/bin/loadBundle.js';

const [bundleFile, cacheFile, ...runs] = process.argv.slice(2);
const { exports, script } = loadBundle(bundleFile);
// Each run compiles the functions its path calls; the cache then holds them, not just the top level.
// A run that fails compiles less than the commands a user runs: that is a broken build.
for (const run of runs) {
  const { argv, exit } = JSON.parse(run);
  process.exitCode = 0;
  await exports.main(argv);
  if ((process.exitCode ?? 0) !== exit) {
    throw new Error(`code cache warm-up: rewind ${argv.join(' ')} exited with ${process.exitCode}, expected ${exit}`);
  }
}
process.exitCode = 0;
writeFileSync(cacheFile, encodeCodeCache(readFileSync(bundleFile), script.createCachedData()));
