import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Deployment } from '@kubernetes/client-node';
import { formatRelease, parseRelease } from '../../../src/drivers/kubernetes/artifact.js';
import { blockers } from '../../../src/drivers/kubernetes/blocked.js';
import { versionOfImage } from '../../../src/drivers/kubernetes/imageVersion.js';
import { rolloutState } from '../../../src/drivers/kubernetes/rolloutState.js';
import { referencedObjects, templateDiff } from '../../../src/drivers/kubernetes/templateDiff.js';

test('a cluster release is one readable line that parses back; an image ref is not one', () => {
  const release = { deployment: 'web', revision: 3, templateHash: '5d8f7c9b', digest: `sha256:${'a'.repeat(64)}`,
    configMaps: [{ name: 'web-config', digest: `sha256:${'b'.repeat(64)}` }] };
  const line = formatRelease(release);
  assert.equal(line, `deployment web revision 3 template 5d8f7c9b digest sha256:${'a'.repeat(64)} configmaps web-config=sha256:${'b'.repeat(64)}`);
  assert.deepEqual(parseRelease(line), release);
  assert.deepEqual(parseRelease(formatRelease({ ...release, digest: null, configMaps: [] })), { ...release, digest: null, configMaps: [] });
  assert.equal(parseRelease('registry.example.com/shop:v1'), null);
  assert.equal(parseRelease(null), null);
});

test('versionOfImage reads the version back through kubernetes.image, digest pins included', () => {
  assert.equal(versionOfImage('registry.example.com/shop:{version}', 'registry.example.com/shop:v1.2.0'), 'v1.2.0');
  assert.equal(versionOfImage('registry.example.com/shop:{version}', `registry.example.com/shop:v1.2.0@sha256:${'c'.repeat(64)}`), 'v1.2.0');
  assert.equal(versionOfImage('registry.example.com/shop:{version}', 'registry.example.com/other:v1'), null);
  assert.equal(versionOfImage('shop:{version}', 'shop:v1;rm'), null);
  assert.equal(versionOfImage('shop:latest', 'shop:latest'), null);
});

const deployment = (status: Record<string, unknown>, spec: Record<string, unknown> = {}, generation = 2): V1Deployment =>
  ({ metadata: { name: "web", generation }, spec: { replicas: 2, ...spec }, status } as unknown as V1Deployment);

test('rolloutState decides as kubectl rollout status: generation seen, all updated and available, no old replicas', () => {
  assert.equal(rolloutState(deployment({ observedGeneration: 1 })).state, 'waiting');
  assert.deepEqual(rolloutState(deployment({ observedGeneration: 2, updatedReplicas: 1, replicas: 2 })), { state: 'waiting', message: '1 of 2 replicas updated' });
  assert.deepEqual(rolloutState(deployment({ observedGeneration: 2, updatedReplicas: 2, replicas: 3 })), { state: 'waiting', message: '1 old replicas are pending termination' });
  assert.deepEqual(rolloutState(deployment({ observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 1 })), { state: 'waiting', message: '1 of 2 updated replicas available' });
  assert.equal(rolloutState(deployment({ observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 2 })).state, 'done');
  const stuck = deployment({ observedGeneration: 2, updatedReplicas: 1, replicas: 3, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-abc" has timed out progressing.' }] });
  assert.deepEqual(rolloutState(stuck), { state: 'failed', message: 'web exceeded its progress deadline (ReplicaSet "web-abc" has timed out progressing.)' });
});

test('blockers: a paused Deployment, Argo CD tracking, a Helm release, each named with the way out', () => {
  assert.deepEqual(blockers(deployment({})), []);
  assert.match(blockers(deployment({}, { paused: true }))[0] as string, /^web is paused: resume it first \(kubectl rollout resume deployment\/web\)$/);
  const argo = { metadata: { name: 'web', annotations: { 'argocd.argoproj.io/tracking-id': 'shop:apps/Deployment:shop/web' } }, spec: {} } as unknown as V1Deployment;
  assert.match(blockers(argo)[0] as string, /managed by Argo CD \(shop:apps\/Deployment:shop\/web\): an auto-sync would undo the rollback/);
  const helm = { metadata: { name: 'web', labels: { 'app.kubernetes.io/managed-by': 'Helm' }, annotations: { 'meta.helm.sh/release-name': 'shop' } }, spec: {} } as unknown as V1Deployment;
  assert.match(blockers(helm)[0] as string, /belongs to the Helm release shop: .*helm rollback shop/);
});

test('templateDiff names image, env and resources changes; referencedObjects finds ConfigMaps and Secrets', () => {
  const live = { spec: { containers: [{ name: 'web', image: 'shop:v2', env: [{ name: 'MODE', value: 'two' }, { name: 'NEW', value: 'x' }], resources: { limits: { cpu: '1' } } }] } };
  const target = { spec: { containers: [{ name: 'web', image: 'shop:v1', env: [{ name: 'MODE', value: 'one' }], resources: { limits: { cpu: '1' } } }],
    volumes: [{ name: 'c', configMap: { name: 'web-config' } }, { name: 's', secret: { secretName: 'web-tls' } }] } };
  assert.deepEqual(templateDiff(live, target), ['web image: shop:v2 -> shop:v1', 'web env MODE: "two" -> "one"', 'web env NEW: "x" -> (unset)']);
  assert.deepEqual(referencedObjects(target), { configMaps: ['web-config'], secrets: ['web-tls'] });
});
