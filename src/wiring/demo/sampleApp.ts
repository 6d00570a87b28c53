/**
 * The demo's throw-away web app: a tiny HTTP server that reports its version
 * and the commit it was built from (read from the REVISION file rewind writes
 * into every release). Its third version is broken: the health check fails.
 */
export interface SampleVersion {
  version: string;
  /** Serves, but its health check fails. */
  broken: boolean;
  note: string;
  /** Its build command exits 1. */
  buildFails?: boolean;
}

export const SAMPLE_VERSIONS: readonly SampleVersion[] = [
  { version: 'v1.0.0', broken: false, note: 'first release' },
  { version: 'v1.1.0', broken: false, note: 'adds a greeting' },
  { version: 'v1.2.0', broken: true, note: 'a bad config change: the database pool never connects' },
];

export function sampleAppFiles(v: SampleVersion): Record<string, string> {
  return {
    'package.json': `${JSON.stringify({ name: 'demo-shop', version: v.version.replace(/^v/, ''), private: true }, null, 2)}\n`,
    'server.js': serverJs(v),
    'build.js': v.buildFails ? failingBuildJs : buildJs,
    'smoke.js': smokeJs,
    'ecosystem.config.cjs': ecosystemJs,
    'CHANGES.md': `${v.version}: ${v.note}\n`,
  };
}

function serverJs(v: SampleVersion): string {
  return `'use strict';
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

const version = ${JSON.stringify(v.version)};
const revisionFile = path.join(__dirname, 'REVISION');
const sha = fs.existsSync(revisionFile) ? fs.readFileSync(revisionFile, 'utf8').trim() : 'unknown';
const broken = ${v.broken};

let draining = false;
const server = http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  // While draining, every answer closes its connection: a keep-alive client moves to a new worker.
  if (draining) res.setHeader('connection', 'close');
  if (req.url === '/health') {
    res.statusCode = broken ? 503 : 200;
    res.end(JSON.stringify(broken ? { status: 'error', error: 'database pool: 0 of 10 connections', version, sha } ` +
    `: { status: 'ok', version, sha }));
    return;
  }
  res.end(JSON.stringify({ hello: 'demo-shop', version }));
}).listen(Number(process.env.PORT), process.env.BIND || '127.0.0.1');

// PM2 reloads a cluster by starting the new worker, then sending SIGINT to the old one and
// SIGKILL 1.6 s later. Dying at once would reset the requests in flight and the idle keep-alive
// connections a client is about to reuse. So: answer with "connection: close" for a moment
// (busy connections leave cleanly), then stop listening (which also closes the idle ones),
// and exit once the last connection has gone and a connection the cluster master was still
// handing over has been refused back to it (it then goes to another worker): 1.3 s at most.
// (With 0.1 s + 0.1 s the benchmark still saw a keep-alive reset now and then.)
// In fork mode nobody else is listening yet: free the port at once, the new process waits for it.
function drain() {
  if (draining) return;
  draining = true;
  if (!require('node:cluster').isWorker) {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 300).unref();
    return;
  }
  setTimeout(() => server.close(() => setTimeout(() => process.exit(0), 200)), 300);
  setTimeout(() => process.exit(0), 1300).unref();
}
process.on('SIGINT', drain);
process.on('SIGTERM', drain);
`;
}

const buildJs = `'use strict';
// Stands in for a real build: writes a file the release serves from.
require('node:fs').writeFileSync('build-info.json', JSON.stringify({ builtAt: new Date().toISOString() }) + '\\n');
`;

const failingBuildJs = `'use strict';
console.error('build: cannot resolve module "left-pad"');
process.exitCode = 1;
`;

/** For hosts that reload from the release itself: PM2 runs the app from `current`, two workers. */
const ecosystemJs = `'use strict';
const path = require('node:path');
module.exports = {
  apps: [{
    name: 'demo-shop',
    script: 'server.js',
    cwd: path.resolve(__dirname, '../../current'),
    exec_mode: process.env.EXEC_MODE || 'cluster',
    instances: Number(process.env.INSTANCES || 2),
    env: { PORT: process.env.PORT, BIND: process.env.BIND },
  }],
};
`;

const smokeJs = `'use strict';
// Smoke test: the home page answers with JSON naming the app.
fetch(process.argv[2]).then((r) => r.json()).then((body) => {
  if (body.hello !== 'demo-shop') throw new Error('unexpected home page: ' + JSON.stringify(body));
}).catch((e) => { console.error(String(e.message || e)); process.exitCode = 1; });
`;
