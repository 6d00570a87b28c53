#!/usr/bin/env node
// The bundled CLI starts in half the time of the module tree (start-up counts in a rollback);
// dist/bin/rewind.js is the same program unbundled, used when no bundle was built.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/rewind.bundle.mjs', import.meta.url);
await import(existsSync(bundle) ? bundle.href : new URL('../dist/bin/rewind.js', import.meta.url).href);
