/**
 * The kubernetes driver through the CLI, against the FAKE API server of
 * test/helpers/fakeKube (no real API server can run here; the fake follows
 * the documented API and is held honest by the real kubectl in
 * test/drivers/kubernetes/fakeKube.test.ts). A small HTTP server stands for
 * the Service in front of the pods: /health reports the version the ready
 * pods run, when they all run one.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
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
const CLI = join(import.meta.dirname, '..', '..', 'src', 'bin', 'rewind.ts');

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
  assert.match(first.json().steps.find((s: any) => s.name === 'verify v1').detail,
    /revision 2 rolled out \(2 of 2 pods ready\), every ready pod runs sha256:[0-9a-f]{12}; conditions: Available=True \(MinimumReplicasAvailable\), Progressing=True \(NewReplicaSetAvailable\)/);

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
  const { readFile } = await import('node:fs/promises');
  const kept = join(rolled.json().files.report_md, '..', 'snapshot', 'production');
  assert.equal(imageOf(JSON.parse(await readFile(join(kept, 'kubernetes-deployment.json'), 'utf8'))), `${IMAGE}:v2`, 'the Deployment as it was before');
  assert.ok(JSON.parse(await readFile(join(kept, 'kubernetes-replicasets.json'), 'utf8')).length >= 3);
  assert.equal(revisionOf(world.deployment()), 6);
  const pods = world.kube.api.podsOf('shop', 'web') as any[];
  const digest = `sha256:${world.kube.api.digestOf(`${IMAGE}:v1`)}`;
  assert.ok(pods.length === 2 && pods.every((p) => String(p.status.containerStatuses[0].imageID).endsWith(digest)), JSON.stringify(pods.map((p) => p.status.containerStatuses)));
  const status = (await world.cli('status', '--json')).json();
  assert.deepEqual([status.live.version, status.running.version, status.drift], ['v1', 'v1', []]);
  assert.match(status.running.artifact, /^revision 6, registry\.example\.com\/shop:v1, 2\/2 ready$/);

  // v2 broken and kept (no automatic rollback); then v1's pods no longer come up either: no known good left, exit 4, and which revision runs.
  world.kube.api.markBroken(`${IMAGE}:v2`);
  assert.equal((await world.cli('deploy', 'v2', '--no-auto-rollback')).code, 1);
  world.kube.api.markBroken(`${IMAGE}:v1`);
  const none = await world.cli('rollback', '--apply', '--yes', '--json');
  assert.equal(none.code, 4, none.stdout + none.stderr);
  assert.equal(none.json().error.code, 'NO_KNOWN_GOOD');
  assert.match(none.json().error.message, /rolled back to v1 but it failed verification too \(.*exceeded its progress deadline.*the Deployment is at revision \d+; conditions: .*Progressing=False \(ProgressDeadlineExceeded\)/);
});

test('kubernetes (fake API server): a paused Deployment and a pruned target are refused before approval; a 409 is retried', async (t) => {
  const world = await makeKubeWorld(t);
  for (const v of ['v1', 'v2']) assert.equal((await world.cli('deploy', v)).code, 0);

  await t.test('paused: exit 3, naming it and how to resume; nothing patched', async () => {
    world.kube.api.update('deployments', 'shop', 'web', (d: any) => { d.spec.paused = true; });
    const before = world.deployment().metadata.generation;
    const refused = await world.cli('rollback', '--apply', '--yes');
    world.kube.api.update('deployments', 'shop', 'web', (d: any) => { d.spec.paused = false; });
    assert.equal(refused.code, 3, refused.stdout + refused.stderr);
    assert.equal(refused.stderr.trim(), 'rewind: web is paused: resume it first (kubectl rollout resume deployment/web)');
    assert.equal(world.deployment().metadata.generation, before + 1, 'only the pause and its lifting changed the spec');
    assert.equal(imageOf(world.deployment()), `${IMAGE}:v2`);
    await world.kube.api.settle();
  });

  await t.test('a 409 Conflict on the write is read again and retried', async () => {
    world.kube.api.failNext('PUT', /\/deployments\/web$/, 409, 1);
    const rolled = await world.cli('rollback', '--apply', '--yes');
    assert.equal(rolled.code, 0, rolled.stdout + rolled.stderr);
    assert.equal(imageOf(world.deployment()), `${IMAGE}:v1`);
    const puts = world.kube.api.requests.filter((r) => r.method === 'PUT' && /\/deployments\/web$/.test(r.path));
    assert.deepEqual(puts.slice(-2).map((r) => r.status), [409, 200]);
  });

  await t.test("the target's ReplicaSet pruned past revisionHistoryLimit: exit 3, TARGET_GONE, how to get it back", async () => {
    // Back on v2 by a fresh deploy, then history cut to one: v1's ReplicaSet goes.
    assert.equal((await world.cli('deploy', 'v2')).code, 0);
    world.kube.api.update('deployments', 'shop', 'web', (d: any) => { d.spec.revisionHistoryLimit = 0; });
    await world.kube.api.settle();
    const refused = await world.cli('rollback');
    assert.equal(refused.code, 3, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /the ReplicaSet of v1 \(revision \d+, template \S+\) is gone from deployment web, past its revisionHistoryLimit \(0\): deploy v1 again with `rewind deploy v1`/);
    assert.equal(imageOf(world.deployment()), `${IMAGE}:v2`);
  });
});

test('kubernetes (fake API server): a rollback killed with SIGKILL while it waits for the rollout is resumed', async (t) => {
  const world = await makeKubeWorld(t);
  for (const v of ['v1', 'v2']) assert.equal((await world.cli('deploy', v)).code, 0);
  const isWrite = (r: { method: string; status: number; path: string }) => r.method === 'PUT' && r.status === 200 && /\/deployments\/web$/.test(r.path);
  const writesBefore = world.kube.api.requests.filter(isWrite).length;
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), CLI, 'rollback', '--apply', '--yes'], {
    cwd: world.root, env: { ...process.env, REWIND_USER: 'tester@example.com' }, stdio: 'ignore',
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  // The moment the template is written, while the rollout has barely begun.
  const deadline = Date.now() + 20_000;
  while (world.kube.api.requests.filter(isWrite).length === writesBefore && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  const interrupted = (await world.cli('history', '--json')).json().runs[0];
  assert.deepEqual([interrupted.kind, interrupted.status], ['rollback', 'interrupted']);
  const resumed = await world.cli('resume', interrupted.run_id, '--json');
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  assert.equal(imageOf(world.deployment()), `${IMAGE}:v1`);
  assert.deepEqual((await world.cli('status', '--json')).json().running.version, 'v1');
});

test('kubernetes (fake API server): bad input is one line naming what and where, and nothing is patched', async (t) => {
  const world = await makeKubeWorld(t);
  assert.equal((await world.cli('deploy', 'v1')).code, 0);
  const before = () => world.deployment().metadata.generation;
  const cases: Array<[string, string, () => void, RegExp, number]> = [
    ['an unreadable kubeconfig', '', () => undefined, /cannot read the kubeconfig .*nothing-here: no such file/, 2],
    ['an unknown context', '      context: elsewhere\n', () => undefined, /has no context "elsewhere" \(it has: test\)/, 2],
    ['a namespace that does not exist', '      namespace: nowhere\n', () => undefined, /there is no deployment web in namespace nowhere/, 2],
    ['a container not in the template', '      container: sidecar\n', () => undefined, /deployment web has no container "sidecar" \(its containers: web\)/, 2],
    ['credentials refused', '', () => world.kube.api.acceptTokens(['another']), /401 Unauthorized: the cluster refused the kubeconfig's credentials/, 2],
  ];
  for (const [name, extra, arrange, expected, code] of cases) {
    await t.test(name, async () => {
      await world.writeConfig(extra);
      if (name === 'an unreadable kubeconfig') {
        const { readFile } = await import('node:fs/promises');
        const text = await readFile(join(world.root, 'rewind.yaml'), 'utf8');
        await writeFile(join(world.root, 'rewind.yaml'), text.replace(/kubeconfig: .*/, `kubeconfig: ${JSON.stringify(join(world.root, 'nothing-here'))}`));
      }
      arrange();
      const version = before();
      const run = await world.cli('deploy', 'v2');
      assert.equal(run.code, code, run.stdout + run.stderr);
      assert.match(run.stdout + run.stderr, expected);
      assert.ok(!(run.stdout + run.stderr).includes('    at '), run.stderr);
      assert.equal(before(), version, 'nothing patched');
      world.kube.api.acceptTokens([world.kube.token]);
    });
  }
});
