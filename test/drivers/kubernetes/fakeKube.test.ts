import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kubeRequest, kubeWatch } from '../../helpers/fakeKube/client.js';
import { startFakeKube, type FakeKube } from '../../helpers/fakeKube/index.js';
import { kubectl, kubectlSkipReason } from '../../helpers/kubectl.js';

/**
 * The fake API server the kubernetes driver's tests use, held to the real kubectl (1.20 to 1.32 behave the same on
 * everything here): discovery, get, set image, rollout status/history/undo, pause, a progress deadline, 401 and 403.
 * The HTTP semantics kubectl does not reach (conflicts, watches, pruning) are checked with plain requests.
 */
const skip = kubectlSkipReason();
const DEPLOYMENTS = '/apis/apps/v1/namespaces/shop/deployments';
type Obj = Record<string, any>;

async function ok(kube: FakeKube, args: string[]): Promise<string> {
  const result = await kubectl(kube, args);
  assert.equal(result.code, 0, `kubectl ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

async function imageAndRevision(kube: FakeKube, name = 'web'): Promise<[string, string]> {
  const d = JSON.parse(await ok(kube, ['get', 'deploy', name, '-o', 'json'])) as Obj;
  return [d.spec.template.spec.containers[0].image, d.metadata.annotations['deployment.kubernetes.io/revision']];
}

test('kubectl get shows the Deployment and its pods; it walks legacy discovery after asking for aggregated', { skip }, async (t) => {
  const kube = await startFakeKube(t);
  kube.api.createDeployment('shop', {
    name: 'web', image: 'registry.local:5000/web:v1', replicas: 2, env: { MODE: 'prod' }, resources: { requests: { cpu: '100m' } },
    annotations: { 'kubernetes.io/change-cause': 'first' },
  });
  await kube.api.settle();

  const d = JSON.parse(await ok(kube, ['get', 'deploy', 'web', '-o', 'json'])) as Obj;
  assert.equal(d.kind, 'Deployment');
  assert.equal(d.metadata.namespace, 'shop');
  assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '1');
  assert.deepEqual(d.spec.template.spec.containers[0].env, [{ name: 'MODE', value: 'prod' }]);
  assert.equal(d.spec.template.spec.containers[0].resources.requests.cpu, '100m');
  assert.deepEqual([d.status.replicas, d.status.updatedReplicas, d.status.readyReplicas, d.status.availableReplicas], [2, 2, 2, 2]);
  const conditions = Object.fromEntries((d.status.conditions as Obj[]).map((c) => [c.type, c.reason]));
  assert.deepEqual(conditions, { Available: 'MinimumReplicasAvailable', Progressing: 'NewReplicaSetAvailable' });

  const pods = JSON.parse(await ok(kube, ['get', 'pods', '-l', 'app=web', '-o', 'json'])) as Obj;
  assert.equal(pods.items.length, 2);
  const digest = kube.api.digestOf('registry.local:5000/web:v1');
  for (const pod of pods.items as Obj[]) {
    assert.equal(pod.status.phase, 'Running');
    assert.equal(pod.status.containerStatuses[0].imageID, `docker-pullable://registry.local:5000/web@sha256:${digest}`);
    assert.equal(pod.metadata.ownerReferences[0].kind, 'ReplicaSet');
    assert.match(pod.metadata.labels['pod-template-hash'], /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  }
  kube.api.createConfigMap('shop', { name: 'web-config', data: { LEVEL: 'info' }, labels: { app: 'web' } });
  kube.api.createHpa('shop', { name: 'web', deployment: 'web', minReplicas: 2, maxReplicas: 5 });
  const hpa = JSON.parse(await ok(kube, ['get', 'hpa', 'web', '-o', 'json'])) as Obj;
  assert.deepEqual([hpa.apiVersion, hpa.spec.scaleTargetRef.name, hpa.spec.maxReplicas], ['autoscaling/v2', 'web', 5]);
  const configMaps = JSON.parse(await ok(kube, ['get', 'cm', '-l', 'app=web', '-o', 'json'])) as Obj;
  assert.deepEqual(configMaps.items.map((cm: Obj) => cm.data.LEVEL), ['info']);
  assert.match(await ok(kube, ['get', 'deploy']), /^web\s+2\/2\s+2\s+2\s+\d+s$/m);

  const rs = kube.api.replicaSetsOf('shop', 'web');
  assert.equal(rs.length, 1);
  assert.equal(rs[0]?.metadata.name, `web-${rs[0]?.metadata.labels['pod-template-hash']}`);
  assert.equal(rs[0]?.metadata.annotations['kubernetes.io/change-cause'], 'first');

  // Legacy discovery documents were read (a client that understood an aggregated answer would not fetch these).
  const paths = kube.api.requests.map((r) => r.path);
  for (const path of ['/api', '/apis', '/api/v1', '/apis/apps/v1']) assert.ok(paths.includes(path), `no GET ${path}`);
  const discovery = kube.api.requests.filter((r) => r.path === '/api' || r.path === '/apis');
  assert.ok(discovery.every((r) => r.status === 200));
});

test('set image, rollout status, history, undo to a revision (the old ReplicaSet reused) and undo back', { skip }, async (t) => {
  const kube = await startFakeKube(t);
  kube.api.createDeployment('shop', { name: 'web', image: 'img:v1', replicas: 3 });
  await kube.api.settle();
  const firstRS = kube.api.replicaSetsOf('shop', 'web')[0] as Obj;

  for (const image of ['img:v2', 'img:v3']) {
    await ok(kube, ['set', 'image', 'deploy/web', `web=${image}`]);
    await ok(kube, ['annotate', 'deploy/web', `kubernetes.io/change-cause=to ${image}`, '--overwrite']);
    const status = await ok(kube, ['rollout', 'status', 'deploy/web', '--timeout=20s']);
    assert.match(status, /deployment "web" successfully rolled out/);
  }
  assert.deepEqual(await imageAndRevision(kube), ['img:v3', '3']);
  const history = await ok(kube, ['rollout', 'history', 'deploy/web']);
  assert.deepEqual(history.split('\n').filter((l) => /^\d/.test(l)).map((l) => l.split(/\s+/)[0]), ['1', '2', '3']);
  assert.match(history, /^2\s+to img:v2$/m);

  await ok(kube, ['rollout', 'undo', 'deploy/web', '--to-revision=1']);
  await ok(kube, ['rollout', 'status', 'deploy/web', '--timeout=20s']);
  assert.deepEqual(await imageAndRevision(kube), ['img:v1', '4']);
  const sets = kube.api.replicaSetsOf('shop', 'web');
  assert.equal(sets.length, 3, 'no new ReplicaSet for a template that had one');
  const reused = sets.at(-1) as Obj;
  assert.equal(reused.metadata.uid, firstRS.metadata.uid);
  assert.equal(reused.metadata.annotations['deployment.kubernetes.io/revision'], '4');
  assert.equal(reused.metadata.annotations['deployment.kubernetes.io/revision-history'], '1');
  assert.equal(reused.spec.replicas, 3);
  assert.ok(sets.slice(0, -1).every((rs) => rs.spec.replicas === 0));
  const after = await ok(kube, ['rollout', 'history', 'deploy/web']);
  assert.deepEqual(after.split('\n').filter((l) => /^\d/.test(l)).map((l) => l.split(/\s+/)[0]), ['2', '3', '4']);

  // Without --to-revision: the revision before the current one, then back again.
  await ok(kube, ['rollout', 'undo', 'deploy/web']);
  await ok(kube, ['rollout', 'status', 'deploy/web', '--timeout=20s']);
  assert.deepEqual(await imageAndRevision(kube), ['img:v3', '5']);
  await ok(kube, ['rollout', 'undo', 'deploy/web']);
  await ok(kube, ['rollout', 'status', 'deploy/web', '--timeout=20s']);
  assert.deepEqual(await imageAndRevision(kube), ['img:v1', '6']);
  await kube.api.settle();
  const pods = kube.api.podsOf('shop', 'web');
  assert.equal(pods.length, 3);
  assert.ok(pods.every((pod) => pod.spec.containers[0].image === 'img:v1' && pod.status.containerStatuses[0].ready));
});

test('a broken image with a short progress deadline: rollout status fails with the deadline, old pods stay', { skip }, async (t) => {
  // One API second lasts 0.25 s: progressDeadlineSeconds 2 is half a second.
  const kube = await startFakeKube(t, { secondsScale: 0.25 });
  kube.api.createDeployment('shop', { name: 'api', image: 'api:v1', replicas: 2, progressDeadlineSeconds: 2 });
  await kube.api.settle();
  kube.api.markBroken('api:v2');
  await ok(kube, ['set', 'image', 'deploy/api', 'api=api:v2']);
  const started = Date.now();
  const status = await kubectl(kube, ['rollout', 'status', 'deploy/api', '--timeout=20s']);
  assert.notEqual(status.code, 0);
  assert.match(status.stderr, /deployment "api" exceeded its progress deadline/);
  assert.ok(Date.now() - started < 10_000);

  const d = kube.api.get('deployments', 'shop', 'api') as Obj;
  const progressing = (d.status.conditions as Obj[]).find((c) => c.type === 'Progressing');
  assert.equal(progressing?.status, 'False');
  assert.equal(progressing?.reason, 'ProgressDeadlineExceeded');
  assert.equal(d.status.availableReplicas, 2, 'maxUnavailable 25% of 2 is 0: the old pods are kept');
  assert.equal(d.status.updatedReplicas, 1, 'maxSurge 25% of 2 rounds up to 1');
  const broken = kube.api.podsOf('shop', 'api').filter((pod) => pod.spec.containers[0].image === 'api:v2');
  assert.equal(broken[0]?.status.containerStatuses[0].ready, false);
  assert.equal(broken[0]?.status.containerStatuses[0].state.waiting.reason, 'CrashLoopBackOff');
  assert.match(await ok(kube, ['get', 'pods']), /^api-\S+\s+0\/1\s+CrashLoopBackOff\s+1\s/m);
  // Stuck is stable: nothing left to write once the deadline is recorded.
  await kube.api.settle();
  const quiet = kube.api.resourceVersion();
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(kube.api.resourceVersion(), quiet);
});

test('a paused Deployment: no rollout, DeploymentPaused, and rollout undo is refused', { skip }, async (t) => {
  const kube = await startFakeKube(t);
  kube.api.createDeployment('shop', { name: 'web', image: 'img:v1', replicas: 2 });
  await kube.api.settle();
  await ok(kube, ['set', 'image', 'deploy/web', 'web=img:v2']);
  await ok(kube, ['rollout', 'status', 'deploy/web', '--timeout=20s']);
  await ok(kube, ['rollout', 'pause', 'deploy/web']);
  await ok(kube, ['set', 'image', 'deploy/web', 'web=img:v3']);
  await kube.api.settle();
  assert.equal(kube.api.replicaSetsOf('shop', 'web').length, 2, 'no new ReplicaSet while paused');
  const d = kube.api.get('deployments', 'shop', 'web') as Obj;
  assert.equal((d.status.conditions as Obj[]).find((c) => c.type === 'Progressing')?.reason, 'DeploymentPaused');
  assert.equal(d.status.observedGeneration, d.metadata.generation);

  const undo = await kubectl(kube, ['rollout', 'undo', 'deploy/web']);
  assert.notEqual(undo.code, 0);
  assert.match(undo.stderr, /cannot rollback a paused deployment/);

  await ok(kube, ['rollout', 'resume', 'deploy/web']);
  await ok(kube, ['rollout', 'status', 'deploy/web', '--timeout=20s']);
  assert.deepEqual(await imageAndRevision(kube), ['img:v3', '3']);
});

test('kubectl set env and set resources: strategic merge patches, containers and env merged by name', { skip }, async (t) => {
  const kube = await startFakeKube(t);
  kube.api.createDeployment('shop', {
    name: 'web', containers: [{ name: 'web', image: 'img:v1', env: { A: '1', B: '2' } }, { name: 'sidecar', image: 'proxy:1' }],
  });
  await ok(kube, ['set', 'env', 'deploy/web', '-c', 'web', 'A=3', 'C=4']);
  await ok(kube, ['set', 'env', 'deploy/web', '-c', 'web', 'B-']);
  await ok(kube, ['set', 'resources', 'deploy/web', '-c', 'sidecar', '--limits=cpu=200m']);
  const d = kube.api.get('deployments', 'shop', 'web') as Obj;
  const [web, sidecar] = d.spec.template.spec.containers as Obj[];
  assert.deepEqual(web?.env, [{ name: 'A', value: '3' }, { name: 'C', value: '4' }]);
  assert.deepEqual([web?.image, sidecar?.image, sidecar?.resources], ['img:v1', 'proxy:1', { limits: { cpu: '200m' } }]);
  const patches = kube.api.requests.filter((r) => r.method === 'PATCH');
  assert.ok(patches.every((r) => r.contentType === 'application/strategic-merge-patch+json'));
  assert.equal(d.metadata.generation, 4);
});

test('kubectl with a wrong token is Unauthorized (401); a forbidden namespace is Forbidden (403)', { skip }, async (t) => {
  const kube = await startFakeKube(t, { namespaces: ['default', 'shop', 'vault'] });
  // Before discovery is cached, kubectl 1.26+ reports discovery's own words for the 401; 1.20 the Status message.
  const uncached = await kubectl(kube, ['--token', 'not-the-token', 'get', 'deploy']);
  assert.notEqual(uncached.code, 0);
  const loginError = new RegExp(String.raw`error: You must be logged in to the server \(` +
    String.raw`(Unauthorized|the server has asked for the client to provide credentials)\)`);
  assert.match(uncached.stderr, loginError);
  const refused = kube.api.requests.find((r) => r.status === 401);
  assert.ok(refused, 'a 401 was answered');
  await ok(kube, ['get', 'deploy', '-o', 'json']);
  const denied = await kubectl(kube, ['--token', 'not-the-token', 'get', 'deploy']);
  assert.notEqual(denied.code, 0);
  assert.match(denied.stderr, /error: You must be logged in to the server \(Unauthorized\)/);

  kube.api.forbidNamespace('vault');
  const forbidden = await kubectl(kube, ['-n', 'vault', 'get', 'configmaps']);
  assert.notEqual(forbidden.code, 0);
  assert.match(forbidden.stderr, /Forbidden|forbidden/);
  assert.equal((await kubectl(kube, ['get', 'configmaps', '-o', 'json'])).code, 0);

  kube.api.acceptTokens(['another']);
  assert.match((await kubectl(kube, ['get', 'deploy'])).stderr, /Unauthorized/);
  assert.equal((await kubectl(kube, ['--token', 'another', 'get', 'deploy', '-o', 'json'])).code, 0);
});

test('PUT with a stale resourceVersion is a 409 Conflict Status; failNext injects one', async (t) => {
  const kube = await startFakeKube(t);
  kube.api.createDeployment('shop', { name: 'web', image: 'img:v1' });
  // Settled first: the controller's status writes move the resourceVersion too, and would win the race.
  await kube.api.settle();
  const read = await kubeRequest(kube, 'GET', `${DEPLOYMENTS}/web`);
  assert.equal(read.status, 200);
  const stale = read.body;
  const first = structuredClone(stale);
  first.spec.replicas = 2;
  const put = await kubeRequest(kube, 'PUT', `${DEPLOYMENTS}/web`, first);
  assert.equal(put.status, 200);
  assert.equal(put.body.metadata.generation, 2);
  assert.ok(Number(put.body.metadata.resourceVersion) > Number(stale.metadata.resourceVersion));

  stale.spec.replicas = 5;
  const conflict = await kubeRequest(kube, 'PUT', `${DEPLOYMENTS}/web`, stale);
  assert.equal(conflict.status, 409);
  assert.match(conflict.contentType, /^application\/json/);
  const { kind, status, reason, code } = conflict.body;
  assert.deepEqual([kind, status, reason, code], ['Status', 'Failure', 'Conflict', 409]);
  assert.match(conflict.body.message, /Operation cannot be fulfilled on deployments.apps "web": the object has been modified/);
  assert.equal(conflict.body.details.name, 'web');

  kube.api.failNext('PATCH', /\/deployments\/web$/, 409);
  const patch = { spec: { replicas: 3 } };
  const injected = await kubeRequest(kube, 'PATCH', `${DEPLOYMENTS}/web`, patch, { contentType: 'application/merge-patch+json' });
  assert.deepEqual([injected.status, injected.body.reason], [409, 'Conflict']);
  const retried = await kubeRequest(kube, 'PATCH', `${DEPLOYMENTS}/web`, patch, { contentType: 'application/merge-patch+json' });
  assert.deepEqual([retried.status, retried.body.spec.replicas], [200, 3]);

  const missing = await kubeRequest(kube, 'GET', `${DEPLOYMENTS}/nope`);
  assert.deepEqual([missing.status, missing.body.reason, missing.body.message], [404, 'NotFound', 'deployments.apps "nope" not found']);
  const failedTest = await kubeRequest(kube, 'PATCH', `${DEPLOYMENTS}/web`,
    [{ op: 'test', path: '/spec/replicas', value: 9 }, { op: 'replace', path: '/spec/replicas', value: 9 }],
    { contentType: 'application/json-patch+json' });
  assert.deepEqual([failedTest.status, failedTest.body.reason], [422, 'Invalid']);
});

test('a watch streams MODIFIED events as a rollout proceeds, and pods come and go', async (t) => {
  const kube = await startFakeKube(t);
  kube.api.createDeployment('shop', { name: 'web', image: 'img:v1', replicas: 4 });
  await kube.api.settle();
  const list = await kubeRequest(kube, 'GET', `${DEPLOYMENTS}?fieldSelector=metadata.name%3Dweb`);
  const rv = list.body.metadata.resourceVersion as string;
  const deployments = await kubeWatch(kube, `${DEPLOYMENTS}?watch=true&fieldSelector=metadata.name%3Dweb&resourceVersion=${rv}`);
  t.after(() => deployments.close());
  const pods = await kubeWatch(kube, `/api/v1/namespaces/shop/pods?watch=1&labelSelector=app%3Dweb&resourceVersion=${rv}`);
  t.after(() => pods.close());

  const patch = { spec: { template: { spec: { containers: [{ name: 'web', image: 'img:v2' }] } } } };
  const patched = await kubeRequest(kube, 'PATCH', `${DEPLOYMENTS}/web`, patch, { contentType: 'application/strategic-merge-patch+json' });
  assert.equal(patched.status, 200);
  const done = (e: { object: Obj }): boolean => {
    const s = e.object.status ?? {};
    return e.object.metadata.generation === 2 && s.observedGeneration === 2 && s.updatedReplicas === 4 && s.replicas === 4 &&
      s.availableReplicas === 4;
  };
  await deployments.until(done);
  const events = deployments.events;
  assert.ok(events.every((e) => e.type === 'MODIFIED' && e.object.metadata.name === 'web'));
  const versions = events.map((e) => Number(e.object.metadata.resourceVersion));
  assert.deepEqual(versions, [...versions].sort((a, b) => a - b));
  const steps = new Set(events.map((e) => e.object.status?.updatedReplicas ?? 0));
  assert.ok(steps.size >= 3, `the rollout moved in steps: ${[...steps].join(', ')}`);
  assert.ok(events.some((e) => (e.object.status?.conditions as Obj[] | undefined)?.some((c) => c.reason === 'ReplicaSetUpdated')));

  await pods.until((e) => e.type === 'DELETED');
  assert.ok(pods.events.some((e) => e.type === 'ADDED' && e.object.spec.containers[0].image === 'img:v2'));
  assert.ok(pods.events.every((e) => e.object.metadata.labels.app === 'web'));

  // Without a resourceVersion: the objects as ADDED first; at timeoutSeconds a BOOKMARK, then the end.
  const short = await kubeWatch(kube, `${DEPLOYMENTS}?watch=true&timeoutSeconds=1&allowWatchBookmarks=true`);
  assert.equal((await short.until((e) => e.type === 'ADDED')).object.metadata.name, 'web');
  await short.ended;
  assert.equal(short.events.at(-1)?.type, 'BOOKMARK');
  assert.equal(short.events.at(-1)?.object.metadata.resourceVersion, kube.api.resourceVersion());
});

test('revisionHistoryLimit: old ReplicaSets at zero beyond the limit are deleted, lowest revision first', async (t) => {
  const kube = await startFakeKube(t);
  kube.api.createDeployment('shop', { name: 'web', image: 'img:v1', replicas: 2, revisionHistoryLimit: 1 });
  await kube.api.settle();
  for (const image of ['img:v2', 'img:v3', 'img:v4']) {
    kube.api.update('deployments', 'shop', 'web', (d) => {
      d.spec.template.spec.containers[0].image = image;
    });
    await kube.api.settle();
  }
  const sets = kube.api.replicaSetsOf('shop', 'web');
  assert.deepEqual(sets.map((rs) => rs.metadata.annotations['deployment.kubernetes.io/revision']), ['3', '4']);
  assert.deepEqual(sets.map((rs) => rs.spec.template.spec.containers[0].image), ['img:v3', 'img:v4']);
  assert.equal(kube.api.list('pods', 'shop').length, 2);

  kube.api.update('deployments', 'shop', 'web', (d) => {
    d.spec.revisionHistoryLimit = 0;
  });
  await kube.api.settle();
  assert.equal(kube.api.replicaSetsOf('shop', 'web').length, 1);
  const gone = await kubeRequest(kube, 'DELETE', `${DEPLOYMENTS}/web`);
  assert.deepEqual([gone.status, gone.body.status], [200, 'Success']);
  await kube.api.settle();
  assert.deepEqual([kube.api.list('replicasets', 'shop').length, kube.api.list('pods', 'shop').length], [0, 0]);
  // Settled means quiet: the controllers write nothing more.
  const quiet = kube.api.resourceVersion();
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(kube.api.resourceVersion(), quiet);
});
