import assert from 'node:assert/strict';
import { test } from 'node:test';
import { carryOver, LABELS } from '../../../src/drivers/docker/carry.js';
import { firstContainer } from '../../../src/drivers/docker/firstContainer.js';
import { dockerSchema } from '../../../src/drivers/docker/schema.js';

const OLD_IMAGE = {
  Env: ['PATH=/usr/bin:/bin', 'APP_VERSION=v1'],
  Labels: { 'org.opencontainers.image.version': 'v1', maintainer: 'ops' },
  Volumes: { '/data': {} },
  ExposedPorts: { '80/tcp': {} },
  Cmd: ['/bin/busybox', 'httpd', '-f'],
  Entrypoint: null,
  User: 'app',
  WorkingDir: '/www',
  Healthcheck: { Test: ['CMD', 'true'], Interval: 1_000_000_000 },
};

function live(config: Record<string, unknown>, hostConfig: Record<string, unknown> = { NetworkMode: 'host' }) {
  return {
    Id: 'abcdef1234567890',
    Config: { Hostname: 'abcdef123456', Domainname: '', Tty: false, OpenStdin: false, ...config },
    HostConfig: hostConfig,
    NetworkSettings: { Networks: {} },
  } as any;
}

const TARGET = { name: 'shop-web', image: 'sha256:new', labels: { [LABELS.container]: 'shop-web', [LABELS.version]: 'v2' } };

test("carryOver: what came from the old image's defaults is left for the new image to supply; the run's own settings stay", () => {
  const options = carryOver(live({
    ...OLD_IMAGE,
    Env: [...OLD_IMAGE.Env, 'DATABASE_URL=postgres://db/shop'],
    Labels: { ...OLD_IMAGE.Labels, team: 'payments', [LABELS.version]: 'v1', [LABELS.container]: 'shop-web' },
    Volumes: { '/data': {}, '/cache': {} },
    ExposedPorts: { '80/tcp': {}, '9090/tcp': {} },
  }, { NetworkMode: 'host', RestartPolicy: { Name: 'always' }, Binds: ['/srv/up:/up'], PortBindings: { '80/tcp': [{ HostPort: '8080' }] } }),
  OLD_IMAGE, TARGET);
  assert.deepEqual(options.Env, ['DATABASE_URL=postgres://db/shop']);
  assert.deepEqual(options.Labels, { team: 'payments', [LABELS.container]: 'shop-web', [LABELS.version]: 'v2' });
  assert.deepEqual(options.Volumes, { '/cache': {} });
  assert.deepEqual(options.ExposedPorts, { '80/tcp': {}, '9090/tcp': {} }, 'a published port is kept even when the image exposed it');
  for (const key of ['Cmd', 'Entrypoint', 'User', 'WorkingDir', 'Healthcheck', 'Hostname'] as const) assert.equal(options[key], undefined, key);
  assert.deepEqual(options.HostConfig, { NetworkMode: 'host', RestartPolicy: { Name: 'always' }, Binds: ['/srv/up:/up'], PortBindings: { '80/tcp': [{ HostPort: '8080' }] } });
  assert.equal(options.Image, 'sha256:new');
  assert.equal(options.name, 'shop-web');
});

test('carryOver: a command, user or healthcheck set for the run (not the image default) is carried', () => {
  const health = { Test: ['CMD', 'wget', '-q', 'http://127.0.0.1/health'], Interval: 2_000_000_000 };
  const options = carryOver(live({ ...OLD_IMAGE, Cmd: ['/bin/busybox', 'httpd', '-f', '-p', '8081'], User: 'root', Healthcheck: health }), OLD_IMAGE, TARGET);
  assert.deepEqual(options.Cmd, ['/bin/busybox', 'httpd', '-f', '-p', '8081']);
  assert.equal(options.User, 'root');
  assert.deepEqual(options.Healthcheck, health);
});

test('carryOver: with the old image gone nothing is subtracted; a user network keeps its aliases but not the old ID', () => {
  const container = live({ Env: ['A=1'], Labels: { team: 'x' }, Hostname: 'web' }, { NetworkMode: 'shop-net' });
  container.NetworkSettings.Networks = { 'shop-net': { Aliases: ['web', 'abcdef123456'] } };
  const options = carryOver(container, {}, TARGET);
  assert.deepEqual(options.Env, ['A=1']);
  assert.equal(options.Hostname, 'web');
  assert.deepEqual(options.NetworkingConfig, { EndpointsConfig: { 'shop-net': { Aliases: ['web'] } } });
});

test('firstContainer: docker.create makes the first container: host network, restart policy, env, binds, labels', () => {
  const config = dockerSchema.parse({ container: 'shop-web', image: 'shop:{version}', create: { env: { PORT: '8080', BIND: '{host}:8080' }, volumes: ['/srv/up:/up:ro'], command: ['httpd', '-p', '{host}:8080'] } });
  assert.equal(config.stop_timeout, 10_000);
  assert.equal(config.keep, 5);
  const options = firstContainer(config.create, TARGET, '127.0.0.2');
  assert.deepEqual(options.Env, ['PORT=8080', 'BIND=127.0.0.2:8080']);
  assert.deepEqual(options.Cmd, ['httpd', '-p', '127.0.0.2:8080']);
  assert.deepEqual(options.HostConfig, { NetworkMode: 'host', Binds: ['/srv/up:/up:ro'], RestartPolicy: { Name: 'unless-stopped' } });
  assert.deepEqual(options.Labels, TARGET.labels);
});
