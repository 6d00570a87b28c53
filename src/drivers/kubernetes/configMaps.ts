/**
 * The ConfigMaps listed in kubernetes.config_maps, recorded with each
 * verified release and put back with it: undo reverts only the pod template,
 * and pods of an old template crash on a new config (kubernetes#22368).
 * Content stays in state.dir on this machine; the ledger gets names and
 * content digests only, and reports never show the content.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { RewindError } from '../../core/errors.js';
import { clusterError } from './deployment.js';
import type { KubeContext } from './context.js';
import { replaceRetrying } from './replace.js';

interface Content {
  data: Record<string, string>;
  binaryData: Record<string, string>;
}

function contentOf(map: V1ConfigMap): Content {
  return { data: map.data ?? {}, binaryData: map.binaryData ?? {} };
}

export function digestOfContent(content: Content): string {
  const sorted = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  const canonical = JSON.stringify({ data: sorted(content.data), binaryData: sorted(content.binaryData) });
  return `sha256:${createHash('sha256').update(canonical).digest('hex')}`;
}

function recordFile(ctx: KubeContext, version: string, name: string): string {
  return join(ctx.stateDir, 'kubernetes', ctx.env, ctx.config.deployment, version, `${name}.json`);
}

/** Reads each listed ConfigMap now and keeps its content for `version`; returns names and digests for the ledger. */
export async function recordConfigMaps(ctx: KubeContext, version: string): Promise<Array<{ name: string; digest: string }>> {
  const cluster = await ctx.cluster();
  const recorded: Array<{ name: string; digest: string }> = [];
  for (const name of ctx.config.config_maps) {
    let map: V1ConfigMap;
    try {
      map = await cluster.core.readNamespacedConfigMap({ name, namespace: cluster.namespace });
    } catch (error) {
      throw clusterError(cluster, error, `ConfigMap ${name} in namespace ${cluster.namespace}`);
    }
    const content = contentOf(map);
    const file = recordFile(ctx, version, name);
    await ctx.files.mkdir(join(file, '..'));
    await ctx.files.writeFileAtomic(file, `${JSON.stringify(content)}\n`);
    recorded.push({ name, digest: digestOfContent(content) });
  }
  return recorded;
}

/** Whether every recorded ConfigMap's content is still in state.dir, as recorded (for the plan, before approval). */
export async function missingRecords(ctx: KubeContext, version: string, recorded: ReadonlyArray<{ name: string; digest: string }>) {
  const missing: string[] = [];
  for (const r of recorded) {
    const content = await readRecord(ctx, version, r.name);
    if (!content || digestOfContent(content) !== r.digest) missing.push(r.name);
  }
  return missing;
}

/** Puts each recorded ConfigMap back as it was when `version` was verified; returns what changed. */
export async function restoreConfigMaps(
  ctx: KubeContext, version: string, recorded: ReadonlyArray<{ name: string; digest: string }>,
): Promise<string[]> {
  const cluster = await ctx.cluster();
  const changed: string[] = [];
  for (const r of recorded) {
    const content = await readRecord(ctx, version, r.name);
    if (!content || digestOfContent(content) !== r.digest) {
      throw new RewindError('STEP_FAILED', `the ConfigMap ${r.name} recorded with ${version} is missing or altered in state.dir ` +
        `(${recordFile(ctx, version, r.name)}); nothing was patched`);
    }
    const namespace = cluster.namespace;
    const done = await replaceRetrying(
      () => cluster.core.readNamespacedConfigMap({ name: r.name, namespace }),
      (live) => (digestOfContent(contentOf(live)) === r.digest ? null : { ...live, data: content.data, binaryData: content.binaryData }),
      (body) => cluster.core.replaceNamespacedConfigMap({ name: r.name, namespace, body }),
    ).catch((error: unknown) => {
      throw clusterError(cluster, error, `ConfigMap ${r.name} in namespace ${namespace}`);
    });
    if (done) changed.push(r.name);
  }
  return changed;
}

async function readRecord(ctx: KubeContext, version: string, name: string): Promise<Content | undefined> {
  const text = await ctx.files.readFile(recordFile(ctx, version, name));
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as Content;
  } catch {
    return undefined;
  }
}
