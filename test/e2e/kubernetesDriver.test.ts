/**
 * The kubernetes driver through the CLI, against the FAKE API server of
 * test/helpers/fakeKube (no real API server can run here; the fake follows
 * the documented API and is held honest by the real kubectl in
 * test/drivers/kubernetes/fakeKube.test.ts). A small HTTP server stands for
 * the Service in front of the pods: /health reports the version the ready
 * pods run, when they all run one.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { parseRelease } from '../../src/drivers/kubernetes/artifact.js';
import { rewind } from '../helpers/cli.js';
import { startFakeKube, type FakeKube } from '../helpers/fakeKube/index.js';
import { tempDir } from '../helpers/tmp.js';

const IMAGE = 'registry.example.com/shop';

interface KubeWorld {
  kube: FakeKube;
  root: string;
  cli: (...args: string[]) => ReturnType<typeof rewind>;
  writeConfig: (kubernetes?: string) => Promise<void>;
  deployment: () => any;
  configMap: () => Record<string, string>;
  setConfig: (mode: string) => void;
}

async function makeKubeWorld(t: TestContext): Promise<KubeWorld> {
  const kube = await startFakeKube(t, { secondsScale: 0.1 });
  kube.api.createConfigMap('shop', { name: 'web-config', data: { MODE: 'zero' } });
  kube.api.createDeployment('shop', { name: 'web', image: `${IMAGE}:v0`, replicas: 2, progressDeadlineSeconds: 10, revisionHistoryLimit: 10 });
  await kube.api.settle();
  const service = createServer((_req, res) => {
    const ready = kube.api.podsOf('shop', 'web').filter((p: any) => p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'));
    const versions = new Set(ready.map((p: any) => String(p.spec.containers[0].image).split(':').at(-1)));
    res.setHeader('content-type', 'application/json');
    res.statusCode = versions.size === 1 ? 200 : 503;
    res.end(JSON.stringify(versions.size === 1 ? { version: [...versions][0] } : { status: `${versions.size} versions ready` }));
  });
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  const root = await tempDir(t, 'rewind-kube-e2e-', async () => new Promise<void>((resolve) => service.close(() => resolve())));
  const port = (service.address() as AddressInfo).port;
  const world: KubeWorld = {
    kube, root,
    cli: (...args) => rewind(root, args),
    writeConfig: (kubernetes = '') => writeFile(join(root, 'rewind.yaml'), `app: shop
environments:
  production:
    driver: kubernetes
    kubernetes:
      kubeconfig: ${JSON.stringify(kube.kubeconfig)}
      deployment: web
      image: "${IMAGE}:{version}"
      timeout: 20s
      config_maps: [web-config]
${kubernetes}    health: { url: "http://127.0.0.1:${port}/health", expect_version: version, timeout: 5s, interval: 100ms, successes: 1 }
`),
    deployment: () => kube.api.get('deployments', 'shop', 'web'),
    configMap: () => (kube.api.get('configmaps', 'shop', 'web-config') as any).data,
    setConfig: (mode) => kube.api.update('configmaps', 'shop', 'web-config', (m: any) => { m.data = { MODE: mode }; }),
  };
  await world.writeConfig();
  return world;
}

const revisionOf = (d: any) => Number(d.metadata.annotations['deployment.kubernetes.io/revision']);
const imageOf = (d: any) => d.spec.template.spec.containers[0].image;

test('kubernetes (fake API server): deploys record revisions and ConfigMaps; a failed rollout is rolled back; a rollback goes two back', async (t) => {
  const world = await makeKubeWorld(t);

  world.setConfig('one');
  const first = await world.cli('deploy', 'v1', '--json');
  assert.equal(first.code, 0, first.stdout + first.stderr);
  const v1 = parseRelease(first.json().release.artifact);
  assert.equal(v1?.revision, 2);
  assert.deepEqual(v1?.configMaps.map((c) => c.name), ['web-config']);
  assert.match(first.json().steps.find((s: any) => s.name === 'verify v1').detail, /revision 2 rolled out \(2 of 2 pods ready\), every ready pod runs sha256:/);

  world.setConfig('two');
  assert.equal((await world.cli('deploy', 'v2')).code, 0);
  assert.deepEqual([revisionOf(world.deployment()), imageOf(world.deployment())], [3, `${IMAGE}:v2`]);

  // v3's pods never become ready: the rollout passes its deadline, verification fails, and the deploy goes back to v2.
  world.setConfig('three');
  world.kube.api.markBroken(`${IMAGE}:v3`);
  const broken = await world.cli('deploy', 'v3', '--json');
  assert.equal(broken.code, 1, broken.stdout + broken.stderr);
  assert.match(broken.json().error.message, /exceeded its progress deadline/);
  assert.deepEqual([broken.json().rollback.ok, broken.json().rollback.to_version], [true, 'v2']);
  assert.equal(imageOf(world.deployment()), `${IMAGE}:v2`);
  assert.deepEqual(world.configMap(), { MODE: 'two' }, "v2's ConfigMap is back with it");
  // v2's ReplicaSet was reused, as rollout undo does: revision 5, not a new template.
  assert.equal(revisionOf(world.deployment()), 5);

  // The last known good before v2 is v1: two back, not the toggle between the last two.
  const plan = await world.cli('rollback', '--json');
  assert.equal(plan.code, 0, plan.stdout + plan.stderr);
  const planned = plan.json().plan;
  assert.equal(planned.to.version, 'v1');
  assert.ok(planned.targetNotes.some((n: string) => /^v1 is revision 2 now \(recorded as 2\), template \S+$/.test(n)), JSON.stringify(planned.targetNotes));
  assert.ok(planned.targetNotes.includes(`differs: web image: ${IMAGE}:v2 -> ${IMAGE}:v1`), JSON.stringify(planned.targetNotes));
  assert.ok(planned.risks.some((r: any) => r.code === 'driver' && r.level === 'medium' && /reverts the pod template only: the replica count \(2\)/.test(r.message)));
  const rolled = await world.cli('rollback', '--apply', '--yes', '--json');
  assert.equal(rolled.code, 0, rolled.stdout + rolled.stderr);
  assert.equal(imageOf(world.deployment()), `${IMAGE}:v1`);
  assert.deepEqual(world.configMap(), { MODE: 'one' });
  assert.equal(revisionOf(world.deployment()), 6);
  const pods = world.kube.api.podsOf('shop', 'web') as any[];
  const digest = `sha256:${world.kube.api.digestOf(`${IMAGE}:v1`)}`;
  assert.ok(pods.length === 2 && pods.every((p) => String(p.status.containerStatuses[0].imageID).endsWith(digest)), JSON.stringify(pods.map((p) => p.status.containerStatuses)));
  const status = (await world.cli('status', '--json')).json();
  assert.deepEqual([status.live.version, status.running.version, status.drift], ['v1', 'v1', []]);
  assert.match(status.running.artifact, /^revision 6, registry\.example\.com\/shop:v1, 2\/2 ready$/);
});
