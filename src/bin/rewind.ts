#!/usr/bin/env node
// The unbundled program as a script (`node dist/bin/rewind.js`; the tests run it through tsx).
// Users start bin/rewind.js, which runs the bundle of src/bin/main.ts instead.
import { main } from './main.js';

await main();
