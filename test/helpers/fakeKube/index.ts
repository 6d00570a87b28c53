/**
 * A fake Kubernetes API server for the kubernetes driver's tests, held honest by the real kubectl: HTTPS on
 * 127.0.0.1 with its own CA, a bearer token, discovery, CRUD/PATCH/watch on the kinds a rollback touches, and
 * deployment, ReplicaSet and kubelet controllers that roll out like the real ones, only fast.
 *
 *   const kube = await startFakeKube(t);
 *   kube.api.createDeployment('shop', { name: 'web', image: 'img:v1', replicas: 2 });
 *   await kube.api.settle();
 *   execFile('kubectl', ['--kubeconfig', kube.kubeconfig, 'rollout', 'status', 'deploy/web'], ...)
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { tempDir } from '../tmp.js';
import { createApi, type FakeKubeApi } from './api.js';
import { ControllerClock } from './conditions.js';
import { Controllers } from './controllers.js';
import { ImageCatalog } from './images.js';
import { writeKubeconfig } from './kubeconfig.js';
import { createApiServer, type ServerState } from './server.js';
import { ObjectStore } from './store.js';
import { makeCertificates } from './tls.js';

export type { FakeKubeApi } from './api.js';
export type { ConfigMapInput, ContainerInput, DeploymentInput, HpaInput } from './builders.js';
export type { RequestRecord } from './server.js';
export type { ResourceName } from './resources.js';

export interface FakeKubeOptions {
  /** Namespaces that exist from the start (default: default and shop). */
  namespaces?: string[];
  /** The kubeconfig's namespace (default shop). */
  namespace?: string;
  /** The token in the kubeconfig, and the only one accepted at first (default: random). */
  token?: string;
  /** Real seconds per API second, for progressDeadlineSeconds and minReadySeconds (default 1; 0.1 makes them 10x faster). */
  secondsScale?: number;
  /** Controller tick, ms (default 25). */
  tickMs?: number;
  /** How long a pod is Pending before it runs, ms (default 0: the next tick). */
  podStartMs?: number;
  /** What /version says (default 1.30). */
  serverVersion?: string;
}

export interface FakeKube {
  /** https://127.0.0.1:PORT */
  url: string;
  /** A kubeconfig file: cluster CA, server, user token, context `test` (current), namespace shop. */
  kubeconfig: string;
  token: string;
  caFile: string;
  dir: string;
  api: FakeKubeApi;
}

export async function startFakeKube(t: TestContext, options: FakeKubeOptions = {}): Promise<FakeKube> {
  let stop: (() => Promise<void>) | undefined;
  const dir = await tempDir(t, 'rewind-kube-', async () => stop?.());
  const tls = await makeCertificates(dir);
  const token = options.token ?? randomBytes(16).toString('hex');
  const store = new ObjectStore();
  const openWatches = new Set<ServerResponse>();
  const state: ServerState = {
    store, tokens: new Set([token]), forbiddenNamespaces: new Set(), failures: [], requests: [], openWatches,
    serverVersion: options.serverVersion ?? '1.30',
  };
  const images = new ImageCatalog();
  const controllers = new Controllers(store, images, new ControllerClock(options.secondsScale ?? 1), options);
  const api = createApi(state, images, controllers);
  for (const namespace of options.namespaces ?? ['default', 'shop']) api.createNamespace(namespace);

  let port = 0;
  const server = createApiServer(state, tls, () => `127.0.0.1:${port}`);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  controllers.start();
  stop = async () => {
    controllers.stop();
    for (const res of openWatches) res.end();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };

  const url = `https://127.0.0.1:${port}`;
  const kubeconfig = await writeKubeconfig(join(dir, 'kubeconfig'), {
    server: url, caFile: tls.caFile, token, namespace: options.namespace ?? 'shop',
  });
  return { url, kubeconfig, token, caFile: tls.caFile, dir, api };
}
