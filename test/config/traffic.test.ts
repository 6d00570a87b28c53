import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { RewindError } from '../../src/core/errors.js';
import { loadConfig } from '../../src/config/load.js';
import { trafficConfigOf } from '../../src/config/trafficConfig.js';
import type { TrafficSettings } from '../../src/traffic/settings.js';
import { tempDir } from '../helpers/tmp.js';
import { minimal, writeConfig } from './fixtures.js';

/** An environment whose traffic: section (its body indented under it) starts on line 7; its health check comes after it. */
const withTraffic = (traffic: string, health = '    health: { url: "http://127.0.0.1:{port}/health" }\n'): string =>
  minimal(`    driver: releases\n    releases: { path: rel, source: { dir: . } }\n    traffic:\n${traffic}${health}`);

const SLOTS = '      slots: { blue: { port: 3001 }, green: { port: 3002 } }\n';

/** The nginx example, line for line: slots on line 7, proxy: on line 9, its keys from line 10. */
const NGINX_EXAMPLE = `${SLOTS}      keep_warm: 10m
      proxy:
        type: nginx
        upstream_file: /etc/nginx/conf.d/shop-upstream.conf
        upstream: shop
        host: 127.0.0.1
        test: ["nginx", "-t"]
        reload: ["nginx", "-s", "reload"]
        url: http://127.0.0.1:8080/health
`;

const HAPROXY_EXAMPLE = `${SLOTS}      keep_warm: 10m
      proxy:
        type: haproxy
        socket: /run/haproxy/admin.sock
        backend: shop
        servers: { blue: blue, green: green }
        url: http://127.0.0.1:8080/health
`;

async function loaded(t: TestContext, text: string): Promise<{ settings: TrafficSettings | undefined; dir: string }> {
  const dir = await tempDir(t);
  await writeConfig(dir, text);
  const section = (await loadConfig({ cwd: dir })).config.environments.production?.traffic;
  return { settings: section === undefined ? undefined : trafficConfigOf(section, dir), dir };
}

/** Load `text` and return the one-line message of the CONFIG_INVALID error it must raise. */
async function refused(t: TestContext, text: string): Promise<string> {
  const dir = await tempDir(t);
  await writeConfig(dir, text);
  try {
    await loadConfig({ cwd: dir });
  } catch (error) {
    assert.ok(error instanceof RewindError && error.code === 'CONFIG_INVALID', String(error));
    assert.doesNotMatch(error.message, /\n/);
    return error.message;
  }
  return assert.fail('the config loaded, but should have been refused');
}

test("the nginx example loads into the proxies' settings", async (t) => {
  assert.deepEqual((await loaded(t, withTraffic(NGINX_EXAMPLE))).settings, {
    slots: { blue: { port: 3001 }, green: { port: 3002 } },
    keepWarmMs: 600_000,
    proxy: {
      type: 'nginx',
      upstreamFile: '/etc/nginx/conf.d/shop-upstream.conf',
      upstream: 'shop',
      host: '127.0.0.1',
      test: ['nginx', '-t'],
      reload: ['nginx', '-s', 'reload'],
      url: 'http://127.0.0.1:8080/health',
    },
  });
});

test('the HAProxy example loads; servers default to blue and green; a relative socket is relative to rewind.yaml', async (t) => {
  assert.deepEqual((await loaded(t, withTraffic(HAPROXY_EXAMPLE))).settings?.proxy, {
    type: 'haproxy',
    socket: '/run/haproxy/admin.sock',
    backend: 'shop',
    servers: { blue: 'blue', green: 'green' },
    url: 'http://127.0.0.1:8080/health',
  });
  const short = `${SLOTS}      proxy: { type: haproxy, socket: run/admin.sock, backend: shop, url: "http://127.0.0.1:8080/" }\n`;
  const { settings, dir } = await loaded(t, withTraffic(short));
  assert.deepEqual(settings, {
    slots: { blue: { port: 3001 }, green: { port: 3002 } },
    keepWarmMs: 600_000,
    proxy: { type: 'haproxy', socket: join(dir, 'run/admin.sock'), backend: 'shop', servers: { blue: 'blue', green: 'green' }, url: 'http://127.0.0.1:8080/' },
  });
});

test('nginx defaults: host 127.0.0.1, nginx -t, nginx -s reload; a relative upstream file is relative to rewind.yaml', async (t) => {
  const short = `${SLOTS}      proxy: { type: nginx, upstream_file: conf/up.conf, upstream: shop, url: "http://127.0.0.1:8080/" }\n`;
  const { settings, dir } = await loaded(t, withTraffic(short));
  assert.deepEqual(settings?.proxy, {
    type: 'nginx',
    upstreamFile: join(dir, 'conf/up.conf'),
    upstream: 'shop',
    host: '127.0.0.1',
    test: ['nginx', '-t'],
    reload: ['nginx', '-s', 'reload'],
    url: 'http://127.0.0.1:8080/',
  });
});

test('keep_warm: 0s (stop the old slot at once) up to 24h', async (t) => {
  const at = (keepWarm: string): string => withTraffic(NGINX_EXAMPLE.replace('keep_warm: 10m', `keep_warm: ${keepWarm}`));
  assert.equal((await loaded(t, at('0s'))).settings?.keepWarmMs, 0);
  assert.equal((await loaded(t, at('24h'))).settings?.keepWarmMs, 86_400_000);
  assert.equal(await refused(t, at('25h')), 'rewind.yaml:8: environments.production.traffic.keep_warm: expected a duration of at most 24h (got "25h")');
  assert.equal(
    await refused(t, at('10')),
    'rewind.yaml:8: environments.production.traffic.keep_warm: expected a duration such as "250ms", "30s" or "5m" (got 10)',
  );
});

test('the same port for both slots, and a port out of range, are refused at the port', async (t) => {
  assert.equal(
    await refused(t, withTraffic(NGINX_EXAMPLE.replace('port: 3002', 'port: 3001'))),
    "rewind.yaml:7: environments.production.traffic.slots.green.port: expected a port other than blue's (3001): " +
      'two versions cannot listen on one port',
  );
  const ranged = (blue: string): string =>
    withTraffic(NGINX_EXAMPLE.replace(SLOTS, `      slots:\n        blue: { port: ${blue} }\n        green: { port: 3002 }\n`));
  for (const port of ['0', '65536', '30.5', '"3001"']) {
    assert.equal(
      await refused(t, ranged(port)),
      `rewind.yaml:8: environments.production.traffic.slots.blue.port: expected a TCP port, a whole number from 1 to 65535 (got ${port})`,
    );
  }
});

test('an unknown proxy type, or none, is refused naming the types', async (t) => {
  assert.equal(
    await refused(t, withTraffic(NGINX_EXAMPLE.replace('type: nginx', 'type: traefik'))),
    'rewind.yaml:10: environments.production.traffic.proxy.type: expected a proxy type: nginx or haproxy (got "traefik")',
  );
  assert.equal(
    await refused(t, withTraffic(NGINX_EXAMPLE.replace('        type: nginx\n', ''))),
    'rewind.yaml:9: environments.production.traffic.proxy.type: missing: expected nginx or haproxy',
  );
});

test("each proxy's own required keys: upstream_file for nginx, socket for haproxy", async (t) => {
  assert.equal(
    await refused(t, withTraffic(NGINX_EXAMPLE.replace('        upstream_file: /etc/nginx/conf.d/shop-upstream.conf\n', ''))),
    'rewind.yaml:9: environments.production.traffic.proxy: missing required key "upstream_file"',
  );
  assert.equal(
    await refused(t, withTraffic(HAPROXY_EXAMPLE.replace('        socket: /run/haproxy/admin.sock\n', ''))),
    'rewind.yaml:9: environments.production.traffic.proxy: missing required key "socket"',
  );
});

test("a key of the other proxy's form, an upstream name nginx would not take, one server for both slots", async (t) => {
  assert.equal(
    await refused(t, withTraffic(NGINX_EXAMPLE.replace('        upstream: shop\n', '        upstream: shop\n        backend: shop\n'))),
    'rewind.yaml:13: environments.production.traffic.proxy: unknown key "backend" (expected one of: type, upstream_file, upstream, host, ' +
      'test, reload, url, socket, backend, servers)',
  );
  assert.equal(
    await refused(t, withTraffic(NGINX_EXAMPLE.replace('upstream: shop', 'upstream: "shop; evil"'))),
    'rewind.yaml:12: environments.production.traffic.proxy.upstream: expected an nginx upstream name: letters, digits, "_", "." or "-", ' +
      'such as shop (got "shop; evil")',
  );
  assert.equal(
    await refused(t, withTraffic(HAPROXY_EXAMPLE.replace('servers: { blue: blue, green: green }', 'servers: { blue: web, green: web }'))),
    'rewind.yaml:13: environments.production.traffic.proxy.servers.green: expected a server other than blue\'s ("web")',
  );
  assert.equal(
    await refused(t, withTraffic(NGINX_EXAMPLE.replace('url: http://127.0.0.1:8080/health', 'url: 127.0.0.1:8080/health'))),
    'rewind.yaml:16: environments.production.traffic.proxy.url: expected an http:// or https:// URL such as ' +
      'http://127.0.0.1:8080/health',
  );
});

test('blue/green needs a driver that runs two versions side by side, and a health URL with {port}', async (t) => {
  const git = minimal(`    driver: git\n    git: { path: app, remote: origin }\n    health: { url: "http://127.0.0.1:{port}/health" }\n` +
    `    traffic:\n${NGINX_EXAMPLE}`);
  assert.match(await refused(t, git), /^rewind\.yaml:\d+: environments\.production\.traffic: driver "git" runs one version at a time: .*\(releases, .*command/);
  assert.match(await refused(t, withTraffic(NGINX_EXAMPLE, '')), /environments\.production\.traffic: blue\/green needs a health: section whose url has \{port\}/);
  const fixed = withTraffic(NGINX_EXAMPLE, '    health: { url: "http://127.0.0.1:3001/health" }\n');
  assert.match(await refused(t, fixed), /^rewind\.yaml:\d+: environments\.production\.health\.url: expected \{port\} in the URL/);
});

test('{port} and {slot} without a traffic: section are refused where they are used', async (t) => {
  const text = minimal('    driver: releases\n    releases: { path: rel, source: { dir: . } }\n' +
    '    reload: ["pm2", "restart", "shop-{slot}"]\n');
  assert.match(await refused(t, text), /environments\.production\.reload\[2\]: \{slot\} stands for a blue\/green slot's name: it needs a traffic: section/);
  const health = minimal('    driver: releases\n    releases: { path: rel, source: { dir: . } }\n' +
    '    health: { url: "http://127.0.0.1:{port}/health" }\n');
  assert.match(await refused(t, health), /environments\.production\.health\.url: \{port\} stands for a blue\/green slot's port/);
});
