import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Slot, TrafficProxy } from '../../src/core/traffic.js';
import { createGuardedFiles, createLocalExec } from '../../src/exec/index.js';
import { createTrafficProxy } from '../../src/traffic/index.js';
import type { NginxSettings } from '../../src/traffic/settings.js';
import { rewindError } from '../helpers/driverTesting.js';
import { NGINX, nginxSkipReason, startNginx, type Nginx } from '../helpers/nginx.js';
import { keepAliveLoad, startSlotApps, tenAnswers, type SlotApps } from '../helpers/slotApps.js';
import { tempDir } from '../helpers/tmp.js';

const skip = nginxSkipReason();

interface World {
  apps: SlotApps;
  nginx: Nginx;
  proxy: TrafficProxy;
}

/** Both slots' apps, nginx in front sending to blue, and the proxy as the factory makes it from `settings`. */
async function world(t: TestContext, settings: (nginx: Nginx) => Partial<NginxSettings> = () => ({}), delayMs = 0): Promise<World> {
  const apps = await startSlotApps(t, delayMs);
  const nginx = await startNginx(t, { upstream: 'shop', ports: apps.ports, live: 'blue' });
  const proxy = createTrafficProxy(
    {
      slots: { blue: { port: apps.ports.blue }, green: { port: apps.ports.green } },
      keepWarmMs: 600_000,
      proxy: {
        type: 'nginx',
        upstreamFile: nginx.upstreamFile,
        upstream: 'shop',
        host: '127.0.0.1',
        test: nginx.command('-t'),
        reload: nginx.command('-s', 'reload'),
        url: nginx.url,
        ...settings(nginx),
      },
    },
    { exec: createLocalExec(), files: createGuardedFiles([nginx.dir]) },
  );
  return { apps, nginx, proxy };
}

const allOf = (slot: Slot): string[] => Array.from({ length: 10 }, () => slot);

test('switching each way: nginx then answers the new slot, read() and the upstream file say so', { skip }, async (t) => {
  const { apps, nginx, proxy } = await world(t);
  const [blue, green] = [`127.0.0.1:${apps.ports.blue}`, `127.0.0.1:${apps.ports.green}`];
  assert.deepEqual(await proxy.read(), {
    live: 'blue',
    slots: { blue: { address: blue, enabled: true }, green: { address: green, enabled: false } },
    source: `upstream file ${nginx.upstreamFile}`,
  });
  assert.deepEqual(await tenAnswers(nginx.url), allOf('blue'));

  assert.equal(
    proxy.describeSwitch('green'),
    `nginx: would write ${nginx.upstreamFile} with green (${green}) live in upstream shop, run \`${nginx.command('-t').join(' ')}\`, ` +
      `then \`${nginx.command('-s', 'reload').join(' ')}\``,
  );
  const workers = await nginx.workers();
  const line = await proxy.switchTo('green');
  assert.equal(line, `nginx: upstream shop sends to green (${green}) (was blue); \`${nginx.command('-t').join(' ')}\` passed, nginx reloaded`);
  await nginx.reloadedFrom(workers);
  assert.deepEqual(await tenAnswers(nginx.url), allOf('green'));
  assert.deepEqual((await proxy.read()).slots, { blue: { address: blue, enabled: false }, green: { address: green, enabled: true } });
  assert.equal(
    await readFile(nginx.upstreamFile, 'utf8'),
    '# Written by rewind at every blue/green switch: live green. Edits by hand are replaced at the next switch.\n' +
      'upstream shop {\n' +
      `    server ${green}; # rewind slot green\n` +
      `    # server ${blue}; # rewind slot blue (idle)\n` +
      '}\n',
  );

  const greenWorkers = await nginx.workers();
  assert.match(await proxy.switchTo('blue'), /sends to blue \(.*\) \(was green\)/);
  await nginx.reloadedFrom(greenWorkers);
  assert.deepEqual(await tenAnswers(nginx.url), allOf('blue'));
  assert.equal((await proxy.read()).live, 'blue');
});

test('under a keep-alive load of 200 requests in 2 s, switching there and back with nginx -s reload fails none', { skip }, async (t) => {
  // Each answer takes 20 ms, so requests are in flight at every reload: the old workers must finish them.
  const { apps, nginx, proxy } = await world(t, () => ({}), 20);
  // nginx 1.22's old workers close idle keep-alive connections at once (keepalive_min_timeout, which waits, is 1.31's):
  // a request leaving on one at that moment is reset unread. The client sends such a GET again on a new connection, as
  // browsers do; how many it had to is reported. A reset after the answer began, a 502 or a timeout would still fail.
  const load = keepAliveLoad(nginx.url, { requests: 200, overMs: 2000, retryResetOnNewConnection: true });
  await new Promise((resolve) => setTimeout(resolve, 600));
  await proxy.switchTo('green');
  await new Promise((resolve) => setTimeout(resolve, 700));
  await proxy.switchTo('blue');
  const result = await load;
  t.diagnostic(`nginx: ${result.sent} requests, ${result.failures.length} failed ${JSON.stringify(result.failures)}, ` +
    `${result.resetsRetried} reset unread and sent again, answers ${JSON.stringify(result.answers)}`);
  assert.equal(result.sent, 200);
  assert.deepEqual(result.failures, []);
  // Both slots served: the switches happened under the load, not around it.
  assert.ok(apps.served.green > 20 && apps.served.blue > 20, JSON.stringify(apps.served));
  assert.equal((result.answers.blue ?? 0) + (result.answers.green ?? 0), 200);
});

test('a config that does not validate: nothing switched, the old file back, nginx\'s own message shown', { skip }, async (t) => {
  const { nginx, proxy } = await world(t);
  const before = await readFile(nginx.upstreamFile, 'utf8');
  // Someone left a typo in nginx.conf: the running nginx is fine until the next reload, and `nginx -t` says so.
  const conf = await readFile(nginx.confFile, 'utf8');
  await writeFile(nginx.confFile, `${conf}bogus_directive on;\n`);
  await assert.rejects(
    proxy.switchTo('green'),
    rewindError(
      'TRAFFIC_SWITCH_REFUSED',
      /^nginx: the config with green \(127\.0\.0\.1:\d+\) live does not validate /,
      new RegExp(`nginx: \\[emerg\\] unknown directive "bogus_directive" in ${nginx.confFile}:\\d+ \\(exit code 1\\)`),
      /nothing was reloaded, and .*upstream\.conf is back as it was$/,
    ),
  );
  assert.equal(await readFile(nginx.upstreamFile, 'utf8'), before);
  assert.equal((await proxy.read()).live, 'blue');
  assert.deepEqual(await tenAnswers(nginx.url), allOf('blue'));
});

test('a reload that fails: the old file back, reloaded again, and the run says what happened', { skip }, async (t) => {
  // A reload aimed at another instance (its pid file gone): nginx cannot signal, the classic failed reload.
  const elsewhere = (n: Nginx): string[] => [NGINX, '-p', `${n.dir}/`, '-c', join(n.dir, 'elsewhere.conf'), '-e', n.errorLog, '-s', 'reload'];
  const { nginx, proxy } = await world(t, (n) => ({ reload: elsewhere(n) }));
  await writeFile(join(nginx.dir, 'elsewhere.conf'), `pid ${join(nginx.dir, 'gone.pid')};\nerror_log stderr;\nevents {}\n`);
  const before = await readFile(nginx.upstreamFile, 'utf8');
  await assert.rejects(
    proxy.switchTo('green'),
    rewindError(
      'TRAFFIC_SWITCH_REFUSED',
      /^nginx: the reload for green \(127\.0\.0\.1:\d+\) failed /,
      /nginx: \[error\] open\(\) ".*gone\.pid" failed \(2: No such file or directory\)/,
      /is back as it was, but reloading with it failed too \(.*gone\.pid.*\): check that nginx runs$/,
    ),
  );
  assert.equal(await readFile(nginx.upstreamFile, 'utf8'), before);
  assert.equal((await proxy.read()).live, 'blue');
  assert.deepEqual(await tenAnswers(nginx.url), allOf('blue'));
});

test('an upstream file outside the write roots is refused before anything runs', async (t) => {
  const dir = await tempDir(t);
  const ran: string[][] = [];
  const proxy = createTrafficProxy(
    {
      slots: { blue: { port: 3001 }, green: { port: 3002 } },
      keepWarmMs: 0,
      proxy: { type: 'nginx', upstreamFile: join(dir, 'upstream.conf'), upstream: 'shop', host: '127.0.0.1', test: ['true'], reload: ['true'],
        url: 'http://127.0.0.1:1/' },
    },
    { exec: { run: async (argv) => (ran.push([...argv]), { argv: [...argv], code: 0, stdout: '', stderr: '', durationMs: 0 }) },
      files: createGuardedFiles([join(dir, 'elsewhere')]) },
  );
  await assert.rejects(proxy.switchTo('green'), rewindError('WRITE_REFUSED', /refusing to write .*upstream\.conf: outside the write roots/));
  assert.deepEqual(ran, []);
});

test('read(): a missing upstream file, or one without the block, is one line naming the file', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'upstream.conf');
  const proxy = createTrafficProxy(
    {
      slots: { blue: { port: 3001 }, green: { port: 3002 } },
      keepWarmMs: 0,
      proxy: { type: 'nginx', upstreamFile: file, upstream: 'shop', host: '127.0.0.1', test: ['true'], reload: ['true'], url: 'http://127.0.0.1:1/' },
    },
    { exec: createLocalExec(), files: createGuardedFiles([dir]) },
  );
  await assert.rejects(proxy.read(), rewindError('TRAFFIC_PROXY_UNREACHABLE', new RegExp(`^nginx: the upstream file ${file} does not exist`)));
  await writeFile(file, 'upstream other {\n    server 127.0.0.1:3001;\n}\n');
  await assert.rejects(proxy.read(), rewindError('TRAFFIC_PROXY_UNREACHABLE', /holds no complete `upstream shop \{ \.\.\. \}` block/));
});
