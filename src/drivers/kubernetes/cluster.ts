/**
 * The cluster the Deployment lives in, through @kubernetes/client-node:
 * the kubeconfig (kubernetes.kubeconfig, else KUBECONFIG, else
 * ~/.kube/config), its context and namespace, and the credentials it names
 * (token, client certificate, exec plugin), with TLS verified unless the
 * kubeconfig itself says otherwise. Loaded on first use.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { RewindError } from '../../core/errors.js';
import type { KubernetesConfig } from './schema.js';

export interface Cluster {
  apps: k8s.AppsV1Api;
  core: k8s.CoreV1Api;
  autoscaling: k8s.AutoscalingV2Api;
  namespace: string;
  /** `context prod (https://...)`, for messages. */
  label: string;
  /** The client's module, for its patch helpers. */
  lib: typeof k8s;
}

export async function openCluster(config: KubernetesConfig, configDir: string, env: NodeJS.ProcessEnv): Promise<Cluster> {
  const lib = await import('@kubernetes/client-node');
  const kc = new lib.KubeConfig();
  const file = kubeconfigFile(config, configDir, env);
  try {
    kc.loadFromFile(file);
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : firstLine(error);
    throw new RewindError('CONFIG_INVALID', `cannot read the kubeconfig ${file}: ${why}`, { field: 'kubernetes.kubeconfig', file });
  }
  if (config.context !== undefined) {
    if (!kc.getContextObject(config.context)) {
      const known = kc.getContexts().map((c) => c.name).join(', ') || 'none';
      const message = `the kubeconfig ${file} has no context ${JSON.stringify(config.context)} (it has: ${known})`;
      throw new RewindError('CONFIG_INVALID', message, { field: 'kubernetes.context' });
    }
    kc.setCurrentContext(config.context);
  }
  const context = kc.getContextObject(kc.getCurrentContext());
  const cluster = kc.getCurrentCluster();
  if (!context || !cluster) {
    throw new RewindError('CONFIG_INVALID', `the kubeconfig ${file} names no current context: set kubernetes.context`, {
      field: 'kubernetes.context',
    });
  }
  return {
    apps: kc.makeApiClient(lib.AppsV1Api),
    core: kc.makeApiClient(lib.CoreV1Api),
    autoscaling: kc.makeApiClient(lib.AutoscalingV2Api),
    namespace: config.namespace ?? context.namespace ?? 'default',
    label: `context ${context.name} (${cluster.server})`,
    lib,
  };
}

function kubeconfigFile(config: KubernetesConfig, configDir: string, env: NodeJS.ProcessEnv): string {
  const given = config.kubeconfig ?? env.KUBECONFIG?.split(':').find((p) => p !== '');
  if (given === undefined) return join(homedir(), '.kube', 'config');
  return given.startsWith('~/') ? join(homedir(), given.slice(2)) : resolve(configDir, given);
}

/** An API error as one line: the status the server gave and its own message, never a stack or the body's secrets. */
export function apiSaid(error: unknown): string {
  const code = (error as { code?: number | string } | undefined)?.code;
  const body = (error as { body?: unknown } | undefined)?.body;
  const message = parsedMessage(body);
  if (code === 401) return `401 Unauthorized: the cluster refused the kubeconfig's credentials${message ? ` (${message})` : ''}`;
  if (code === 403) return `403 Forbidden${message ? `: ${message}` : ''}`;
  if (typeof code === 'number') return `${code}${message ? `: ${message}` : ''}`;
  if (code === 'ECONNREFUSED') return 'connection refused (is the API server up, and is this its address?)';
  return firstLine(error);
}

export function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

function parsedMessage(body: unknown): string | undefined {
  const text = typeof body === 'string' ? body : undefined;
  try {
    const parsed = (text ? JSON.parse(text) : body) as { message?: string } | undefined;
    return parsed?.message?.split('\n')[0];
  } catch {
    return text?.split('\n')[0]?.slice(0, 200);
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
