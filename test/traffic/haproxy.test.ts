import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { TrafficProxy } from '../../src/core/traffic.js';
import { createGuardedFiles, createLocalExec } from '../../src/exec/index.js';
import { freePort } from '../../src/exec/freePort.js';
import { createTrafficProxy } from '../../src/traffic/index.js';
import type { HaproxySettings } from '../../src/traffic/settings.js';
import { rewindError } from '../helpers/driverTesting.js';
import { haproxySkipReason, startHaproxy, type Haproxy } from '../helpers/haproxy.js';
import { nobodySkipReason } from '../helpers/nobody.js';
import { keepAliveLoad, startSlotApps, tenAnswers, type SlotApps } from '../helpers/slotApps.js';
import { tempDir } from '../helpers/tmp.js';

const skip = haproxySkipReason();

/** The proxy as the factory makes it (HAProxy needs neither exec nor files; the factory is handed them anyway). */
function haproxyProxy(settings: Partial<HaproxySettings> & Pick<HaproxySettings, 'socket'>, ports = { blue: 3001, green: 3002 }): TrafficProxy {
  return createTrafficProxy(
    {
      slots: { blue: { port: ports.blue }, green: { port: ports.green } },
      keepWarmMs: 600_000,
      proxy: {
        type: 'haproxy', backend: 'shop', servers: { blue: 'blue', green: 'green' }, url: 'http://127.0.0.1:1/', checksWaitMs: 300, ...settings,
      },
    },
    { exec: createLocalExec(), files: createGuardedFiles([]) },
  );
}

async function world(t: TestContext, delayMs = 0): Promise<{ apps: SlotApps; haproxy: Haproxy; proxy: TrafficProxy }> {
  const apps = await startSlotApps(t, delayMs);
  const haproxy = await startHaproxy(t, apps.ports);
  return { apps, haproxy, proxy: haproxyProxy({ socket: haproxy.sockets.admin, url: haproxy.url }, apps.ports) };
}

const allOf = (slot: string): string[] => Array.from({ length: 10 }, () => slot);

test('switching each way over the runtime API: HAProxy answers the new slot at once, read() says so', { skip }, async (t) => {
  const { apps, haproxy, proxy } = await world(t);
  const [blue, green] = [`127.0.0.1:${apps.ports.blue}`, `127.0.0.1:${apps.ports.green}`];
  const source = `haproxy ${haproxy.sockets.admin} backend shop`;
  // A fresh config: both servers take traffic, so no slot has it all.
  assert.deepEqual(await proxy.read(), {
    live: null,
    slots: { blue: { address: blue, enabled: true }, green: { address: green, enabled: true } },
    source,
  });
  assert.equal(
    proxy.describeSwitch('blue'),
    `haproxy: would set shop/blue state ready, then shop/green state drain, over ${haproxy.sockets.admin}`,
  );
  assert.equal(
    await proxy.switchTo('blue'),
    'haproxy: backend shop sends to blue (shop/blue, was no single slot); shop/green drains, its requests in flight finish',
  );
  assert.deepEqual(await proxy.read(), { live: 'blue', slots: { blue: { address: blue, enabled: true }, green: { address: green, enabled: false } }, source });
  // No reload: the very next request goes to the new slot.
  assert.deepEqual(await tenAnswers(haproxy.url), allOf('blue'));

  assert.match(await proxy.switchTo('green'), /^haproxy: backend shop sends to green \(shop\/green, was blue\); shop\/blue drains/);
  assert.deepEqual(await tenAnswers(haproxy.url), allOf('green'));
  assert.deepEqual((await proxy.read()).slots, { blue: { address: blue, enabled: false }, green: { address: green, enabled: true } });

  assert.match(await proxy.switchTo('blue'), /sends to blue \(shop\/blue, was green\)/);
  assert.deepEqual(await tenAnswers(haproxy.url), allOf('blue'));
  assert.equal((await proxy.read()).live, 'blue');
});

test('under a keep-alive load of 200 requests in 2 s, switching there and back fails none', { skip }, async (t) => {
  // Each answer takes 20 ms, so requests are in flight at every switch: the drained server must finish them.
  const { apps, haproxy, proxy } = await world(t, 20);
  await proxy.switchTo('blue');
  const before = { ...apps.served };
  // No retry of any kind: HAProxy keeps the client's connections open across a switch.
  const load = keepAliveLoad(haproxy.url, { requests: 200, overMs: 2000, retryResetOnNewConnection: false });
  await new Promise((resolve) => setTimeout(resolve, 600));
  await proxy.switchTo('green');
  await new Promise((resolve) => setTimeout(resolve, 700));
  await proxy.switchTo('blue');
  const result = await load;
  t.diagnostic(`haproxy: ${result.sent} requests, ${result.failures.length} failed ${JSON.stringify(result.failures)}, ` +
    `answers ${JSON.stringify(result.answers)}`);
  assert.equal(result.sent, 200);
  assert.deepEqual(result.failures, []);
  // Both slots served: the switches happened under the load, not around it.
  assert.ok(apps.served.green > 20 && apps.served.blue - before.blue > 20, JSON.stringify(apps.served));
  assert.equal((result.answers.blue ?? 0) + (result.answers.green ?? 0), 200);
});

test('a slot whose server is down by its health check is refused: nothing switched', { skip }, async (t) => {
  const apps = await startSlotApps(t);
  // Nothing listens on green's port: HAProxy's check marks it down.
  const ports = { blue: apps.ports.blue, green: await freePort() };
  const haproxy = await startHaproxy(t, ports, { check: true });
  const proxy = haproxyProxy({ socket: haproxy.sockets.admin }, ports);
  // Before any switch both are ready: green stops taking traffic only when its check has marked it down.
  const deadline = Date.now() + 5000;
  while ((await proxy.read()).slots.green.enabled && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  await proxy.switchTo('blue');
  const before = await proxy.read();
  assert.equal(before.live, 'blue');
  await assert.rejects(
    proxy.switchTo('green'),
    rewindError('TRAFFIC_SWITCH_REFUSED', /^haproxy .*admin\.sock: shop\/green \(the green slot\) is stopped \(its health check\): it would take no traffic; nothing was switched$/),
  );
  assert.deepEqual(await proxy.read(), before);
  assert.deepEqual(await tenAnswers(haproxy.url), allOf('blue'));
});

test('a socket at level user may read but not switch: HAProxy\'s answer, and nothing changed', { skip }, async (t) => {
  const { haproxy, proxy } = await world(t);
  await proxy.switchTo('blue');
  const asUser = haproxyProxy({ socket: haproxy.sockets.user });
  assert.equal((await asUser.read()).live, 'blue');
  await assert.rejects(
    asUser.switchTo('green'),
    rewindError('TRAFFIC_SWITCH_REFUSED', /`set server shop\/green state ready` answered "Permission denied" \(the stats socket must be `level admin`\); nothing was switched$/),
  );
  assert.equal((await proxy.read()).live, 'blue');
});

test('a backend or a server that is not there: one line naming the socket and what is missing', { skip }, async (t) => {
  const { haproxy } = await world(t);
  await assert.rejects(
    haproxyProxy({ socket: haproxy.sockets.admin, backend: 'nope' }).read(),
    rewindError('TRAFFIC_PROXY_UNREACHABLE', new RegExp(`^haproxy ${haproxy.sockets.admin}: \`show servers state nope\` answered "Can't find backend\\."$`)),
  );
  await assert.rejects(
    haproxyProxy({ socket: haproxy.sockets.admin, servers: { blue: 'blue', green: 'teal' } }).switchTo('green'),
    rewindError('TRAFFIC_PROXY_UNREACHABLE', /: backend shop has no server "teal" for the green slot \(it has: blue, green\)$/),
  );
});

test('a socket that does not exist: one line naming it', async (t) => {
  const socket = join(await tempDir(t), 'admin.sock');
  const proxy = haproxyProxy({ socket });
  for (const attempt of [proxy.read(), proxy.switchTo('green')]) {
    await assert.rejects(attempt, rewindError('TRAFFIC_PROXY_UNREACHABLE', new RegExp(`^haproxy: the admin socket ${socket} does not exist \\(is HAProxy running`)));
  }
});

const asRoot = process.getuid?.() === 0;

test('a socket without permission: one line naming it', { skip: skip ?? (asRoot ? nobodySkipReason() : undefined) }, async (t) => {
  const { haproxy } = await world(t);
  // locked.sock is mode 000: the kernel refuses everyone but root. As root, the proxy is asked from a process run as nobody.
  const expected = new RegExp(`^haproxy: the admin socket ${haproxy.sockets.locked} refuses this user: permission denied`);
  if (!asRoot) {
    await assert.rejects(haproxyProxy({ socket: haproxy.sockets.locked }).read(), rewindError('TRAFFIC_PROXY_UNREACHABLE', expected));
    return;
  }
  const module = join(import.meta.dirname, '..', '..', 'src', 'traffic', 'haproxy.ts');
  const script = `const { createHaproxyProxy } = await import(${JSON.stringify(module)});
const proxy = createHaproxyProxy({ type: 'haproxy', socket: ${JSON.stringify(haproxy.sockets.locked)}, backend: 'shop',
  servers: { blue: 'blue', green: 'green' }, url: 'http://127.0.0.1:1/' });
await proxy.switchTo('green').then(() => console.log('switched'), (error) => console.log(JSON.stringify({ code: error.code, message: error.message })));`;
  const run = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', script], {
    uid: 65534, gid: 65534, cwd: '/tmp', encoding: 'utf8', env: { ...process.env, HOME: '/tmp' }, timeout: 30_000,
  });
  assert.equal(run.status, 0, run.stderr);
  const said = JSON.parse(run.stdout) as { code: string; message: string };
  assert.equal(said.code, 'TRAFFIC_PROXY_UNREACHABLE');
  assert.match(said.message, expected);
  assert.doesNotMatch(said.message, /\n/);
});
