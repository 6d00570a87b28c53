#!/usr/bin/env node
// Start-up counts in every rollback's wall time. The CommonJS bundle, compiled with the V8 code
// cache the build wrote next to it, starts in a fraction of the time of the module tree;
// dist/bin/main.js is the same program unbundled, used when no bundle was built.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/rewind.bundle.cjs', import.meta.url));
const { main } = existsSync(bundle)
  ? (await import('../dist/bin/loadBundle.js')).loadBundle(bundle, `${bundle}.cache`).exports
  : await import('../dist/bin/main.js');
await main();
